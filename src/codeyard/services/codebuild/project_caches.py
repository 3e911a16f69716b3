"""InvalidateProjectCache: a project's cache reset, on the server (S3 type) and on the runners (LOCAL)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from codeyard.accounts import RequestContext
from codeyard.services.codebuild.base import CodeBuildBase, project_arn
from codeyard.services.codebuild.errors import InvalidInputException, ResourceNotFoundException
from codeyard.store.ports import Conflict
from codeyard.store.ports.codebuild_access import CacheResetRecord


class ProjectCachesMixin(CodeBuildBase):
    def invalidate_project_cache(self, ctx: RequestContext, *, project_name: str) -> dict[str, Any]:
        """Counts a reset of the project's cache: builds started from now on carry the new generation,
        and runners drop LOCAL caches of an older one. The S3-type archives at the project's cache
        location are removed from the artifact store. A project without a cache is refused."""
        now = self._clock.now()
        with self._store.unit_of_work() as uow:
            project = self._find_project(uow, ctx, project_name)
            if project is None:
                shown = project_name if project_name.startswith("arn:") else project_arn(ctx, project_name)
                raise ResourceNotFoundException(f"Project cannot be found: {shown}")
            cache = project.definition.get("cache") or {}
            kind = cache.get("type") or "NO_CACHE"
            if kind == "NO_CACHE":
                raise InvalidInputException(
                    f"Cannot invalidate the cache of project {project.name}: its cache type is NO_CACHE"
                )
            key = {"region": project.region, "project_name": project.name}
            current = uow.cache_resets.get(for_update=True, region=project.region, project_name=project.name)
            try:
                if current is None:
                    uow.cache_resets.add(CacheResetRecord(**key, generation=1, reset_at=now))
                else:
                    uow.cache_resets.update(replace(current, generation=current.generation + 1, reset_at=now))
            except Conflict:
                pass  # a concurrent reset counted first: the cache is reset either way
            else:
                uow.commit()
        if kind == "S3":
            self._forget_cache(str(cache.get("location") or ""), project.name)
        return {}
