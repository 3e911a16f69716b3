"""Customer managed policies and their versions; AWS managed policies read-only."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from codeyard.accounts import RequestContext
from codeyard.errors import AccessDeniedException
from codeyard.services.iam.aws_managed import POLICIES, aws_managed_policy
from codeyard.services.iam.base import IamBase
from codeyard.services.iam.documents import (
    MANAGED_POLICY_SIZE,
    PolicyView,
    aws_view,
    checked,
    customer_view,
    policy_view,
)
from codeyard.services.iam.errors import DeleteConflict, EntityAlreadyExists, LimitExceeded, NoSuchEntity
from codeyard.services.iam.pages import page
from codeyard.services.iam.shapes import quoted
from codeyard.services.iam.tags import merged, without
from codeyard.store.ports import Conflict, UnitOfWork
from codeyard.store.ports.iam import ManagedPolicyRecord, PolicyVersionRecord

MAX_VERSIONS = 5


class ManagedPoliciesMixin(IamBase):
    def _policy_shape(self, uow: UnitOfWork, view: PolicyView, *, full: bool) -> dict[str, Any]:
        boundaries = uow.users.count(permissions_boundary=view.arn) + uow.roles.count(
            permissions_boundary=view.arn
        )
        return {
            "PolicyName": view.name,
            "PolicyId": view.policy_id,
            "Arn": view.arn,
            "Path": view.path,
            "DefaultVersionId": view.default_version_id,
            "AttachmentCount": uow.policy_attachments.count(policy_arn=view.arn),
            "PermissionsBoundaryUsageCount": boundaries,
            "IsAttachable": True,
            "Description": (view.description or None) if full else None,
            "CreateDate": view.created_at,
            "UpdateDate": view.updated_at,
            "Tags": (list(view.tags) or None) if full else None,
        }

    def _view(self, uow: UnitOfWork, arn: str) -> PolicyView:
        view = policy_view(uow, arn)
        if view is None:
            raise NoSuchEntity(f"Policy {arn} was not found.")
        return view

    def _customer_policy(self, uow: UnitOfWork, arn: str) -> ManagedPolicyRecord:
        if aws_managed_policy(arn) is not None:
            # AWS managed policies belong to AWS: nobody in the account may change them.
            raise AccessDeniedException(f"Policy {arn} is an AWS managed policy and cannot be changed.")
        record = uow.managed_policies.get(arn=arn)
        if record is None:
            raise NoSuchEntity(f"Policy {arn} was not found.")
        return record

    def create_policy(
        self,
        ctx: RequestContext,
        *,
        policy_name: str,
        policy_document: str,
        path: str | None = None,
        description: str | None = None,
        tags: list[dict[str, str]] | None = None,
    ) -> dict[str, Any]:
        checked(policy_document, MANAGED_POLICY_SIZE, "PolicySize")
        path = path or "/"
        now = self._clock.now()
        record = ManagedPolicyRecord(
            arn=self._arn("policy", path, policy_name),
            policy_name=policy_name,
            policy_id=self._ids.aws_id("ANPA"),
            path=path,
            default_version_id="v1",
            created_at=now,
            updated_at=now,
            description=description or "",
            next_version=2,
            tags=merged([], tags or [], "TagsPerPolicy"),
        )
        duplicate = f"A policy called {policy_name} already exists. Duplicate names are not allowed."
        with self._changes() as uow:
            if self._taken((p.policy_name for p in uow.managed_policies.find()), policy_name):
                raise EntityAlreadyExists(duplicate)
            try:
                uow.managed_policies.add(record)
            except Conflict:
                raise EntityAlreadyExists(duplicate) from None
            uow.policy_versions.add(PolicyVersionRecord(record.arn, "v1", policy_document, now))
            shape = self._policy_shape(uow, customer_view(record), full=True)
            self._commit(uow)
        return {"Policy": shape}

    def get_policy(self, ctx: RequestContext, *, policy_arn: str) -> dict[str, Any]:
        with self._store.reader() as uow:
            return {"Policy": self._policy_shape(uow, self._view(uow, policy_arn), full=True)}

    def list_policies(
        self,
        ctx: RequestContext,
        *,
        scope: str | None = None,
        only_attached: bool | None = None,
        path_prefix: str | None = None,
        policy_usage_filter: str | None = None,
        marker: str | None = None,
        max_items: int | None = None,
    ) -> dict[str, Any]:
        scope = scope or "All"
        prefix = path_prefix or "/"
        with self._store.reader() as uow:
            views: list[PolicyView] = []
            if scope in ("All", "AWS"):
                views += [aws_view(p) for p in POLICIES if p.path.startswith(prefix)]
            if scope in ("All", "Local"):
                views += [customer_view(r) for r in uow.managed_policies.find(prefix={"path": prefix})]
            shapes = [self._policy_shape(uow, v, full=False) for v in views]
        if only_attached:
            shapes = [s for s in shapes if s["AttachmentCount"]]
        # PermissionsBoundary keeps the policies in use as a boundary; PermissionsPolicy keeps all,
        # since any managed policy may be attached as a permissions policy.
        if policy_usage_filter == "PermissionsBoundary":
            shapes = [s for s in shapes if s["PermissionsBoundaryUsageCount"]]
        chunk, more = page(shapes, lambda s: f"{s['PolicyName']}\x00{s['Arn']}", marker, max_items)
        return {"Policies": chunk, **more}

    def delete_policy(self, ctx: RequestContext, *, policy_arn: str) -> dict[str, Any]:
        with self._changes() as uow:
            self._customer_policy(uow, policy_arn)
            in_use = (
                uow.policy_attachments.count(policy_arn=policy_arn)
                + uow.users.count(permissions_boundary=policy_arn)
                + uow.roles.count(permissions_boundary=policy_arn)
            )
            if in_use:
                raise DeleteConflict("Cannot delete a policy attached to entities.")
            if uow.policy_versions.count(policy_arn=policy_arn) > 1:
                raise DeleteConflict(
                    "This policy has more than one version. Before you delete a policy, you must delete "
                    "the policy's versions. The default version is deleted with the policy."
                )
            uow.policy_versions.remove(policy_arn=policy_arn)
            uow.managed_policies.remove(arn=policy_arn)
            self._commit(uow)
        return {}

    def create_policy_version(
        self,
        ctx: RequestContext,
        *,
        policy_arn: str,
        policy_document: str,
        set_as_default: bool | None = None,
    ) -> dict[str, Any]:
        checked(policy_document, MANAGED_POLICY_SIZE, "PolicySize")
        now = self._clock.now()
        with self._changes() as uow:
            record = self._customer_policy(uow, policy_arn)
            if uow.policy_versions.count(policy_arn=policy_arn) >= MAX_VERSIONS:
                raise LimitExceeded(
                    f"A managed policy can have up to {MAX_VERSIONS} versions. Before you create a new "
                    "version, you must delete an existing version."
                )
            version_id = f"v{record.next_version}"
            uow.policy_versions.add(PolicyVersionRecord(policy_arn, version_id, policy_document, now))
            default = version_id if set_as_default else record.default_version_id
            uow.managed_policies.update(
                replace(
                    record, next_version=record.next_version + 1, default_version_id=default, updated_at=now
                )
            )
            self._commit(uow)
        return {
            "PolicyVersion": {
                "VersionId": version_id,
                "IsDefaultVersion": bool(set_as_default),
                "CreateDate": now,
            }
        }

    def _versions(self, uow: UnitOfWork, policy_arn: str) -> tuple[PolicyView, list[PolicyVersionRecord]]:
        view = self._view(uow, policy_arn)
        builtin = aws_managed_policy(policy_arn)
        if builtin is not None:
            return view, [PolicyVersionRecord(policy_arn, "v1", builtin.document, view.created_at)]
        return view, uow.policy_versions.find(policy_arn=policy_arn)

    def get_policy_version(self, ctx: RequestContext, *, policy_arn: str, version_id: str) -> dict[str, Any]:
        with self._store.reader() as uow:
            view, versions = self._versions(uow, policy_arn)
        for version in versions:
            if version.version_id == version_id:
                return {
                    "PolicyVersion": {
                        "Document": quoted(version.document),
                        "VersionId": version.version_id,
                        "IsDefaultVersion": version.version_id == view.default_version_id,
                        "CreateDate": version.created_at,
                    }
                }
        raise NoSuchEntity(f"Policy {policy_arn} version {version_id} does not exist or is not attachable.")

    def list_policy_versions(
        self, ctx: RequestContext, *, policy_arn: str, marker: str | None = None, max_items: int | None = None
    ) -> dict[str, Any]:
        with self._store.reader() as uow:
            view, versions = self._versions(uow, policy_arn)
        # Newest first, like AWS: version numbers sort as numbers, not text.
        chunk, more = page(versions, lambda v: f"{10**9 - int(v.version_id[1:]):010d}", marker, max_items)
        listed = [
            {
                "VersionId": v.version_id,
                "IsDefaultVersion": v.version_id == view.default_version_id,
                "CreateDate": v.created_at,
            }
            for v in chunk
        ]
        return {"Versions": listed, **more}

    def delete_policy_version(
        self, ctx: RequestContext, *, policy_arn: str, version_id: str
    ) -> dict[str, Any]:
        with self._changes() as uow:
            record = self._customer_policy(uow, policy_arn)
            if version_id == record.default_version_id:
                raise DeleteConflict("Cannot delete the default version of a policy.")
            if not uow.policy_versions.remove(policy_arn=policy_arn, version_id=version_id):
                raise NoSuchEntity(
                    f"Policy {policy_arn} version {version_id} does not exist or is not attachable."
                )
            self._commit(uow)
        return {}

    def set_default_policy_version(
        self, ctx: RequestContext, *, policy_arn: str, version_id: str
    ) -> dict[str, Any]:
        with self._changes() as uow:
            record = self._customer_policy(uow, policy_arn)
            if uow.policy_versions.get(policy_arn=policy_arn, version_id=version_id) is None:
                raise NoSuchEntity(
                    f"Policy {policy_arn} version {version_id} does not exist or is not attachable."
                )
            uow.managed_policies.update(
                replace(record, default_version_id=version_id, updated_at=self._clock.now())
            )
            self._commit(uow)
        return {}

    def tag_policy(
        self, ctx: RequestContext, *, policy_arn: str, tags: list[dict[str, str]]
    ) -> dict[str, Any]:
        with self._changes() as uow:
            record = self._customer_policy(uow, policy_arn)
            uow.managed_policies.update(replace(record, tags=merged(record.tags, tags, "TagsPerPolicy")))
            self._commit(uow)
        return {}

    def untag_policy(self, ctx: RequestContext, *, policy_arn: str, tag_keys: list[str]) -> dict[str, Any]:
        with self._changes() as uow:
            record = self._customer_policy(uow, policy_arn)
            uow.managed_policies.update(replace(record, tags=without(record.tags, tag_keys)))
            self._commit(uow)
        return {}

    def list_policy_tags(
        self, ctx: RequestContext, *, policy_arn: str, marker: str | None = None, max_items: int | None = None
    ) -> dict[str, Any]:
        with self._store.reader() as uow:
            view = self._view(uow, policy_arn)
        chunk, more = page(view.tags, lambda t: t["Key"], marker, max_items)
        return {"Tags": chunk, **more}
