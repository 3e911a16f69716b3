"""Reading pull requests: one by id, the ids of a repository's, and their event history; and the
checks of the references and principals they name."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from typing import Any

from codeyard.accounts import RequestContext
from codeyard.errors import CodeyardError
from codeyard.services.codecommit import names
from codeyard.services.codecommit.errors import (
    ActorDoesNotExistException,
    AuthorDoesNotExistException,
    InvalidActorArnException,
    InvalidAuthorArnException,
    InvalidMaxResultsException,
    InvalidPullRequestEventTypeException,
    InvalidPullRequestStatusException,
    InvalidReferenceNameException,
    ReferenceDoesNotExistException,
    ReferenceNameRequiredException,
    ReferenceTypeNotSupportedException,
)
from codeyard.services.codecommit.names import valid_ref_name
from codeyard.services.codecommit.pages import page
from codeyard.services.codecommit.pull_request_base import CLOSED, OPEN, PullRequestBase, pull_request_number
from codeyard.store.ports import UnitOfWork
from codeyard.store.ports.codecommit import RepositoryRecord
from codeyard.store.ports.git import HEADS, TAGS

EVENT_TYPES = (
    "PULL_REQUEST_CREATED",
    "PULL_REQUEST_STATUS_CHANGED",
    "PULL_REQUEST_SOURCE_REFERENCE_UPDATED",
    "PULL_REQUEST_MERGE_STATE_CHANGED",
    "PULL_REQUEST_APPROVAL_RULE_CREATED",
    "PULL_REQUEST_APPROVAL_RULE_UPDATED",
    "PULL_REQUEST_APPROVAL_RULE_DELETED",
    "PULL_REQUEST_APPROVAL_RULE_OVERRIDDEN",
    "PULL_REQUEST_APPROVAL_STATE_CHANGED",
)
PULL_REQUESTS_PER_PAGE = 100  # default of ListPullRequests; at most MAX_PULL_REQUESTS_PER_PAGE
MAX_PULL_REQUESTS_PER_PAGE = 1000
EVENTS_PER_PAGE = 100  # default and maximum of DescribePullRequestEvents
_COMMIT_ID = re.compile(r"[0-9a-f]{40}")


def branch_reference(name: str | None) -> str:
    """The full branch ref a target names (`main` or `refs/heads/main`)."""
    if not name:
        raise ReferenceNameRequiredException("A reference name is required, but none was provided.")
    if name.startswith("refs/") and not name.startswith(HEADS):
        raise ReferenceTypeNotSupportedException(f"The reference {name} is not a branch: use a branch.")
    short = name.removeprefix(HEADS)
    if not valid_ref_name(short):
        raise InvalidReferenceNameException(f"The reference name {name} is not valid.")
    return HEADS + short


def _page_size(max_results: int | None, default: int, highest: int) -> int:
    if max_results is None:
        return default
    if not 1 <= max_results <= highest:
        raise InvalidMaxResultsException(f"The maximum number of results must be from 1 to {highest}.")
    return max_results


def _arn_kind(arn: str) -> str:
    return hashlib.sha256(arn.encode()).hexdigest()[:16]


class PullRequestQueriesMixin(PullRequestBase):
    def get_pull_request(self, ctx: RequestContext, *, pull_request_id: str) -> dict[str, Any]:
        with self._reading() as uow:
            pull = self._pull_request(uow, ctx, pull_request_id)
            record = self._repository_by_id(uow, pull.repository_id)
        return {"pullRequest": self._pull_request_shape(pull, record)}

    def list_pull_requests(
        self,
        ctx: RequestContext,
        *,
        repository_name: str,
        author_arn: str | None = None,
        pull_request_status: str | None = None,
        next_token: str | None = None,
        max_results: int | None = None,
    ) -> dict[str, Any]:
        size = _page_size(max_results, PULL_REQUESTS_PER_PAGE, MAX_PULL_REQUESTS_PER_PAGE)
        if pull_request_status is not None and pull_request_status not in (OPEN, CLOSED):
            raise InvalidPullRequestStatusException(
                f"The pull request status {pull_request_status} is not valid."
            )
        filters: dict[str, Any] = {}
        with self._reading() as uow:
            record = self._repository(uow, ctx, repository_name)
            filters["repository_id"] = record.repository_id
            if author_arn is not None:
                self._check_principal(
                    uow, ctx, author_arn, InvalidAuthorArnException, AuthorDoesNotExistException
                )
                filters["author_arn"] = author_arn
            if pull_request_status is not None:
                filters["status"] = pull_request_status
            # Our choice: newest first.
            pulls = uow.pull_requests.find(order_by="pull_request_id", descending=True, **filters)
        kind = f"pulls-{record.repository_id}-{pull_request_status}-{_arn_kind(author_arn or '')}"
        items, following = page([str(p.pull_request_id) for p in pulls], next_token, size, kind)
        out: dict[str, Any] = {"pullRequestIds": items}
        if following:
            out["nextToken"] = following
        return out

    def describe_pull_request_events(
        self,
        ctx: RequestContext,
        *,
        pull_request_id: str,
        pull_request_event_type: str | None = None,
        actor_arn: str | None = None,
        next_token: str | None = None,
        max_results: int | None = None,
    ) -> dict[str, Any]:
        size = _page_size(max_results, EVENTS_PER_PAGE, EVENTS_PER_PAGE)
        if pull_request_event_type is not None and pull_request_event_type not in EVENT_TYPES:
            raise InvalidPullRequestEventTypeException(
                f"The pull request event type {pull_request_event_type} is not valid."
            )
        filters: dict[str, Any] = {}
        with self._reading() as uow:
            pull = self._pull_request(uow, ctx, pull_request_id)
            filters["pull_request_id"] = pull.pull_request_id
            if actor_arn is not None:
                self._check_principal(
                    uow, ctx, actor_arn, InvalidActorArnException, ActorDoesNotExistException
                )
                filters["actor_arn"] = actor_arn
            if pull_request_event_type is not None:
                filters["event_type"] = pull_request_event_type
            # Our choice: oldest first, in the order they happened.
            events = uow.pull_request_events.find(order_by="id", **filters)
        kind = f"events-{pull.pull_request_id}-{pull_request_event_type}-{_arn_kind(actor_arn or '')}"
        items, following = page(events, next_token, size, kind)
        out: dict[str, Any] = {
            "pullRequestEvents": [
                {
                    "pullRequestId": str(event.pull_request_id),
                    "eventDate": event.event_date,
                    "pullRequestEventType": event.event_type,
                    "actorArn": event.actor_arn,
                    **event.metadata,
                }
                for event in items
            ]
        }
        if following:
            out["nextToken"] = following
        return out

    def _pull_request_resources(self, params: Mapping[str, Any], ctx: RequestContext) -> list[str]:
        """For IAM: the repository ARNs of a call naming targets or a pull request ("*" if none)."""
        targets = params.get("targets")
        if isinstance(targets, list):
            found = [t.get("repositoryName") for t in targets if isinstance(t, dict)]
            return [
                names.repository_arn(ctx, n) for n in dict.fromkeys(found) if isinstance(n, str) and n
            ] or ["*"]
        try:
            number = pull_request_number(params.get("pullRequestId"))
        except CodeyardError:
            return ["*"]
        with self._reading() as uow:
            pull = uow.pull_requests.get(pull_request_id=number)
            if pull is None or pull.region != ctx.region:
                return ["*"]
            records = uow.repositories.find(repository_id=pull.repository_id, limit=1)
        return [records[0].arn] if records else ["*"]

    # --- checks -----------------------------------------------------------------------------------

    def _tip(self, refs: dict[str, str], record: RepositoryRecord, ref: str) -> str:
        """The commit a branch of a new pull request is at."""
        commit = refs.get(ref)
        if commit is not None:
            return commit
        short = ref.removeprefix(HEADS)
        if TAGS + short in refs or (
            _COMMIT_ID.fullmatch(short) and self._git.resolve_commit(record.repository_id, short) == short
        ):
            raise ReferenceTypeNotSupportedException(
                f"{short} is not a branch: a pull request needs branches."
            )
        raise ReferenceDoesNotExistException(
            f"The reference {ref} does not exist in repository {record.repository_name}."
        )

    def _check_principal(
        self,
        uow: UnitOfWork,
        ctx: RequestContext,
        arn: str,
        invalid: type[CodeyardError],
        missing: type[CodeyardError],
    ) -> None:
        """An author or actor filter: an IAM or STS ARN of an identity that exists in the account."""
        parts = arn.split(":", 5)
        if len(parts) != 6 or parts[0] != "arn" or parts[2] not in ("iam", "sts") or not parts[5]:
            raise invalid(f"The Amazon Resource Name (ARN) {arn} is not valid.")
        if not self._principal_exists(uow, ctx, parts[2], parts[4], parts[5], arn):
            raise missing(f"The Amazon Resource Name (ARN) {arn} does not exist in the account.")

    @staticmethod
    def _principal_exists(
        uow: UnitOfWork, ctx: RequestContext, service: str, account: str, resource: str, arn: str
    ) -> bool:
        if account != ctx.account_id:
            return False
        if service == "iam" and resource == "root":
            return True
        if service == "iam" and resource.startswith("user/"):
            user = uow.users.get(user_name=resource.rsplit("/", 1)[1])
            return user is not None and user.arn == arn
        if service == "sts" and resource.startswith("assumed-role/") and resource.count("/") == 2:
            return uow.roles.get(role_name=resource.split("/")[1]) is not None
        return service == "sts" and resource.startswith("federated-user/")
