"""Merging a pull request (fast-forward, squash or three-way): its approval rules must be met
or overridden, its source must be where the caller saw it; the merge closes it."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from codeyard.accounts import RequestContext
from codeyard.services.codecommit.approvals import evaluate
from codeyard.services.codecommit.errors import (
    InvalidCommitIdException,
    PullRequestApprovalRulesNotSatisfiedException,
    ReferenceDoesNotExistException,
    RepositoryNotAssociatedWithPullRequestException,
    TipOfSourceReferenceIsDifferentException,
)
from codeyard.services.codecommit.merging import MergingMixin
from codeyard.services.codecommit.pull_request_base import CLOSED, check_open, pull_request_number
from codeyard.services.codecommit.pull_request_tracking import PullRequestTrackingMixin
from codeyard.services.codecommit.resolutions import FAST_FORWARD_MERGE, SQUASH_MERGE, THREE_WAY_MERGE
from codeyard.store.ports.codecommit import PullRequestRecord
from codeyard.store.ports.git import HEADS

_COMMIT_ID = re.compile(r"[0-9a-f]{40}")


class PullRequestMergesMixin(PullRequestTrackingMixin, MergingMixin):
    def merge_pull_request_by_fast_forward(
        self,
        ctx: RequestContext,
        *,
        pull_request_id: str,
        repository_name: str,
        source_commit_id: str | None = None,
    ) -> dict[str, Any]:
        return self._merge_pull_request(
            ctx, FAST_FORWARD_MERGE, pull_request_id, repository_name, source_commit_id
        )

    def merge_pull_request_by_squash(
        self,
        ctx: RequestContext,
        *,
        pull_request_id: str,
        repository_name: str,
        source_commit_id: str | None = None,
        conflict_detail_level: str | None = None,
        conflict_resolution_strategy: str | None = None,
        commit_message: str | None = None,
        author_name: str | None = None,
        email: str | None = None,
        keep_empty_folders: bool | None = None,
        conflict_resolution: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        return self._merge_pull_request(
            ctx,
            SQUASH_MERGE,
            pull_request_id,
            repository_name,
            source_commit_id,
            conflict_detail_level=conflict_detail_level,
            conflict_resolution_strategy=conflict_resolution_strategy,
            commit_message=commit_message,
            author_name=author_name,
            email=email,
            keep_empty_folders=keep_empty_folders,
            conflict_resolution=conflict_resolution,
        )

    def merge_pull_request_by_three_way(
        self,
        ctx: RequestContext,
        *,
        pull_request_id: str,
        repository_name: str,
        source_commit_id: str | None = None,
        conflict_detail_level: str | None = None,
        conflict_resolution_strategy: str | None = None,
        commit_message: str | None = None,
        author_name: str | None = None,
        email: str | None = None,
        keep_empty_folders: bool | None = None,
        conflict_resolution: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        return self._merge_pull_request(
            ctx,
            THREE_WAY_MERGE,
            pull_request_id,
            repository_name,
            source_commit_id,
            conflict_detail_level=conflict_detail_level,
            conflict_resolution_strategy=conflict_resolution_strategy,
            commit_message=commit_message,
            author_name=author_name,
            email=email,
            keep_empty_folders=keep_empty_folders,
            conflict_resolution=conflict_resolution,
        )

    def _merge_pull_request(
        self,
        ctx: RequestContext,
        option: str,
        pull_request_id: str,
        repository_name: str,
        source_commit_id: str | None,
        *,
        conflict_detail_level: str | None = None,
        conflict_resolution_strategy: str | None = None,
        commit_message: str | None = None,
        author_name: str | None = None,
        email: str | None = None,
        keep_empty_folders: bool | None = None,
        conflict_resolution: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        pull_request_number(pull_request_id)
        if source_commit_id is not None and not _COMMIT_ID.fullmatch(source_commit_id):
            raise InvalidCommitIdException(f"The commit ID {source_commit_id} is not valid.")
        with self._store.unit_of_work() as uow:
            record = self._repository(uow, ctx, repository_name)
            pull = self._pull_request(uow, ctx, pull_request_id, for_update=True)
            if pull.repository_id != record.repository_id:
                raise RepositoryNotAssociatedWithPullRequestException(
                    f"Repository {repository_name} is not associated with pull request {pull_request_id}."
                )
            check_open(pull)
            source, destination = _tips(self._git.refs(record.repository_id), pull)
            if source != pull.source_commit or (source_commit_id is not None and source_commit_id != source):
                raise TipOfSourceReferenceIsDifferentException(
                    f"The tip of {pull.source_reference} is {source}, not {source_commit_id or pull.source_commit}."
                )
            if not evaluate(pull, pull.revision_id)["approved"]:
                raise PullRequestApprovalRulesNotSatisfiedException(
                    f"Pull request {pull_request_id} cannot be merged: its approval rules are not satisfied."
                )
            # Closed before the destination moves, so that following the move does not take it
            # for a merge by push; rolled back with everything else if the merge fails.
            uow.pull_requests.update(replace(pull, status=CLOSED))
            result = self._merge(
                uow,
                ctx,
                record,
                option=option,
                source_commit=source,
                destination_commit=destination,
                target_branch=pull.destination_reference.removeprefix(HEADS),
                detail_level=conflict_detail_level,
                strategy=conflict_resolution_strategy,
                resolution=conflict_resolution,
                author_name=author_name,
                email=email,
                message=commit_message,
                keep_empty_folders=bool(keep_empty_folders),
            )
            metadata = {
                "isMerged": True,
                "mergedBy": ctx.principal.arn,
                "mergeCommitId": result.commit_id,
                "mergeOption": option,
            }
            pull = self._record_merge(
                uow, ctx, record, replace(pull, destination_commit=destination), metadata
            )
            uow.pull_requests.update(pull)
            uow.commit()
        return {"pullRequest": self._pull_request_shape(pull, record)}


def _tips(refs: dict[str, str], pull: PullRequestRecord) -> tuple[str, str]:
    """Where the source and destination branches of a pull request are now."""
    tips = []
    for ref in (pull.source_reference, pull.destination_reference):
        tip = refs.get(ref)
        if tip is None:
            raise ReferenceDoesNotExistException(f"The reference {ref} no longer exists.")
        tips.append(tip)
    return tips[0], tips[1]
