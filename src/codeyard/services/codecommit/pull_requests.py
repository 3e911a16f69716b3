"""Pull requests: create (with the rules of associated templates), read, list, edit, close and
reopen, their event history, and following their branches as refs move."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from codeyard.accounts import RequestContext
from codeyard.errors import CodeyardError
from codeyard.services.codecommit import rule_content
from codeyard.services.codecommit.errors import (
    ClientRequestTokenRequiredException,
    IdempotencyParameterMismatchException,
    InvalidClientRequestTokenException,
    InvalidPullRequestStatusException,
    InvalidPullRequestStatusUpdateException,
    InvalidTargetsException,
    InvalidTitleException,
    MaximumOpenPullRequestsExceededException,
    MultipleRepositoriesInPullRequestException,
    PullRequestStatusRequiredException,
    ReferenceDoesNotExistException,
    SourceAndDestinationAreSameException,
    TargetsRequiredException,
    TitleRequiredException,
)
from codeyard.services.codecommit.pull_request_base import (
    CLOSED,
    OPEN,
    check_open,
    iso,
)
from codeyard.services.codecommit.pull_request_queries import PullRequestQueriesMixin, branch_reference
from codeyard.services.codecommit.pull_request_tracking import PullRequestTrackingMixin, without_none
from codeyard.services.codecommit.references import ReferencesMixin
from codeyard.store.ports import UnitOfWork
from codeyard.store.ports.codecommit import PullRequestRecord, RepositoryRecord

MAX_OPEN_PULL_REQUESTS = 1000  # per repository, AWS's quota
MAX_TEMPLATE_RULES = 25
MAX_TOKEN = 256


class PullRequestsMixin(PullRequestQueriesMixin, PullRequestTrackingMixin, ReferencesMixin):
    def create_pull_request(
        self,
        ctx: RequestContext,
        *,
        title: str,
        targets: list[dict[str, Any]],
        description: str | None = None,
        client_request_token: str | None = None,
    ) -> dict[str, Any]:
        _check_title(title)
        if client_request_token is not None:
            if not client_request_token:
                raise ClientRequestTokenRequiredException("A client request token is required.")
            if len(client_request_token) > MAX_TOKEN:
                raise InvalidClientRequestTokenException(
                    f"The client request token is not valid: at most {MAX_TOKEN} characters."
                )
        if not targets:
            raise TargetsRequiredException("An array of target objects is required.")
        if len({t.get("repositoryName") for t in targets}) > 1:
            raise MultipleRepositoriesInPullRequestException(
                "You cannot include more than one repository in a pull request."
            )
        if len(targets) > 1:
            raise InvalidTargetsException("A pull request has one target: give one source and destination.")
        target = targets[0]
        with self._store.unit_of_work() as uow:
            record = self._repository(uow, ctx, target.get("repositoryName"))
            # Lock the repository row: creations in one repository queue up (open count, tokens).
            uow.repositories.get(region=ctx.region, repository_name=record.repository_name, for_update=True)
            source = branch_reference(target.get("sourceReference"))
            given = target.get("destinationReference")
            if given is None and not record.default_branch:
                raise ReferenceDoesNotExistException(
                    f"Repository {record.repository_name} has no default branch to use as the destination."
                )
            destination = branch_reference(given if given is not None else record.default_branch)
            pull = PullRequestRecord(
                region=ctx.region,
                repository_id=record.repository_id,
                title=title,
                status=OPEN,
                author_arn=ctx.principal.arn,
                created_at=self._clock.now(),
                last_activity_at=self._clock.now(),
                revision_id="",
                source_reference=source,
                destination_reference=destination,
                source_commit="",
                destination_commit="",
                description=description,
                client_request_token=client_request_token,
            )
            if client_request_token:
                earlier = self._same_request(uow, pull)
                if earlier is not None:
                    return {"pullRequest": self._pull_request_shape(earlier, record)}
            if source == destination:
                raise SourceAndDestinationAreSameException(
                    f"The source reference and destination reference are the same: {source}."
                )
            refs = self._git.refs(record.repository_id)
            source_commit = self._tip(refs, record, source)
            destination_commit = self._tip(refs, record, destination)
            if (
                uow.pull_requests.count(repository_id=record.repository_id, status=OPEN)
                >= MAX_OPEN_PULL_REQUESTS
            ):
                raise MaximumOpenPullRequestsExceededException(
                    f"Repository {record.repository_name} has {MAX_OPEN_PULL_REQUESTS} open pull requests, "
                    "the maximum."
                )
            pull = uow.pull_requests.add(
                replace(
                    pull,
                    revision_id=self._new_revision(),
                    source_commit=source_commit,
                    destination_commit=destination_commit,
                    merge_base=self._git.merge_base(record.repository_id, source_commit, destination_commit),
                    approval_rules=self._template_rules(uow, ctx, record, destination),
                )
            )
            self._pull_request_event(
                uow,
                pull,
                "PULL_REQUEST_CREATED",
                ctx.principal.arn,
                {
                    "pullRequestCreatedEventMetadata": without_none(
                        {
                            "repositoryName": record.repository_name,
                            "sourceCommitId": source_commit,
                            "destinationCommitId": destination_commit,
                            "mergeBase": pull.merge_base,
                        }
                    )
                },
            )
            self._emit_pull_request(
                uow,
                ctx,
                pull,
                record,
                "pullRequestCreated",
                f"Event: Created. Pull request name: {pull.pull_request_id}. Additional information: "
                f"A pull request was created with the following ID: {pull.pull_request_id}.",
            )
            uow.commit()
        return {"pullRequest": self._pull_request_shape(pull, record)}

    def _same_request(self, uow: UnitOfWork, pull: PullRequestRecord) -> PullRequestRecord | None:
        """The pull request an earlier call with this token made, if the input is the same."""
        found = uow.pull_requests.find(
            region=pull.region, client_request_token=pull.client_request_token, limit=1
        )
        if not found:
            return None
        earlier = found[0]
        same = (
            earlier.repository_id,
            earlier.title,
            earlier.description,
            earlier.source_reference,
            earlier.destination_reference,
            earlier.author_arn,
        ) == (
            pull.repository_id,
            pull.title,
            pull.description,
            pull.source_reference,
            pull.destination_reference,
            pull.author_arn,
        )
        if not same:
            raise IdempotencyParameterMismatchException(
                f"The client request token {pull.client_request_token} was used with different parameters "
                f"(pull request {earlier.pull_request_id})."
            )
        return earlier

    def _template_rules(
        self, uow: UnitOfWork, ctx: RequestContext, record: RepositoryRecord, destination: str
    ) -> list[dict[str, Any]]:
        """Rules for a new pull request from the templates associated with its repository whose
        destination references match."""
        templates = []
        for association in uow.template_associations.find(repository_id=record.repository_id):
            template = uow.approval_rule_templates.get(template_id=association.template_id)
            if template is not None and template.region == ctx.region:
                templates.append(template)
        rules: list[dict[str, Any]] = []
        now = iso(self._clock.now())
        for template in sorted(templates, key=lambda t: t.template_name):
            try:
                applies = rule_content.parse(template.content).applies_to(destination)
            except CodeyardError:
                applies = False  # a template whose content no longer parses makes no rule
            if not applies or len(rules) >= MAX_TEMPLATE_RULES:
                continue
            rules.append(
                {
                    "approvalRuleId": self._ids.uuid(),
                    "approvalRuleName": template.template_name,
                    "approvalRuleContent": template.content,
                    "ruleContentSha256": rule_content.content_sha256(template.content),
                    "lastModifiedDate": now,
                    "creationDate": now,
                    "lastModifiedUser": ctx.principal.arn,
                    "originApprovalRuleTemplate": {
                        "approvalRuleTemplateId": template.template_id,
                        "approvalRuleTemplateName": template.template_name,
                    },
                }
            )
        return rules

    # --- edits ------------------------------------------------------------------------------------

    def update_pull_request_title(
        self, ctx: RequestContext, *, pull_request_id: str, title: str
    ) -> dict[str, Any]:
        _check_title(title)
        return self._edit(ctx, pull_request_id, title=title)

    def update_pull_request_description(
        self, ctx: RequestContext, *, pull_request_id: str, description: str
    ) -> dict[str, Any]:
        return self._edit(ctx, pull_request_id, description=description)

    def _edit(self, ctx: RequestContext, pull_request_id: str, **changes: Any) -> dict[str, Any]:
        with self._store.unit_of_work() as uow:
            pull = self._pull_request(uow, ctx, pull_request_id, for_update=True)
            check_open(pull)
            pull = self._touch(pull, **changes)
            uow.pull_requests.update(pull)
            record = self._repository_by_id(uow, pull.repository_id)
            uow.commit()
        return {"pullRequest": self._pull_request_shape(pull, record)}

    def update_pull_request_status(
        self, ctx: RequestContext, *, pull_request_id: str, pull_request_status: str
    ) -> dict[str, Any]:
        if not pull_request_status:
            raise PullRequestStatusRequiredException("A pull request status is required.")
        if pull_request_status not in (OPEN, CLOSED):
            raise InvalidPullRequestStatusException(
                f"The pull request status {pull_request_status} is not valid."
            )
        with self._store.unit_of_work() as uow:
            pull = self._pull_request(uow, ctx, pull_request_id, for_update=True)
            record = self._repository_by_id(uow, pull.repository_id)
            if pull.merge_metadata.get("isMerged"):
                raise InvalidPullRequestStatusUpdateException(
                    f"Pull request {pull_request_id} is merged: its status cannot change."
                )
            if pull.status == pull_request_status:
                raise InvalidPullRequestStatusUpdateException(
                    f"Pull request {pull_request_id} is already {pull_request_status}."
                )
            pull = self._touch(pull, status=pull_request_status)
            if pull_request_status == OPEN:
                pull = self._reopened(ctx, record, pull)
            uow.pull_requests.update(pull)
            self._pull_request_event(
                uow,
                pull,
                "PULL_REQUEST_STATUS_CHANGED",
                ctx.principal.arn,
                {"pullRequestStatusChangedEventMetadata": {"pullRequestStatus": pull_request_status}},
            )
            self._emit_pull_request(
                uow,
                ctx,
                pull,
                record,
                "pullRequestStatusChanged",
                f"Event: Updated. Pull request name: {pull.pull_request_id}. Additional information: "
                f"The pull request status has been updated. The status is {pull_request_status.capitalize()}.",
            )
            uow.commit()
        return {"pullRequest": self._pull_request_shape(pull, record)}

    def _reopened(
        self, ctx: RequestContext, record: RepositoryRecord, pull: PullRequestRecord
    ) -> PullRequestRecord:
        """A pull request opened again follows its branches from where they are now."""
        refs = self._git.refs(record.repository_id)
        source, destination = refs.get(pull.source_reference), refs.get(pull.destination_reference)
        if source is None or destination is None:
            missing = pull.source_reference if source is None else pull.destination_reference
            raise InvalidPullRequestStatusUpdateException(
                f"Pull request {pull.pull_request_id} cannot be reopened: {missing} no longer exists."
            )
        if source != pull.source_commit:
            pull = replace(pull, source_commit=source, revision_id=self._new_revision())
        return replace(
            pull,
            destination_commit=destination,
            merge_base=self._git.merge_base(record.repository_id, source, destination),
        )


def _check_title(title: str | None) -> None:
    if not title:
        raise TitleRequiredException("A pull request title is required. It cannot be empty or null.")
    if not title.strip():
        raise InvalidTitleException("The title of the pull request is not valid: it is blank.")
