"""Resource policies of projects and report groups, and the lists of the resources they share."""

from __future__ import annotations

from typing import Any

from codeyard.accounts import RequestContext
from codeyard.services.codebuild.base import PROJECT_PREFIX, CodeBuildBase
from codeyard.services.codebuild.errors import InvalidInputException, ResourceNotFoundException
from codeyard.services.codebuild.pages import page
from codeyard.services.iam.errors import MalformedPolicyDocument
from codeyard.services.iam.policy import Effect, parse_policy
from codeyard.store.ports import Conflict, UnitOfWork
from codeyard.store.ports.codebuild_access import ResourcePolicyRecord

PROJECT = "project"
REPORT_GROUP = "report-group"
PAGE_SIZE = 100
_SORT_KEYS = {"ARN": "resource_arn", "MODIFIED_TIME": "modified_at"}


def resource_kind(ctx: RequestContext, arn: str) -> tuple[str, str] | None:
    """(kind, name) of a project or report group ARN of the caller's region and account."""
    base = ctx.arn("codebuild", "")
    for kind, prefix in ((PROJECT, PROJECT_PREFIX), (REPORT_GROUP, REPORT_GROUP + "/")):
        if arn.startswith(base + prefix) and len(arn) > len(base + prefix):
            return kind, arn[len(base + prefix) :]
    return None


def shares(policy: str) -> bool:
    """Whether a resource policy allows some principal: the resource is shared with others."""
    return any(
        s.effect is Effect.ALLOW and (s.principals is not None)
        for s in parse_policy(policy, resource_policy=True).statements
    )


class ResourcePoliciesMixin(CodeBuildBase):
    def put_resource_policy(self, ctx: RequestContext, *, policy: str, resource_arn: str) -> dict[str, Any]:
        try:
            shared = shares(policy)
        except MalformedPolicyDocument as error:
            raise InvalidInputException(f"Invalid resource policy: {error}") from None
        with self._store.unit_of_work() as uow:
            kind = self._existing(uow, ctx, resource_arn)
            record = ResourcePolicyRecord(
                resource_arn=resource_arn,
                region=ctx.region,
                kind=kind,
                policy=policy,
                shared=shared,
                modified_at=self._clock.now(),
            )
            current = uow.resource_policies.get(resource_arn=resource_arn, for_update=True)
            try:
                if current is None:
                    uow.resource_policies.add(record)
                else:
                    uow.resource_policies.update(record)
            except Conflict:
                raise InvalidInputException(
                    f"The resource policy of {resource_arn} is being changed by another call: try again"
                ) from None
            uow.commit()
        return {"resourceArn": resource_arn}

    def get_resource_policy(self, ctx: RequestContext, *, resource_arn: str) -> dict[str, Any]:
        with self._reading() as uow:
            self._existing(uow, ctx, resource_arn)
            record = uow.resource_policies.get(resource_arn=resource_arn)
        if record is None:
            raise ResourceNotFoundException(f"Resource policy not found for {resource_arn}")
        return {"policy": record.policy}

    def delete_resource_policy(self, ctx: RequestContext, *, resource_arn: str) -> dict[str, Any]:
        """A resource without a policy, or no such resource, answers nothing (AWS's only error is
        InvalidInputException); nor does the ARN of another region's or account's resource, whose
        policy stays."""
        if not resource_arn.startswith("arn:"):
            raise InvalidInputException(f"Invalid resource ARN: {resource_arn}")
        if resource_kind(ctx, resource_arn) is None:
            return {}
        with self._store.unit_of_work() as uow:
            if uow.resource_policies.remove(resource_arn=resource_arn):
                uow.commit()
        return {}

    def list_shared_projects(
        self,
        ctx: RequestContext,
        *,
        sort_by: str | None = None,
        sort_order: str | None = None,
        max_results: int | None = None,
        next_token: str | None = None,
    ) -> dict[str, Any]:
        arns, following = self._shared(ctx, PROJECT, sort_by, sort_order, max_results, next_token)
        return {"projects": arns, **({"nextToken": following} if following else {})}

    def list_shared_report_groups(
        self,
        ctx: RequestContext,
        *,
        sort_order: str | None = None,
        sort_by: str | None = None,
        next_token: str | None = None,
        max_results: int | None = None,
    ) -> dict[str, Any]:
        arns, following = self._shared(ctx, REPORT_GROUP, sort_by, sort_order, max_results, next_token)
        return {"reportGroups": arns, **({"nextToken": following} if following else {})}

    def _shared(
        self,
        ctx: RequestContext,
        kind: str,
        sort_by: str | None,
        sort_order: str | None,
        max_results: int | None,
        next_token: str | None,
    ) -> tuple[list[str], str | None]:
        """The ARNs of the caller's resources of a kind whose policy shares them, in pages."""
        sort_by = sort_by or "ARN"
        sort_order = sort_order or "ASCENDING"
        key = _SORT_KEYS[sort_by]
        with self._reading() as uow:
            records = uow.resource_policies.find(region=ctx.region, kind=kind, shared=True)
        base = ctx.arn("codebuild", "")
        records = [r for r in records if r.resource_arn.startswith(base)]
        records.sort(key=lambda r: (getattr(r, key), r.resource_arn), reverse=sort_order == "DESCENDING")
        size = max_results or PAGE_SIZE
        items, following = page(records, next_token, size, f"shared-{kind}-{sort_by}-{sort_order}-{size}")
        return [r.resource_arn for r in items], following

    def _existing(self, uow: UnitOfWork, ctx: RequestContext, arn: str) -> str:
        """The kind of the project or report group an ARN names; refused when it does not exist."""
        found = resource_kind(ctx, arn)
        if found is None:
            if arn.startswith("arn:"):
                raise ResourceNotFoundException(f"Resource not found: {arn}")
            raise InvalidInputException(f"Invalid resource ARN: {arn}")
        kind, name = found
        if kind == PROJECT:
            exists = uow.projects.get(region=ctx.region, name=name) is not None
        else:
            exists = uow.report_groups.get(region=ctx.region, name=name) is not None
        if not exists:
            raise ResourceNotFoundException(f"Resource not found: {arn}")
        return kind
