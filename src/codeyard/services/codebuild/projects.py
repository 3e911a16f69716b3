"""Build projects: create, update, delete, batch get, list and UpdateProjectVisibility."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from codeyard.accounts import RequestContext
from codeyard.services.codebuild.base import CodeBuildBase, project_arn
from codeyard.services.codebuild.definitions import complete, merged
from codeyard.services.codebuild.errors import (
    AccountLimitExceededException,
    InvalidInputException,
    ResourceAlreadyExistsException,
    ResourceNotFoundException,
)
from codeyard.services.codebuild.fleet_pool import bind_fleet
from codeyard.services.codebuild.pages import page
from codeyard.services.codebuild.project_checks import check_definition, check_tags
from codeyard.store.ports import Conflict
from codeyard.store.ports.codebuild import ProjectRecord

MAX_PROJECTS = 5000  # per account and region, as AWS's quota
PAGE_SIZE = 100
_IAM_ROLE = re.compile(r"arn:aws[a-z-]*:iam::[0-9]{12}:role/[\w+=,.@/-]{1,512}")
_SORT_KEYS = {"NAME": "name", "CREATED_TIME": "created_at", "LAST_MODIFIED_TIME": "last_modified_at"}


class ProjectsMixin(CodeBuildBase):
    max_projects = MAX_PROJECTS

    def create_project(
        self,
        ctx: RequestContext,
        *,
        name: str,
        source: dict[str, Any],
        artifacts: dict[str, Any],
        environment: dict[str, Any],
        service_role: str,
        description: str | None = None,
        secondary_sources: list[dict[str, Any]] | None = None,
        source_version: str | None = None,
        secondary_source_versions: list[dict[str, Any]] | None = None,
        secondary_artifacts: list[dict[str, Any]] | None = None,
        cache: dict[str, Any] | None = None,
        timeout_in_minutes: int | None = None,
        queued_timeout_in_minutes: int | None = None,
        encryption_key: str | None = None,
        tags: list[dict[str, str]] | None = None,
        vpc_config: dict[str, Any] | None = None,
        badge_enabled: bool | None = None,
        logs_config: dict[str, Any] | None = None,
        file_system_locations: list[dict[str, Any]] | None = None,
        build_batch_config: dict[str, Any] | None = None,
        concurrent_build_limit: int | None = None,
        auto_retry_limit: int | None = None,
    ) -> dict[str, Any]:
        given = {
            "description": description,
            "secondarySources": secondary_sources,
            "sourceVersion": source_version,
            "secondarySourceVersions": secondary_source_versions,
            "secondaryArtifacts": secondary_artifacts,
            "cache": cache,
            "timeoutInMinutes": timeout_in_minutes,
            "queuedTimeoutInMinutes": queued_timeout_in_minutes,
            "encryptionKey": encryption_key,
            "vpcConfig": vpc_config,
            "logsConfig": logs_config,
            "fileSystemLocations": file_system_locations,
            "buildBatchConfig": build_batch_config,
            "concurrentBuildLimit": concurrent_build_limit,
            "autoRetryLimit": auto_retry_limit,
        }
        given.update(source=source, artifacts=artifacts, environment=environment, serviceRole=service_role)
        given["badge"] = self._badge(None, badge_enabled)
        definition = complete(given, ctx, name)
        check_definition(definition, ctx, self._clone_url_base)
        check_tags(tags or [])
        now = self._clock.now()
        arn = project_arn(ctx, name)
        record = ProjectRecord(
            region=ctx.region,
            name=name,
            arn=arn,
            created_at=now,
            last_modified_at=now,
            definition=definition,
            tags=list(tags or []),
        )
        with self._store.unit_of_work() as uow:
            if uow.projects.get(region=ctx.region, name=name) is not None:
                raise ResourceAlreadyExistsException(f"Project already exists: {arn}")
            record = replace(
                record, fleet_arn=bind_fleet(uow, ctx.region, definition["environment"], lock=True)
            )
            if uow.projects.count(region=ctx.region) >= self.max_projects:
                raise AccountLimitExceededException(
                    f"The maximum number of projects ({self.max_projects}) was reached in {ctx.region}."
                )
            try:
                uow.projects.add(record)
            except Conflict:
                raise ResourceAlreadyExistsException(f"Project already exists: {arn}") from None
            uow.commit()
        return {"project": self._project_shape(record)}

    def update_project(
        self,
        ctx: RequestContext,
        *,
        name: str,
        source: dict[str, Any] | None = None,
        artifacts: dict[str, Any] | None = None,
        environment: dict[str, Any] | None = None,
        service_role: str | None = None,
        description: str | None = None,
        secondary_sources: list[dict[str, Any]] | None = None,
        source_version: str | None = None,
        secondary_source_versions: list[dict[str, Any]] | None = None,
        secondary_artifacts: list[dict[str, Any]] | None = None,
        cache: dict[str, Any] | None = None,
        timeout_in_minutes: int | None = None,
        queued_timeout_in_minutes: int | None = None,
        encryption_key: str | None = None,
        tags: list[dict[str, str]] | None = None,
        vpc_config: dict[str, Any] | None = None,
        badge_enabled: bool | None = None,
        logs_config: dict[str, Any] | None = None,
        file_system_locations: list[dict[str, Any]] | None = None,
        build_batch_config: dict[str, Any] | None = None,
        concurrent_build_limit: int | None = None,
        auto_retry_limit: int | None = None,
    ) -> dict[str, Any]:
        changes = {
            "description": description,
            "secondarySources": secondary_sources,
            "sourceVersion": source_version,
            "secondarySourceVersions": secondary_source_versions,
            "secondaryArtifacts": secondary_artifacts,
            "cache": cache,
            "timeoutInMinutes": timeout_in_minutes,
            "queuedTimeoutInMinutes": queued_timeout_in_minutes,
            "encryptionKey": encryption_key,
            "vpcConfig": vpc_config,
            "logsConfig": logs_config,
            "fileSystemLocations": file_system_locations,
            "buildBatchConfig": build_batch_config,
            "concurrentBuildLimit": concurrent_build_limit,
            "autoRetryLimit": auto_retry_limit,
        }
        changes.update(source=source, artifacts=artifacts, environment=environment, serviceRole=service_role)
        if tags is not None:
            check_tags(tags)
        with self._store.unit_of_work() as uow:
            record = self._find_project(uow, ctx, name)
            if record is None:
                raise ResourceNotFoundException(f"Project cannot be found: {_arn_of(ctx, name)}")
            changes["badge"] = self._badge(record.definition.get("badge"), badge_enabled)
            definition = complete(merged(record.definition, changes), ctx, record.name)
            check_definition(definition, ctx, self._clone_url_base)
            fleet_arn = bind_fleet(uow, ctx.region, definition["environment"], lock=True)
            updated = replace(
                record,
                fleet_arn=fleet_arn,
                last_modified_at=self._clock.now(),
                definition=definition,
                tags=list(tags) if tags is not None else record.tags,
            )
            uow.projects.update(updated)
            uow.commit()
        return {"project": self._project_shape(updated)}

    def delete_project(self, ctx: RequestContext, *, name: str) -> dict[str, Any]:
        """A missing project answers nothing, as AWS does."""
        with self._store.unit_of_work() as uow:
            record = self._find_project(uow, ctx, name)
            if record is not None:
                uow.projects.remove(region=record.region, name=record.name)
                uow.resource_policies.remove(resource_arn=record.arn)
                uow.commit()
        return {}

    def batch_get_projects(self, ctx: RequestContext, *, names: list[str]) -> dict[str, Any]:
        found: list[dict[str, Any]] = []
        missing: list[str] = []
        with self._reading() as uow:
            for name in dict.fromkeys(names):
                if not name:
                    raise InvalidInputException("Invalid project name: a name or ARN must not be empty")
                record = self._find_project(uow, ctx, name)
                if record is None:
                    missing.append(name)
                else:
                    found.append(self._project_shape(record))
        return {"projects": found, "projectsNotFound": missing}

    def list_projects(
        self,
        ctx: RequestContext,
        *,
        sort_by: str | None = None,
        sort_order: str | None = None,
        next_token: str | None = None,
    ) -> dict[str, Any]:
        sort_by = sort_by or "NAME"
        sort_order = sort_order or "ASCENDING"
        key = _SORT_KEYS[sort_by]
        with self._reading() as uow:
            records = uow.projects.find(region=ctx.region)
        records.sort(key=lambda r: (getattr(r, key), r.name), reverse=sort_order == "DESCENDING")
        items, following = page(records, next_token, PAGE_SIZE, f"projects-{sort_by}-{sort_order}")
        out: dict[str, Any] = {"projects": [r.name for r in items]}
        if following:
            out["nextToken"] = following
        return out

    def update_project_visibility(
        self,
        ctx: RequestContext,
        *,
        project_arn: str,
        project_visibility: str,
        resource_access_role: str | None = None,
    ) -> dict[str, Any]:
        """Sets projectVisibility (and resourceAccessRole when given). PUBLIC_READ gives the project a
        publicProjectAlias once; it is kept after, so the project's public identifier never changes."""
        if resource_access_role is not None and not _IAM_ROLE.fullmatch(resource_access_role):
            raise InvalidInputException(
                f"Invalid resourceAccessRole: {resource_access_role} is not an IAM role ARN"
            )
        with self._store.unit_of_work() as uow:
            record = self._find_project(uow, ctx, project_arn)
            if record is None:
                raise ResourceNotFoundException(f"Project cannot be found: {_arn_of(ctx, project_arn)}")
            definition = {**record.definition, "projectVisibility": project_visibility}
            if project_visibility == "PUBLIC_READ" and "publicProjectAlias" not in definition:
                definition["publicProjectAlias"] = self._ids.uuid()
            if resource_access_role is not None:
                definition["resourceAccessRole"] = resource_access_role
            definition = complete(definition, ctx, record.name)
            updated = replace(record, last_modified_at=self._clock.now(), definition=definition)
            uow.projects.update(updated)
            uow.commit()
        out = {"projectArn": updated.arn, "projectVisibility": project_visibility}
        if "publicProjectAlias" in definition:
            out["publicProjectAlias"] = definition["publicProjectAlias"]
        return out

    def _badge(self, current: dict[str, Any] | None, enabled: bool | None) -> dict[str, Any] | None:
        """The badge member for badgeEnabled: None keeps the current one, an enabled badge keeps its URL."""
        if enabled is None:
            return current
        if not enabled:
            return {"badgeEnabled": False}
        if current and current.get("badgeEnabled"):
            return current
        return {
            "badgeEnabled": True,
            "badgeRequestUrl": f"{self._clone_url_base}/badges?uuid={self._ids.uuid()}&branch=main",
        }


def _arn_of(ctx: RequestContext, name: str) -> str:
    return name if name.startswith("arn:") else project_arn(ctx, name)
