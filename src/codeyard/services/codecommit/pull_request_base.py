"""What the pull request, approval and pull-request merge operations share: lookups, the
PullRequest shape, revisions, and the pull request's two kinds of events (DescribePullRequestEvents
rows and `CodeCommit Pull Request State Change` outbox events)."""

from __future__ import annotations

import hashlib
import re
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from codeyard.accounts import RequestContext
from codeyard.services.codecommit.base import CodeCommitBase
from codeyard.services.codecommit.errors import (
    InvalidPullRequestIdException,
    InvalidRevisionIdException,
    PullRequestAlreadyClosedException,
    PullRequestDoesNotExistException,
    PullRequestIdRequiredException,
    RevisionIdRequiredException,
    RevisionNotCurrentException,
)
from codeyard.store.ports import UnitOfWork
from codeyard.store.ports.codecommit import PullRequestEventRecord, PullRequestRecord, RepositoryRecord

OPEN = "OPEN"
CLOSED = "CLOSED"
PULL_REQUEST_STATE_CHANGE = "CodeCommit Pull Request State Change"
_REVISION_ID = re.compile(r"[0-9a-f]{64}")
_PULL_REQUEST_ID = re.compile(r"[1-9][0-9]{0,17}")
_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def java_date(moment: datetime) -> str:
    """The date text of CodeCommit events, as Java's Date.toString() writes it (in UTC)."""
    t = moment.astimezone(UTC)
    return f"{_DAYS[t.weekday()]} {_MONTHS[t.month - 1]} {t:%d %H:%M:%S} UTC {t.year}"


def iso(moment: datetime) -> str:
    """How dates are kept in a pull request's JSON columns."""
    return moment.astimezone(UTC).isoformat()


def pull_request_number(pull_request_id: str | None) -> int:
    if not pull_request_id:
        raise PullRequestIdRequiredException("A pull request ID is required, but none was provided.")
    if not _PULL_REQUEST_ID.fullmatch(pull_request_id):
        raise InvalidPullRequestIdException(f"The pull request ID {pull_request_id} is not valid.")
    return int(pull_request_id)


def check_revision_id(revision_id: str | None) -> str:
    if not revision_id:
        raise RevisionIdRequiredException("A revision ID is required, but was not provided.")
    if not _REVISION_ID.fullmatch(revision_id):
        raise InvalidRevisionIdException(f"The revision ID {revision_id} is not valid.")
    return revision_id


def check_current_revision(pull: PullRequestRecord, revision_id: str | None) -> str:
    check_revision_id(revision_id)
    if revision_id != pull.revision_id:
        raise RevisionNotCurrentException(
            f"The revision ID {revision_id} is not the current revision of pull request "
            f"{pull.pull_request_id} ({pull.revision_id})."
        )
    return pull.revision_id


def check_open(pull: PullRequestRecord) -> None:
    if pull.status != OPEN:
        raise PullRequestAlreadyClosedException(f"Pull request {pull.pull_request_id} is already closed.")


