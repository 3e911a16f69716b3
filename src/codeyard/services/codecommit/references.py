"""Reference changes, from a push or from the API: the repository's new state and its events."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from codeyard.accounts import RequestContext
from codeyard.services.codecommit.base import REPOSITORY_STATE_CHANGE, CodeCommitBase
from codeyard.store.ports import UnitOfWork
from codeyard.store.ports.codecommit import RepositoryRecord
from codeyard.store.ports.git import HEADS, TAGS, RefChange

_PREFERRED_DEFAULTS = ("main", "master")


def reference_detail(record: RepositoryRecord, change: RefChange, caller_arn: str) -> dict[str, Any]:
    """The detail of a CodeCommit Repository State Change event for one ref."""
    if change.old is None:
        event = "referenceCreated"
    elif change.new is None:
        event = "referenceDeleted"
    else:
        event = "referenceUpdated"
    kind, short = (
        ("tag", change.ref.removeprefix(TAGS))
        if change.ref.startswith(TAGS)
        else (
            "branch",
            change.ref.removeprefix(HEADS),
        )
    )
    detail: dict[str, Any] = {
        "callerUserArn": caller_arn,
        "event": event,
        "referenceFullName": change.ref,
        "referenceName": short,
        "referenceType": kind,
        "repositoryId": record.repository_id,
        "repositoryName": record.repository_name,
    }
    if change.new is not None:
        detail["commitId"] = change.new
    if change.old is not None:
        detail["oldCommitId"] = change.old
    return detail


class ReferencesMixin(CodeCommitBase):
    def record_push(self, ctx: RequestContext, repository_name: str, changes: Sequence[RefChange]) -> None:
        """Record the ref changes a git push made: not an AWS operation, the git layer calls it."""
        if not changes:
            return
        with self._store.unit_of_work() as uow:
            record = self._repository(uow, ctx, repository_name)
            self._references_changed(uow, ctx, record, changes)
            uow.commit()

    def _references_changed(
        self,
        uow: UnitOfWork,
        ctx: RequestContext,
        record: RepositoryRecord,
        changes: Sequence[RefChange],
        merge: dict[str, Any] | None = None,
    ) -> RepositoryRecord:
        """Update the repository row, emit one event per ref, then let pull requests follow.
        `merge` holds the merge fields of an API merge's event (baseCommitId, mergeOption…)."""
        default = record.default_branch
        branches = [c.ref.removeprefix(HEADS) for c in changes if c.ref.startswith(HEADS) and c.new]
        if default is None and branches:
            default = next((b for b in _PREFERRED_DEFAULTS if b in branches), sorted(branches)[0])
            self._git.set_default_branch(record.repository_id, default)
        record = replace(record, default_branch=default, last_modified_at=self._clock.now())
        uow.repositories.update(record)
        for change in changes:
            detail = reference_detail(record, change, ctx.principal.arn)
            if merge and change.new is not None:
                detail.update(merge)
            self._emit(uow, ctx, REPOSITORY_STATE_CHANGE, detail, record.arn)
        self._after_reference_changes(uow, ctx, record, changes)
        return record
