"""Approval rule templates: create, read, list, rename, describe, change content and delete; the
template lookups and events that template_associations.py shares."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from codeyard.accounts import RequestContext
from codeyard.services.codecommit import rule_content
from codeyard.services.codecommit.base import CodeCommitBase
from codeyard.services.codecommit.errors import (
    ApprovalRuleTemplateContentRequiredException,
    ApprovalRuleTemplateDoesNotExistException,
    ApprovalRuleTemplateInUseException,
    ApprovalRuleTemplateNameAlreadyExistsException,
    ApprovalRuleTemplateNameRequiredException,
    InvalidApprovalRuleTemplateContentException,
    InvalidApprovalRuleTemplateDescriptionException,
    InvalidApprovalRuleTemplateNameException,
    InvalidRuleContentSha256Exception,
    NumberOfRuleTemplatesExceededException,
)
from codeyard.services.codecommit.listing import page_size, paged
from codeyard.services.codecommit.pull_request_base import java_date
from codeyard.store.ports import Conflict, UnitOfWork
from codeyard.store.ports.codecommit import (
    ApprovalRuleTemplateRecord,
    RepositoryRecord,
)

TEMPLATE_CHANGE = "CodeCommit Approval Rule Template Change"
MAX_TEMPLATES = 1000  # per account and region
MAX_DESCRIPTION = 1000
TEMPLATES_PER_PAGE = 100  # our choice: the default and the most a page holds
_NAME = re.compile(r"[A-Za-z0-9._\- ]{1,100}")


def check_template_name(name: str | None) -> str:
    if not name:
        raise ApprovalRuleTemplateNameRequiredException("An approval rule template name is required.")
    if not _NAME.fullmatch(name):
        raise InvalidApprovalRuleTemplateNameException(
            f"The approval rule template name '{name}' is not valid. Template names are 1 to 100 "
            "letters, digits, spaces, periods, underscores and hyphens."
        )
    return name


def _check_content(content: str | None) -> str:
    if not content:
        raise ApprovalRuleTemplateContentRequiredException(
            "The content of the approval rule template is required."
        )
    rule_content.parse(content, InvalidApprovalRuleTemplateContentException)
    return content


def _check_description(description: str | None) -> str:
    if description is not None and len(description) > MAX_DESCRIPTION:
        raise InvalidApprovalRuleTemplateDescriptionException(
            f"The description of an approval rule template can be at most {MAX_DESCRIPTION} characters long."
        )
    return description or ""


def template_shape(record: ApprovalRuleTemplateRecord) -> dict[str, Any]:
    """The ApprovalRuleTemplate shape."""
    return {
        "approvalRuleTemplateId": record.template_id,
        "approvalRuleTemplateName": record.template_name,
        "approvalRuleTemplateDescription": record.description,
        "approvalRuleTemplateContent": record.content,
        "ruleContentSha256": record.content_sha256,
        "lastModifiedDate": record.last_modified_at,
        "creationDate": record.created_at,
        "lastModifiedUser": record.last_modified_user,
    }


class TemplatesMixin(CodeCommitBase):
    # --- the templates -----------------------------------------------------------------------------

    def create_approval_rule_template(
        self,
        ctx: RequestContext,
        *,
        approval_rule_template_name: str,
        approval_rule_template_content: str,
        approval_rule_template_description: str | None = None,
    ) -> dict[str, Any]:
        name = check_template_name(approval_rule_template_name)
        content = _check_content(approval_rule_template_content)
        description = _check_description(approval_rule_template_description)
        now = self._clock.now()
        record = ApprovalRuleTemplateRecord(
            region=ctx.region,
            template_name=name,
            template_id=self._ids.uuid(),
            content=content,
            content_sha256=rule_content.content_sha256(content),
            created_at=now,
            last_modified_at=now,
            last_modified_user=ctx.principal.arn,
            description=description,
        )
        with self._store.unit_of_work() as uow:
            if uow.approval_rule_templates.get(region=ctx.region, template_name=name) is not None:
                raise _name_exists(name)
            if uow.approval_rule_templates.count(region=ctx.region) >= MAX_TEMPLATES:
                raise NumberOfRuleTemplatesExceededException(
                    f"The maximum number of approval rule templates ({MAX_TEMPLATES}) was reached in this region."
                )
            try:
                uow.approval_rule_templates.add(record)
            except Conflict:
                raise _name_exists(name) from None
            self._template_event(uow, ctx, "approvalRuleTemplateCreated", record, [])
            uow.commit()
        return {"approvalRuleTemplate": template_shape(record)}

    def get_approval_rule_template(
        self, ctx: RequestContext, *, approval_rule_template_name: str
    ) -> dict[str, Any]:
        with self._reading() as uow:
            record = self._template(uow, ctx, approval_rule_template_name)
        return {"approvalRuleTemplate": template_shape(record)}

    def list_approval_rule_templates(
        self, ctx: RequestContext, *, next_token: str | None = None, max_results: int | None = None
    ) -> dict[str, Any]:
        size = max_results_or_default(max_results)
        with self._reading() as uow:
            records = uow.approval_rule_templates.find(region=ctx.region, order_by="template_name")
        return paged(
            "approvalRuleTemplateNames", [r.template_name for r in records], next_token, size, "templates"
        )

    def delete_approval_rule_template(
        self, ctx: RequestContext, *, approval_rule_template_name: str
    ) -> dict[str, Any]:
        name = check_template_name(approval_rule_template_name)
        with self._store.unit_of_work() as uow:
            record = uow.approval_rule_templates.get(region=ctx.region, template_name=name, for_update=True)
            if record is None:
                # Our choice: as DeleteRepository, a missing template is not an error (the model
                # lists no ApprovalRuleTemplateDoesNotExistException here); the id is empty.
                return {"approvalRuleTemplateId": ""}
            repositories = self._associated(uow, record)
            if repositories:
                raise ApprovalRuleTemplateInUseException(
                    f"The approval rule template {name} is associated with {len(repositories)} "
                    "repositories. Disassociate it from every repository, then try again."
                )
            uow.approval_rule_templates.remove(region=ctx.region, template_name=name)
            self._template_event(uow, ctx, "approvalRuleTemplateDeleted", record, [])
            uow.commit()
        return {"approvalRuleTemplateId": record.template_id}

    def update_approval_rule_template_name(
        self,
        ctx: RequestContext,
        *,
        old_approval_rule_template_name: str,
        new_approval_rule_template_name: str,
    ) -> dict[str, Any]:
        new_name = check_template_name(new_approval_rule_template_name)
        with self._store.unit_of_work() as uow:
            record = self._template(uow, ctx, old_approval_rule_template_name, for_update=True)
            if new_name == record.template_name:
                return {"approvalRuleTemplate": template_shape(record)}
            if uow.approval_rule_templates.get(region=ctx.region, template_name=new_name) is not None:
                raise _name_exists(new_name)
            renamed = self._touched(ctx, record, template_name=new_name)
            uow.approval_rule_templates.remove(region=ctx.region, template_name=record.template_name)
            try:
                uow.approval_rule_templates.add(renamed)
            except Conflict:
                raise _name_exists(new_name) from None
            self._template_event(
                uow, ctx, "approvalRuleTemplateUpdated", renamed, self._associated(uow, renamed)
            )
            uow.commit()
        return {"approvalRuleTemplate": template_shape(renamed)}

    def update_approval_rule_template_description(
        self,
        ctx: RequestContext,
        *,
        approval_rule_template_name: str,
        approval_rule_template_description: str,
    ) -> dict[str, Any]:
        description = _check_description(approval_rule_template_description)
        with self._store.unit_of_work() as uow:
            record = self._template(uow, ctx, approval_rule_template_name, for_update=True)
            record = self._touched(ctx, record, description=description)
            uow.approval_rule_templates.update(record)
            self._template_event(
                uow, ctx, "approvalRuleTemplateUpdated", record, self._associated(uow, record)
            )
            uow.commit()
        return {"approvalRuleTemplate": template_shape(record)}

    def update_approval_rule_template_content(
        self,
        ctx: RequestContext,
        *,
        approval_rule_template_name: str,
        new_rule_content: str,
        existing_rule_content_sha256: str | None = None,
    ) -> dict[str, Any]:
        check_template_name(approval_rule_template_name)
        content = _check_content(new_rule_content)
        with self._store.unit_of_work() as uow:
            record = self._template(uow, ctx, approval_rule_template_name, for_update=True)
            if (
                existing_rule_content_sha256 is not None
                and existing_rule_content_sha256 != record.content_sha256
            ):
                raise InvalidRuleContentSha256Exception(
                    f"The SHA-256 hash {existing_rule_content_sha256} does not match the current content "
                    f"of the approval rule template ({record.content_sha256}): it was changed meanwhile."
                )
            record = self._touched(
                ctx, record, content=content, content_sha256=rule_content.content_sha256(content)
            )
            uow.approval_rule_templates.update(record)
            self._template_event(
                uow, ctx, "approvalRuleTemplateUpdated", record, self._associated(uow, record)
            )
            uow.commit()
        return {"approvalRuleTemplate": template_shape(record)}

    # --- helpers -----------------------------------------------------------------------------------

    def _template(
        self, uow: UnitOfWork, ctx: RequestContext, name: str | None, *, for_update: bool = False
    ) -> ApprovalRuleTemplateRecord:
        name = check_template_name(name)
        record = uow.approval_rule_templates.get(region=ctx.region, template_name=name, for_update=for_update)
        if record is None:
            raise ApprovalRuleTemplateDoesNotExistException(
                f"The approval rule template {name} does not exist."
            )
        return record

    def _touched(
        self, ctx: RequestContext, record: ApprovalRuleTemplateRecord, **changes: Any
    ) -> ApprovalRuleTemplateRecord:
        return replace(
            record, last_modified_at=self._clock.now(), last_modified_user=ctx.principal.arn, **changes
        )

    def _associated(self, uow: UnitOfWork, template: ApprovalRuleTemplateRecord) -> list[RepositoryRecord]:
        found: list[RepositoryRecord] = []
        for association in uow.template_associations.find(template_id=template.template_id):
            repositories = uow.repositories.find(repository_id=association.repository_id, limit=1)
            found.extend(repositories)
        return found

    def _template_event(
        self,
        uow: UnitOfWork,
        ctx: RequestContext,
        event: str,
        template: ApprovalRuleTemplateRecord,
        repositories: list[RepositoryRecord],
    ) -> None:
        """A CodeCommit Approval Rule Template Change; `repositories` are the ones the change
        concerns (associated, disassociated, or associated with a changed template)."""
        caller = ctx.principal.arn
        detail: dict[str, Any] = {
            "event": event,
            "approvalRuleTemplateId": template.template_id,
            "approvalRuleTemplateName": template.template_name,
            "approvalRuleTemplateContentSha256": template.content_sha256,
            "callerUserArn": caller,
            "creationDate": java_date(template.created_at),
            "lastModifiedDate": java_date(template.last_modified_at),
            "repositories": {r.repository_name: r.repository_id for r in repositories},
            "notificationBody": (
                f"The approval rule template {template.template_name} was changed ({event}) by {caller}. "
                f"For more information, go to the Codeyard console {self._clone_url_base}"
                f"/console/codecommit/approval-rule-templates/{template.template_name}"
            ),
        }
        arns = [r.arn for r in repositories]
        uow.outbox.add(self._events.event(ctx, "aws.codecommit", TEMPLATE_CHANGE, detail, arns))


def _name_exists(name: str) -> ApprovalRuleTemplateNameAlreadyExistsException:
    return ApprovalRuleTemplateNameAlreadyExistsException(
        f"An approval rule template named {name} already exists."
    )


def max_results_or_default(value: int | None) -> int:
    return page_size(value, default=TEMPLATES_PER_PAGE, maximum=TEMPLATES_PER_PAGE)
