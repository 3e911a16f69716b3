"""Open pull requests follow their branches as refs move, by push or API: a new source tip is a
new revision, and a destination that now holds the source tip means the pull request was merged."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from codeyard.accounts import RequestContext
from codeyard.services.codecommit.pull_request_base import CLOSED, OPEN, PullRequestBase
from codeyard.store.ports import UnitOfWork
from codeyard.store.ports.codecommit import PullRequestRecord, RepositoryRecord
from codeyard.store.ports.git import RefChange


def without_none(values: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in values.items() if v is not None}


class PullRequestTrackingMixin(PullRequestBase):
    def _after_reference_changes(
        self, uow: UnitOfWork, ctx: RequestContext, record: RepositoryRecord, changes: Sequence[RefChange]
    ) -> None:
        moved = {change.ref: change.new for change in changes if change.new is not None}
        if not moved:
            return  # a deleted branch leaves its pull requests as they are (merging them fails)
        for pull in uow.pull_requests.find(repository_id=record.repository_id, status=OPEN, for_update=True):
            self._follow(uow, ctx, record, pull, moved)

    def _follow(
        self,
        uow: UnitOfWork,
        ctx: RequestContext,
        record: RepositoryRecord,
        pull: PullRequestRecord,
        moved: dict[str, str],
    ) -> None:
        before = pull.source_commit
        source = moved.get(pull.source_reference, before)
        destination = moved.get(pull.destination_reference, pull.destination_commit)
        if source == before and destination == pull.destination_commit:
            return
        updated = self._touch(
            pull,
            source_commit=source,
            destination_commit=destination,
            merge_base=self._git.merge_base(record.repository_id, source, destination),
            revision_id=self._new_revision() if source != before else pull.revision_id,
        )
        if source != before:
            self._pull_request_event(
                uow,
                updated,
                "PULL_REQUEST_SOURCE_REFERENCE_UPDATED",
                ctx.principal.arn,
                {
                    "pullRequestSourceReferenceUpdatedEventMetadata": without_none(
                        {
                            "repositoryName": record.repository_name,
                            "beforeCommitId": before,
                            "afterCommitId": source,
                            "mergeBase": updated.merge_base,
                        }
                    )
                },
            )
            self._emit_pull_request(
                uow,
                ctx,
                updated,
                record,
                "pullRequestSourceBranchUpdated",
                f"Event: Updated. Pull request name: {pull.pull_request_id}. Additional information: "
                f"The source branch {pull.source_reference} was updated to {source}.",
            )
        if destination != pull.destination_commit and self._git.is_ancestor(
            record.repository_id, source, destination
        ):
            # A plain push merged it: approval rules are not enforced on pushes (as in AWS), and
            # no merge option is recorded.
            metadata = {"isMerged": True, "mergedBy": ctx.principal.arn, "mergeCommitId": destination}
            updated = self._record_merge(uow, ctx, record, updated, metadata)
        uow.pull_requests.update(updated)

    def _record_merge(
        self,
        uow: UnitOfWork,
        ctx: RequestContext,
        record: RepositoryRecord,
        pull: PullRequestRecord,
        metadata: dict[str, Any],
    ) -> PullRequestRecord:
        """The pull request merged and closed, with its events; the caller stores it."""
        pull = replace(pull, status=CLOSED, merge_metadata=metadata, last_activity_at=self._clock.now())
        self._pull_request_event(
            uow,
            pull,
            "PULL_REQUEST_MERGE_STATE_CHANGED",
            ctx.principal.arn,
            {
                "pullRequestMergedStateChangedEventMetadata": {
                    "repositoryName": record.repository_name,
                    "destinationReference": pull.destination_reference,
                    "mergeMetadata": metadata,
                }
            },
        )
        extra = {"mergeOption": metadata["mergeOption"]} if metadata.get("mergeOption") else {}
        self._emit_pull_request(
            uow,
            ctx,
            pull,
            record,
            "pullRequestMergeStatusUpdated",
            f"Event: Updated. Pull request name: {pull.pull_request_id}. Additional information: "
            "The pull request merge status has been updated. The status is merged.",
            **extra,
        )
        return pull