class PullRequestBase(CodeCommitBase):
    def _pull_request(
        self, uow: UnitOfWork, ctx: RequestContext, pull_request_id: str | None, *, for_update: bool = False
    ) -> PullRequestRecord:
        number = pull_request_number(pull_request_id)
        pull = uow.pull_requests.get(pull_request_id=number, for_update=for_update)
        if pull is None or pull.region != ctx.region:
            raise PullRequestDoesNotExistException(f"Pull request {pull_request_id} does not exist.")
        return pull

    def _new_revision(self) -> str:
        return hashlib.sha256(self._ids.uuid().encode()).hexdigest()

    def _touch(self, pull: PullRequestRecord, **changes: Any) -> PullRequestRecord:
        return replace(pull, last_activity_at=self._clock.now(), **changes)

    # --- the PullRequest shape --------------------------------------------------------------------

    def _pull_request_shape(self, pull: PullRequestRecord, repository: RepositoryRecord) -> dict[str, Any]:
        target: dict[str, Any] = {
            "repositoryName": repository.repository_name,
            "sourceReference": pull.source_reference,
            "destinationReference": pull.destination_reference,
            "sourceCommit": pull.source_commit,
            "destinationCommit": pull.destination_commit,
            "mergeMetadata": merge_metadata_shape(pull.merge_metadata),
        }
        if pull.merge_base:
            target["mergeBase"] = pull.merge_base
        out: dict[str, Any] = {
            "pullRequestId": str(pull.pull_request_id),
            "title": pull.title,
            "lastActivityDate": pull.last_activity_at,
            "creationDate": pull.created_at,
            "pullRequestStatus": pull.status,
            "authorArn": pull.author_arn,
            "pullRequestTargets": [target],
            "revisionId": pull.revision_id,
            "approvalRules": [rule_shape(rule) for rule in pull.approval_rules],
        }
        if pull.description is not None:
            out["description"] = pull.description
        if pull.client_request_token is not None:
            out["clientRequestToken"] = pull.client_request_token
        return out

    # --- events -----------------------------------------------------------------------------------

    def _pull_request_event(
        self,
        uow: UnitOfWork,
        pull: PullRequestRecord,
        event_type: str,
        actor_arn: str,
        metadata: dict[str, Any] | None = None,
    ) -> None:
        """One row of DescribePullRequestEvents; `metadata` keyed by the event's metadata member."""
        assert pull.pull_request_id is not None
        uow.pull_request_events.add(
            PullRequestEventRecord(
                pull_request_id=pull.pull_request_id,
                event_type=event_type,
                actor_arn=actor_arn,
                event_date=self._clock.now(),
                metadata=metadata or {},
            )
        )

    def _emit_pull_request(
        self,
        uow: UnitOfWork,
        ctx: RequestContext,
        pull: PullRequestRecord,
        repository: RepositoryRecord,
        event: str,
        summary: str,
        **extra: Any,
    ) -> None:
        """A `CodeCommit Pull Request State Change` event in the outbox."""
        detail: dict[str, Any] = {
            "author": pull.author_arn,
            "callerUserArn": ctx.principal.arn,
            "creationDate": java_date(pull.created_at),
            "destinationCommit": pull.destination_commit,
            "destinationReference": pull.destination_reference,
            "event": event,
            "isMerged": "True" if pull.merge_metadata.get("isMerged") else "False",
            "lastModifiedDate": java_date(pull.last_activity_at),
            "notificationBody": self._notification_body(ctx, pull, repository, summary),
            "pullRequestId": str(pull.pull_request_id),
            "pullRequestStatus": pull.status.capitalize(),
            "repositoryNames": [repository.repository_name],
            "revisionId": pull.revision_id,
            "sourceCommit": pull.source_commit,
            "sourceReference": pull.source_reference,
            "title": pull.title,
        }
        if pull.description is not None:
            detail["description"] = pull.description
        detail.update(extra)
        self._emit(uow, ctx, PULL_REQUEST_STATE_CHANGE, detail, repository.arn)

    def _notification_body(
        self, ctx: RequestContext, pull: PullRequestRecord, repository: RepositoryRecord, summary: str
    ) -> str:
        link = (
            f"{self._clone_url_base}/console/codecommit/repositories/{repository.repository_name}"
            f"/pull-requests/{pull.pull_request_id}?region={ctx.region}"
        )
        return (
            "A pull request event occurred in the following AWS CodeCommit repository: "
            f"{repository.repository_name}. User: {ctx.principal.arn}. {summary} "
            f"The title of the pull request is: {pull.title}. "
            f"For more information, go to the AWS CodeCommit console {link}."
        )


def merge_metadata_shape(metadata: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {"isMerged": bool(metadata.get("isMerged"))}
    for key in ("mergedBy", "mergeCommitId", "mergeOption"):
        if metadata.get(key):
            out[key] = metadata[key]
    return out


def rule_shape(rule: dict[str, Any]) -> dict[str, Any]:
    """An approval rule as kept in the row (ISO dates) in the ApprovalRule shape."""
    out = dict(rule)
    for key in ("creationDate", "lastModifiedDate"):
        if isinstance(out.get(key), str):
            out[key] = datetime.fromisoformat(out[key])
    return out
