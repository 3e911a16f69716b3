"""Approvals given on a pull request revision, their evaluation against its approval rules, and
overrides that set the rules aside for one revision."""

from __future__ import annotations

from typing import Any

from codeyard.accounts import RequestContext
from codeyard.errors import CodeyardError
from codeyard.services.codecommit import rule_content
from codeyard.services.codecommit.approval_rules import ApprovalRulesMixin
from codeyard.services.codecommit.errors import (
    ApprovalStateRequiredException,
    InvalidApprovalStateException,
    InvalidOverrideStatusException,
    MaximumNumberOfApprovalsExceededException,
    OverrideAlreadySetException,
    OverrideStatusRequiredException,
    PullRequestCannotBeApprovedByAuthorException,
)
from codeyard.services.codecommit.pull_request_base import (
    check_current_revision,
    check_open,
    check_revision_id,
)
from codeyard.store.ports import UnitOfWork
from codeyard.store.ports.codecommit import PullRequestRecord, RepositoryRecord

MAX_APPROVALS = 200  # per pull request revision


def evaluate(pull: PullRequestRecord, revision_id: str) -> dict[str, Any]:
    """The Evaluation shape of a pull request at a revision."""
    approvers = [a["userArn"] for a in pull.approvals if a.get("revisionId") == revision_id]
    satisfied: list[str] = []
    unsatisfied: list[str] = []
    for rule in pull.approval_rules:
        try:
            met = rule_content.parse(rule["approvalRuleContent"]).satisfied_by(approvers)
        except CodeyardError:
            met = False
        (satisfied if met else unsatisfied).append(rule["approvalRuleName"])
    overridden = overridden_at(pull, revision_id)
    return {
        "approved": overridden or not unsatisfied,
        "overridden": overridden,
        "approvalRulesSatisfied": satisfied,
        "approvalRulesNotSatisfied": unsatisfied,
    }


def overridden_at(pull: PullRequestRecord, revision_id: str) -> bool:
    return bool(pull.override) and (pull.override or {}).get("revisionId") == revision_id


