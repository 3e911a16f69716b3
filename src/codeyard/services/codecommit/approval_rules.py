"""Approval rules of a pull request: create, change and delete the rules made for it (rules from
approval rule templates are added when it is created and stay as they are)."""

from __future__ import annotations

import re
from typing import Any

from codeyard.accounts import RequestContext
from codeyard.services.codecommit import rule_content
from codeyard.services.codecommit.errors import (
    ApprovalRuleContentRequiredException,
    ApprovalRuleDoesNotExistException,
    ApprovalRuleNameAlreadyExistsException,
    ApprovalRuleNameRequiredException,
    CannotDeleteApprovalRuleFromTemplateException,
    CannotModifyApprovalRuleFromTemplateException,
    InvalidApprovalRuleNameException,
    InvalidRuleContentSha256Exception,
    NumberOfRulesExceededException,
)
from codeyard.services.codecommit.pull_request_base import (
    PullRequestBase,
    check_open,
    iso,
    rule_shape,
)
from codeyard.store.ports import UnitOfWork
from codeyard.store.ports.codecommit import PullRequestRecord

MAX_RULES = 30  # per pull request
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


class ApprovalRulesMixin(PullRequestBase):
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
