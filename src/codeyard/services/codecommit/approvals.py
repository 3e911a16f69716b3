"""Approval rules of a pull request, approvals given on a revision, their evaluation, and
overrides that set the rules aside for one revision."""

from __future__ import annotations

import re
from typing import Any

from codeyard.accounts import RequestContext
from codeyard.errors import CodeyardError
from codeyard.services.codecommit import rule_content
from codeyard.services.codecommit.errors import (
    ApprovalRuleContentRequiredException,
    ApprovalRuleDoesNotExistException,
    ApprovalRuleNameAlreadyExistsException,
    ApprovalRuleNameRequiredException,
    ApprovalStateRequiredException,
    CannotDeleteApprovalRuleFromTemplateException,
    CannotModifyApprovalRuleFromTemplateException,
    InvalidApprovalRuleNameException,
    InvalidApprovalStateException,
    InvalidOverrideStatusException,
    InvalidRuleContentSha256Exception,
    MaximumNumberOfApprovalsExceededException,
    NumberOfRulesExceededException,
    OverrideAlreadySetException,
    OverrideStatusRequiredException,
    PullRequestCannotBeApprovedByAuthorException,
)
from codeyard.services.codecommit.pull_request_base import (
    PullRequestBase,
    check_current_revision,
    check_open,
    check_revision_id,
    iso,
    rule_shape,
)
from codeyard.store.ports import UnitOfWork
from codeyard.store.ports.codecommit import PullRequestRecord, RepositoryRecord

MAX_RULES = 30  # per pull request
MAX_APPROVALS = 200  # per pull request revision
_RULE_NAME = re.compile(r"[A-Za-z0-9._\- ]{1,100}")


def _check_rule_name(name: str | None) -> str:
    if not name:
        raise ApprovalRuleNameRequiredException("An approval rule name is required, but was not specified.")
    if not _RULE_NAME.fullmatch(name):
        raise InvalidApprovalRuleNameException(
            f"The approval rule name '{name}' is not valid: use 1-100 letters, digits, spaces, '.', '_' or '-'."
        )
    return name


def _check_content(content: str | None) -> str:
    if not content:
        raise ApprovalRuleContentRequiredException("The content of the approval rule is empty.")
    rule_content.parse(content)
    return content


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