class ApprovalsMixin(ApprovalRulesMixin):
    # --- approvals --------------------------------------------------------------------------------

    def update_pull_request_approval_state(
        self, ctx: RequestContext, *, pull_request_id: str, revision_id: str, approval_state: str
    ) -> None:
        if not approval_state:
            raise ApprovalStateRequiredException("An approval state is required.")
        if approval_state not in ("APPROVE", "REVOKE"):
            raise InvalidApprovalStateException(f"The approval state {approval_state} is not valid.")
        caller = ctx.principal.arn
        with self._store.unit_of_work() as uow:
            pull = self._pull_request(uow, ctx, pull_request_id, for_update=True)
            check_open(pull)
            revision = check_current_revision(pull, revision_id)
            if approval_state == "APPROVE" and caller == pull.author_arn:
                raise PullRequestCannotBeApprovedByAuthorException(
                    "The author of a pull request cannot approve it."
                )
            current = [a for a in pull.approvals if a.get("revisionId") == revision]
            given = any(a["userArn"] == caller for a in current)
            if given == (approval_state == "APPROVE"):
                return  # Our choice: approving twice, or revoking nothing, changes nothing.
            if approval_state == "APPROVE":
                if len(current) >= MAX_APPROVALS:
                    raise MaximumNumberOfApprovalsExceededException(
                        f"A pull request revision can have at most {MAX_APPROVALS} approvals."
                    )
                approvals = [*pull.approvals, {"userArn": caller, "revisionId": revision}]
            else:
                approvals = [
                    a for a in pull.approvals if not (a["userArn"] == caller and a["revisionId"] == revision)
                ]
            pull = self._touch(pull, approvals=approvals)
            uow.pull_requests.update(pull)
            self._pull_request_event(
                uow,
                pull,
                "PULL_REQUEST_APPROVAL_STATE_CHANGED",
                caller,
                {
                    "approvalStateChangedEventMetadata": {
                        "revisionId": revision,
                        "approvalStatus": approval_state,
                    }
                },
            )
            self._emit_pull_request(
                uow,
                ctx,
                pull,
                self._repository_by_id(uow, pull.repository_id),
                "pullRequestApprovalStateChanged",
                f"Event: Updated. Pull request name: {pull.pull_request_id}. Additional information: "
                f"The approval state was changed to {approval_state}.",
                approvalStatus=approval_state,
            )
            uow.commit()

    def get_pull_request_approval_states(
        self, ctx: RequestContext, *, pull_request_id: str, revision_id: str
    ) -> dict[str, Any]:
        check_revision_id(revision_id)
        with self._reading() as uow:
            pull = self._pull_request(uow, ctx, pull_request_id)
        return {
            "approvals": [
                {"userArn": a["userArn"], "approvalState": "APPROVE"}
                for a in pull.approvals
                if a.get("revisionId") == revision_id
            ]
        }

    def evaluate_pull_request_approval_rules(
        self, ctx: RequestContext, *, pull_request_id: str, revision_id: str
    ) -> dict[str, Any]:
        with self._reading() as uow:
            pull = self._pull_request(uow, ctx, pull_request_id)
        return {"evaluation": evaluate(pull, check_current_revision(pull, revision_id))}

    # --- overrides --------------------------------------------------------------------------------

    def override_pull_request_approval_rules(
        self, ctx: RequestContext, *, pull_request_id: str, revision_id: str, override_status: str
    ) -> None:
        if not override_status:
            raise OverrideStatusRequiredException("An override status is required.")
        if override_status not in ("OVERRIDE", "REVOKE"):
            raise InvalidOverrideStatusException(f"The override status {override_status} is not valid.")
        with self._store.unit_of_work() as uow:
            pull = self._pull_request(uow, ctx, pull_request_id, for_update=True)
            check_open(pull)
            revision = check_current_revision(pull, revision_id)
            overridden = overridden_at(pull, revision)
            if overridden == (override_status == "OVERRIDE"):
                # Our choice: revoking an override that is not set is refused as setting one twice is.
                raise OverrideAlreadySetException(
                    f"The approval rules of pull request {pull_request_id} are "
                    f"{'already' if overridden else 'not'} overridden for revision {revision}."
                )
            override = (
                {"overrider": ctx.principal.arn, "revisionId": revision}
                if override_status == "OVERRIDE"
                else None
            )
            pull = self._touch(pull, override=override)
            self._overridden(uow, ctx, pull, revision, override_status)
            uow.commit()

    def _overridden(
        self, uow: UnitOfWork, ctx: RequestContext, pull: PullRequestRecord, revision: str, status: str
    ) -> None:
        uow.pull_requests.update(pull)
        self._pull_request_event(
            uow,
            pull,
            "PULL_REQUEST_APPROVAL_RULE_OVERRIDDEN",
            ctx.principal.arn,
            {"approvalRuleOverriddenEventMetadata": {"revisionId": revision, "overrideStatus": status}},
        )
        record: RepositoryRecord = self._repository_by_id(uow, pull.repository_id)
        self._emit_pull_request(
            uow,
            ctx,
            pull,
            record,
            "pullRequestApprovalRuleOverridden",
            f"Event: Updated. Pull request name: {pull.pull_request_id}. Additional information: "
            f"The approval rules override status was set to {status}.",
            overrideStatus=status,
        )

    def get_pull_request_override_state(
        self, ctx: RequestContext, *, pull_request_id: str, revision_id: str
    ) -> dict[str, Any]:
        check_revision_id(revision_id)
        with self._reading() as uow:
            pull = self._pull_request(uow, ctx, pull_request_id)
        if overridden_at(pull, revision_id):
            return {"overridden": True, "overrider": (pull.override or {})["overrider"]}
        return {"overridden": False}
