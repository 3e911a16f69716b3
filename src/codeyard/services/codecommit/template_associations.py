"""Approval rule templates and repositories: associate, disassociate (one or a batch), and list
either side of the association."""

from __future__ import annotations

from typing import Any

from codeyard.accounts import RequestContext
from codeyard.services.codecommit.errors import (
    InvalidRepositoryNameException,
    MaximumRepositoryNamesExceededException,
    MaximumRuleTemplatesAssociatedWithRepositoryException,
    RepositoryDoesNotExistException,
    RepositoryNameRequiredException,
    RepositoryNamesRequiredException,
)
from codeyard.services.codecommit.listing import paged
from codeyard.services.codecommit.templates import TemplatesMixin, check_template_name, max_results_or_default
from codeyard.store.ports import UnitOfWork
from codeyard.store.ports.codecommit import (
    ApprovalRuleTemplateRecord,
    RepositoryRecord,
    TemplateAssociationRecord,
)

MAX_TEMPLATES_PER_REPOSITORY = 25
MAX_BATCH_NAMES = 100  # our choice, as BatchGetRepositories
# What a batch answers per repository in its `errors` rather than failing the whole call.
_PER_REPOSITORY_ERRORS = (
    RepositoryDoesNotExistException,
    InvalidRepositoryNameException,
    RepositoryNameRequiredException,
    MaximumRuleTemplatesAssociatedWithRepositoryException,
)


class TemplateAssociationsMixin(TemplatesMixin):
    # Authorised on the ARN of each repository they name (resources_for in api.py).
    batch_operations = (
        "BatchAssociateApprovalRuleTemplateWithRepositories",
        "BatchDisassociateApprovalRuleTemplateFromRepositories",
    )

    def associate_approval_rule_template_with_repository(
        self, ctx: RequestContext, *, approval_rule_template_name: str, repository_name: str
    ) -> None:
        with self._store.unit_of_work() as uow:
            template = self._template(uow, ctx, approval_rule_template_name, for_update=True)
            repository = self._repository(uow, ctx, repository_name)
            self._associate(uow, template, repository)
            self._template_event(
                uow, ctx, "approvalRuleTemplateAssociatedWithRepository", template, [repository]
            )
            uow.commit()

    def disassociate_approval_rule_template_from_repository(
        self, ctx: RequestContext, *, approval_rule_template_name: str, repository_name: str
    ) -> None:
        with self._store.unit_of_work() as uow:
            template = self._template(uow, ctx, approval_rule_template_name, for_update=True)
            repository = self._repository(uow, ctx, repository_name)
            uow.template_associations.remove(
                template_id=template.template_id, repository_id=repository.repository_id
            )
            self._template_event(
                uow, ctx, "approvalRuleTemplateDisassociatedFromRepository", template, [repository]
            )
            uow.commit()

    def batch_associate_approval_rule_template_with_repositories(
        self, ctx: RequestContext, *, approval_rule_template_name: str, repository_names: list[str]
    ) -> dict[str, Any]:
        done, errors = self._batch(ctx, approval_rule_template_name, repository_names, associate=True)
        return {"associatedRepositoryNames": done, "errors": errors}

    def batch_disassociate_approval_rule_template_from_repositories(
        self, ctx: RequestContext, *, approval_rule_template_name: str, repository_names: list[str]
    ) -> dict[str, Any]:
        done, errors = self._batch(ctx, approval_rule_template_name, repository_names, associate=False)
        return {"disassociatedRepositoryNames": done, "errors": errors}

    def list_associated_approval_rule_templates_for_repository(
        self,
        ctx: RequestContext,
        *,
        repository_name: str,
        next_token: str | None = None,
        max_results: int | None = None,
    ) -> dict[str, Any]:
        size = max_results_or_default(max_results)
        with self._reading() as uow:
            repository = self._repository(uow, ctx, repository_name)
            template_ids = [
                a.template_id for a in uow.template_associations.find(repository_id=repository.repository_id)
            ]
            found = (uow.approval_rule_templates.get(template_id=t) for t in template_ids)
            template_names = sorted(t.template_name for t in found if t is not None)
        return paged("approvalRuleTemplateNames", template_names, next_token, size, "associated-templates")

    def list_repositories_for_approval_rule_template(
        self,
        ctx: RequestContext,
        *,
        approval_rule_template_name: str,
        next_token: str | None = None,
        max_results: int | None = None,
    ) -> dict[str, Any]:
        size = max_results_or_default(max_results)
        with self._reading() as uow:
            template = self._template(uow, ctx, approval_rule_template_name)
            repository_names = sorted(r.repository_name for r in self._associated(uow, template))
        return paged("repositoryNames", repository_names, next_token, size, "template-repositories")

    # --- helpers -----------------------------------------------------------------------------------

    def _associate(
        self, uow: UnitOfWork, template: ApprovalRuleTemplateRecord, repository: RepositoryRecord
    ) -> None:
        """Associate once; associating again changes nothing."""
        association = TemplateAssociationRecord(template.template_id, repository.repository_id)
        existing = uow.template_associations.get(
            template_id=association.template_id, repository_id=association.repository_id
        )
        if existing is not None:
            return
        if (
            uow.template_associations.count(repository_id=repository.repository_id)
            >= MAX_TEMPLATES_PER_REPOSITORY
        ):
            raise MaximumRuleTemplatesAssociatedWithRepositoryException(
                f"The repository {repository.repository_name} has {MAX_TEMPLATES_PER_REPOSITORY} approval "
                "rule templates associated already, the maximum."
            )
        # The template's row is locked: no other association of it can slip in meanwhile.
        uow.template_associations.add(association)

    def _batch(
        self, ctx: RequestContext, template_name: str, repository_names: list[str], *, associate: bool
    ) -> tuple[list[str], list[dict[str, str]]]:
        check_template_name(template_name)
        if not repository_names:
            raise RepositoryNamesRequiredException("At least one repository name is required.")
        if len(repository_names) > MAX_BATCH_NAMES:
            raise MaximumRepositoryNamesExceededException(
                f"The maximum number of repository names ({MAX_BATCH_NAMES}) was exceeded."
            )
        done: list[str] = []
        changed: list[RepositoryRecord] = []
        errors: list[dict[str, str]] = []
        with self._store.unit_of_work() as uow:
            template = self._template(uow, ctx, template_name, for_update=True)
            for name in dict.fromkeys(repository_names):
                try:
                    repository = self._repository(uow, ctx, name)
                    if associate:
                        self._associate(uow, template, repository)
                    else:
                        uow.template_associations.remove(
                            template_id=template.template_id, repository_id=repository.repository_id
                        )
                except _PER_REPOSITORY_ERRORS as error:
                    errors.append(
                        {"repositoryName": name, "errorCode": error.code, "errorMessage": str(error)}
                    )
                    continue
                done.append(name)
                changed.append(repository)
            event = (
                "batchAssociateApprovalRuleTemplateWithRepositories"
                if associate
                else "batchDisassociateApprovalRuleTemplateFromRepositories"
            )
            self._template_event(uow, ctx, event, template, changed)
            uow.commit()
        return done, errors