class ApprovalsMixin(PullRequestBase):
    # --- rules ------------------------------------------------------------------------------------

    def create_pull_request_approval_rule(
        self,
        ctx: RequestContext,
        *,
        pull_request_id: str,
        approval_rule_name: str,
        approval_rule_content: str,
    ) -> dict[str, Any]:
        name = _check_rule_name(approval_rule_name)
        content = _check_content(approval_rule_content)
        with self._store.unit_of_work() as uow:
            pull = self._pull_request(uow, ctx, pull_request_id, for_update=True)
            check_open(pull)
            if any(r["approvalRuleName"] == name for r in pull.approval_rules):
                raise ApprovalRuleNameAlreadyExistsException(
                    f"An approval rule named {name} already exists on pull request {pull_request_id}."
                )
            if len(pull.approval_rules) >= MAX_RULES:
                raise NumberOfRulesExceededException(
                    f"A pull request can have at most {MAX_RULES} approval rules."
                )
            now = iso(self._clock.now())
            rule = {
                "approvalRuleId": self._ids.uuid(),
                "approvalRuleName": name,
                "approvalRuleContent": content,
                "ruleContentSha256": rule_content.content_sha256(content),
                "lastModifiedDate": now,
                "creationDate": now,
                "lastModifiedUser": ctx.principal.arn,
            }
            pull = self._touch(pull, approval_rules=[*pull.approval_rules, rule])
            self._rule_changed(uow, ctx, pull, rule, "CREATED", "Created")
            uow.commit()
        return {"approvalRule": rule_shape(rule)}

    def update_pull_request_approval_rule_content(
        self,
        ctx: RequestContext,
        *,
        pull_request_id: str,
        approval_rule_name: str,
        new_rule_content: str,
        existing_rule_content_sha256: str | None = None,
    ) -> dict[str, Any]:
        name = _check_rule_name(approval_rule_name)
        content = _check_content(new_rule_content)
        with self._store.unit_of_work() as uow:
            pull = self._pull_request(uow, ctx, pull_request_id, for_update=True)
            check_open(pull)
            index, rule = self._rule_named(pull, name)
            if rule.get("originApprovalRuleTemplate"):
                raise CannotModifyApprovalRuleFromTemplateException(
                    f"The approval rule {name} was created from an approval rule template and cannot be changed."
                )
            if (
                existing_rule_content_sha256 is not None
                and existing_rule_content_sha256 != rule["ruleContentSha256"]
            ):
                raise InvalidRuleContentSha256Exception(
                    f"The SHA-256 {existing_rule_content_sha256} is not that of the current content of {name}."
                )
            rule = {
                **rule,
                "approvalRuleContent": content,
                "ruleContentSha256": rule_content.content_sha256(content),
                "lastModifiedDate": iso(self._clock.now()),
                "lastModifiedUser": ctx.principal.arn,
            }
            rules = list(pull.approval_rules)
            rules[index] = rule
            pull = self._touch(pull, approval_rules=rules)
            self._rule_changed(uow, ctx, pull, rule, "UPDATED", "Updated")
            uow.commit()
        return {"approvalRule": rule_shape(rule)}

    def delete_pull_request_approval_rule(
        self, ctx: RequestContext, *, pull_request_id: str, approval_rule_name: str
    ) -> dict[str, Any]:
        name = _check_rule_name(approval_rule_name)
        with self._store.unit_of_work() as uow:
            pull = self._pull_request(uow, ctx, pull_request_id, for_update=True)
            check_open(pull)
            found = [r for r in pull.approval_rules if r["approvalRuleName"] == name]
            if not found:  # as AWS documents: a rule deleted already answers an empty id
                return {"approvalRuleId": ""}
            rule = found[0]
            if rule.get("originApprovalRuleTemplate"):
                raise CannotDeleteApprovalRuleFromTemplateException(
                    f"The approval rule {name} was created from an approval rule template and cannot be deleted."
                )
            pull = self._touch(pull, approval_rules=[r for r in pull.approval_rules if r is not rule])
            self._rule_changed(uow, ctx, pull, rule, "DELETED", "Deleted")
            uow.commit()
        return {"approvalRuleId": rule["approvalRuleId"]}

    @staticmethod
    def _rule_named(pull: PullRequestRecord, name: str) -> tuple[int, dict[str, Any]]:
        for index, rule in enumerate(pull.approval_rules):
            if rule["approvalRuleName"] == name:
                return index, rule
        raise ApprovalRuleDoesNotExistException(
            f"There is no approval rule named {name} on pull request {pull.pull_request_id}."
        )

    def _rule_changed(
        self,
        uow: UnitOfWork,
        ctx: RequestContext,
        pull: PullRequestRecord,
        rule: dict[str, Any],
        what: str,
        word: str,
    ) -> None:
        uow.pull_requests.update(pull)
        self._pull_request_event(
            uow,
            pull,
            f"PULL_REQUEST_APPROVAL_RULE_{what}",
            ctx.principal.arn,
            {
                "approvalRuleEventMetadata": {
                    "approvalRuleName": rule["approvalRuleName"],
                    "approvalRuleId": rule["approvalRuleId"],
                    "approvalRuleContent": rule["approvalRuleContent"],
                }
            },
        )
        self._emit_pull_request(
            uow,
            ctx,
            pull,
            self._repository_by_id(uow, pull.repository_id),
            f"pullRequestApprovalRule{word}",
            f"Event: {word}. Pull request name: {pull.pull_request_id}. Additional information: "
            f"The approval rule {rule['approvalRuleName']} was {word.lower()}.",
            approvalRuleId=rule["approvalRuleId"],
            approvalRuleName=rule["approvalRuleName"],
            approvalRuleContentSha256=rule["ruleContentSha256"],
        )

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
