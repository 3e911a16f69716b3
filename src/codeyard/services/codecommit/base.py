"""What every CodeCommit operation module shares: collaborators, repository lookups, commit
resolution and events."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from codeyard.accounts import RequestContext
from codeyard.clock import Clock
from codeyard.ids import IdGenerator
from codeyard.services.codecommit import names
from codeyard.services.codecommit.errors import (
    CommitDoesNotExistException,
    RepositoryDoesNotExistException,
)
from codeyard.services.events import EventFactory
from codeyard.store.ports import Store, UnitOfWork
from codeyard.store.ports.codecommit import RepositoryRecord
from codeyard.store.ports.git import HEADS, RefChange
from codeyard.store.ports.git_store import GitStore

SOURCE = "aws.codecommit"
REPOSITORY_STATE_CHANGE = "CodeCommit Repository State Change"


class CodeCommitBase:
    """The state of CodeCommitApi; operation mixins subclass it."""

    def __init__(
        self,
        store: Store,
        clock: Clock,
        ids: IdGenerator,
        events: EventFactory,
        git: GitStore,
        *,
        clone_url_base: str,
        ssh_url_base: str | None = None,
    ) -> None:
        self._store = store
        self._clock = clock
        self._ids = ids
        self._events = events
        self._git = git
        self._clone_url_base = clone_url_base.rstrip("/")
        self._ssh_url_base = (ssh_url_base or "").rstrip("/")

    # --- repositories ----------------------------------------------------------------------------

    def _repository(self, uow: UnitOfWork, ctx: RequestContext, name: str | None) -> RepositoryRecord:
        names.check_repository_name(name)
        record = uow.repositories.get(region=ctx.region, repository_name=name)
        if record is None:
            raise RepositoryDoesNotExistException(f"{name} does not exist")
        return record

    def _repository_by_id(self, uow: UnitOfWork, repository_id: str) -> RepositoryRecord:
        found = uow.repositories.find(repository_id=repository_id, limit=1)
        if not found:
            raise RepositoryDoesNotExistException(f"Repository id {repository_id} does not exist")
        return found[0]

    def _metadata(self, record: RepositoryRecord) -> dict[str, Any]:
        """The RepositoryMetadata shape."""
        out: dict[str, Any] = {
            "accountId": record.arn.split(":")[4],
            "repositoryId": record.repository_id,
            "repositoryName": record.repository_name,
            "lastModifiedDate": record.last_modified_at,
            "creationDate": record.created_at,
            "cloneUrlHttp": f"{self._clone_url_base}/v1/repos/{record.repository_name}",
            "Arn": record.arn,
            "kmsKeyId": record.kms_key_id,
        }
        if self._ssh_url_base:
            out["cloneUrlSsh"] = f"{self._ssh_url_base}/v1/repos/{record.repository_name}"
        if record.description is not None:
            out["repositoryDescription"] = record.description
        if record.default_branch:
            out["defaultBranch"] = record.default_branch
        return out

    # --- commits -----------------------------------------------------------------------------------

    def _resolve(self, record: RepositoryRecord, specifier: str | None) -> str:
        """The commit a specifier names; the default branch's tip when none is given."""
        spec = specifier or (HEADS + record.default_branch if record.default_branch else "HEAD")
        commit = self._git.resolve_commit(record.repository_id, spec)
        if commit is None:
            raise CommitDoesNotExistException(
                f"Could not find a commit for {spec} in repository {record.repository_name}"
            )
        return commit

    # --- events ------------------------------------------------------------------------------------

    def _emit(
        self, uow: UnitOfWork, ctx: RequestContext, detail_type: str, detail: dict[str, Any], arn: str
    ) -> None:
        uow.outbox.add(self._events.event(ctx, SOURCE, detail_type, detail, [arn]))

    def _after_reference_changes(
        self,
        uow: UnitOfWork,
        ctx: RequestContext,
        record: RepositoryRecord,
        changes: Sequence[RefChange],
    ) -> None:
        """Called in the transaction of every ref change, by push or API, after its events:
        pull requests follow their branches here (pull_requests.py overrides it)."""

    @contextmanager
    def _reading(self) -> Iterator[UnitOfWork]:
        with self._store.reader() as uow:
            yield uow
