"""What every CodeBuild operation module shares: collaborators, project lookups and the Project shape."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from codeyard.accounts import RequestContext
from codeyard.clock import Clock
from codeyard.crypto import SecretBox
from codeyard.ids import IdGenerator
from codeyard.services.codebuild.build_shapes import BuildEvents
from codeyard.store.ports import Store, UnitOfWork
from codeyard.store.ports.codebuild import ProjectRecord

if TYPE_CHECKING:  # the buildspec parser is imported by batch operations alone
    from codeyard.services.codebuild.batch_plan import BatchspecRead

PROJECT_PREFIX = "project/"


def project_arn(ctx: RequestContext, name: str) -> str:
    return ctx.arn("codebuild", PROJECT_PREFIX + name)


def project_name(ctx: RequestContext, name_or_arn: str) -> str | None:
    """The project name that a name or a project ARN of the caller's region and account names;
    None for an ARN of another region, account or resource type."""
    if not name_or_arn.startswith("arn:"):
        return name_or_arn
    prefix = project_arn(ctx, "")
    if not name_or_arn.startswith(prefix) or len(name_or_arn) == len(prefix):
        return None
    return name_or_arn[len(prefix) :]


class CodeBuildBase:
    """The state of CodeBuildApi; operation mixins subclass it."""

    def __init__(
        self,
        store: Store,
        clock: Clock,
        ids: IdGenerator,
        *,
        clone_url_base: str,
        wake: Callable[[], None] | None = None,
        minute_seconds: int = 60,
        box: SecretBox | None = None,
        forget_cache: Callable[[str, str], object] | None = None,
        read_batchspec: BatchspecRead | None = None,
    ) -> None:
        self._store = store
        self._clock = clock
        self._ids = ids
        self._clone_url_base = clone_url_base.rstrip("/")
        self._build_events = BuildEvents(clock, ids)
        # Called once a build is queued: wakes the runners' long polls.
        self._wake = wake or (lambda: None)
        # How long a minute of timeoutInMinutes lasts for the runner (the setting build_minute_seconds).
        self._minute_seconds = minute_seconds
        # Seals the source credentials' tokens (None: ImportSourceCredentials is refused).
        self._box = box
        # Removes the S3-type cache archives of (cache location, project) kept on the server.
        self._forget_cache = forget_cache or (lambda location, project: None)
        # Reads a batch's buildspec from its source (None: only inline buildspecs can run batches).
        self._read_batchspec = read_batchspec

    def _find_project(self, uow: UnitOfWork, ctx: RequestContext, name_or_arn: str) -> ProjectRecord | None:
        name = project_name(ctx, name_or_arn)
        if name is None:
            return None
        return uow.projects.get(region=ctx.region, name=name)

    @staticmethod
    def _cache_generation(uow: UnitOfWork, project: ProjectRecord) -> int:
        """How many times the project's cache was reset (InvalidateProjectCache)."""
        reset = uow.cache_resets.get(region=project.region, project_name=project.name)
        return reset.generation if reset is not None else 0

    @staticmethod
    def _project_shape(record: ProjectRecord) -> dict[str, Any]:
        """The Project shape: the stored definition with the project's identity, dates and tags."""
        return {
            "name": record.name,
            "arn": record.arn,
            **record.definition,
            "tags": [dict(tag) for tag in record.tags],
            "created": record.created_at,
            "lastModified": record.last_modified_at,
        }

    @contextmanager
    def _reading(self) -> Iterator[UnitOfWork]:
        with self._store.reader() as uow:
            yield uow
