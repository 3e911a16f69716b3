"""Managed policies attached to users, groups and roles."""

from __future__ import annotations

from typing import Any

from codeyard.accounts import RequestContext
from codeyard.services.iam.aws_managed import aws_managed_policy
from codeyard.services.iam.base import GROUP, ROLE, USER, IamBase
from codeyard.services.iam.documents import policy_view
from codeyard.services.iam.errors import LimitExceeded, NoSuchEntity
from codeyard.services.iam.pages import page
from codeyard.store.ports.iam import PolicyAttachmentRecord

MAX_ATTACHED = 10
_QUOTAS = {USER: "PoliciesPerUser", GROUP: "PoliciesPerGroup", ROLE: "PoliciesPerRole"}


class AttachmentsMixin(IamBase):
    def _attach(self, owner_type: str, owner_name: str, policy_arn: str) -> dict[str, Any]:
        with self._changes() as uow:
            self._owner_exists(uow, owner_type, owner_name)
            self._require_policy(uow, policy_arn)
            if uow.policy_attachments.get(
                owner_type=owner_type, owner_name=owner_name, policy_arn=policy_arn
            ):
                return {}
            if uow.policy_attachments.count(owner_type=owner_type, owner_name=owner_name) >= MAX_ATTACHED:
                raise LimitExceeded(f"Cannot exceed quota for {_QUOTAS[owner_type]}: {MAX_ATTACHED}")
            uow.policy_attachments.add(PolicyAttachmentRecord(owner_type, owner_name, policy_arn))
            self._commit(uow)
        return {}

    def _detach(self, owner_type: str, owner_name: str, policy_arn: str) -> dict[str, Any]:
        with self._changes() as uow:
            self._owner_exists(uow, owner_type, owner_name)
            if not uow.policy_attachments.remove(
                owner_type=owner_type, owner_name=owner_name, policy_arn=policy_arn
            ):
                raise NoSuchEntity(f"Policy {policy_arn} was not found.")
            self._commit(uow)
        return {}

    def _attached(
        self,
        owner_type: str,
        owner_name: str,
        path_prefix: str | None,
        marker: str | None,
        max_items: int | None,
    ) -> dict[str, Any]:
        with self._store.reader() as uow:
            self._owner_exists(uow, owner_type, owner_name)
            views = [
                policy_view(uow, a.policy_arn)
                for a in uow.policy_attachments.find(owner_type=owner_type, owner_name=owner_name)
            ]
        found = [v for v in views if v is not None and v.path.startswith(path_prefix or "/")]
        chunk, more = page(found, lambda v: f"{v.name}\x00{v.arn}", marker, max_items)
        return {"AttachedPolicies": [{"PolicyName": v.name, "PolicyArn": v.arn} for v in chunk], **more}

    def attach_user_policy(self, ctx: RequestContext, *, user_name: str, policy_arn: str) -> dict[str, Any]:
        return self._attach(USER, user_name, policy_arn)

    def detach_user_policy(self, ctx: RequestContext, *, user_name: str, policy_arn: str) -> dict[str, Any]:
        return self._detach(USER, user_name, policy_arn)

    def attach_group_policy(self, ctx: RequestContext, *, group_name: str, policy_arn: str) -> dict[str, Any]:
        return self._attach(GROUP, group_name, policy_arn)

    def detach_group_policy(self, ctx: RequestContext, *, group_name: str, policy_arn: str) -> dict[str, Any]:
        return self._detach(GROUP, group_name, policy_arn)

    def attach_role_policy(self, ctx: RequestContext, *, role_name: str, policy_arn: str) -> dict[str, Any]:
        return self._attach(ROLE, role_name, policy_arn)

    def detach_role_policy(self, ctx: RequestContext, *, role_name: str, policy_arn: str) -> dict[str, Any]:
        return self._detach(ROLE, role_name, policy_arn)

    def list_attached_user_policies(
        self,
        ctx: RequestContext,
        *,
        user_name: str,
        path_prefix: str | None = None,
        marker: str | None = None,
        max_items: int | None = None,
    ) -> dict[str, Any]:
        return self._attached(USER, user_name, path_prefix, marker, max_items)

    def list_attached_group_policies(
        self,
        ctx: RequestContext,
        *,
        group_name: str,
        path_prefix: str | None = None,
        marker: str | None = None,
        max_items: int | None = None,
    ) -> dict[str, Any]:
        return self._attached(GROUP, group_name, path_prefix, marker, max_items)

    def list_attached_role_policies(
        self,
        ctx: RequestContext,
        *,
        role_name: str,
        path_prefix: str | None = None,
        marker: str | None = None,
        max_items: int | None = None,
    ) -> dict[str, Any]:
        return self._attached(ROLE, role_name, path_prefix, marker, max_items)

    def list_entities_for_policy(
        self,
        ctx: RequestContext,
        *,
        policy_arn: str,
        entity_filter: str | None = None,
        path_prefix: str | None = None,
        policy_usage_filter: str | None = None,
        marker: str | None = None,
        max_items: int | None = None,
    ) -> dict[str, Any]:
        if entity_filter == "AWSManagedPolicy" and aws_managed_policy(policy_arn) is None:
            return {"PolicyGroups": [], "PolicyUsers": [], "PolicyRoles": [], "IsTruncated": False}
        if entity_filter == "LocalManagedPolicy" and aws_managed_policy(policy_arn) is not None:
            return {"PolicyGroups": [], "PolicyUsers": [], "PolicyRoles": [], "IsTruncated": False}
        prefix = path_prefix or "/"
        entities: list[tuple[str, str, str]] = []
        with self._store.reader() as uow:
            if policy_view(uow, policy_arn) is None:
                raise NoSuchEntity(f"Policy {policy_arn} was not found.")
            if policy_usage_filter != "PermissionsBoundary":
                owners = {
                    (a.owner_type, a.owner_name) for a in uow.policy_attachments.find(policy_arn=policy_arn)
                }
                for user in uow.users.find(prefix={"path": prefix}):
                    if (USER, user.user_name) in owners:
                        entities.append((USER, user.user_name, user.user_id))
                for group in uow.groups.find(prefix={"path": prefix}):
                    if (GROUP, group.group_name) in owners:
                        entities.append((GROUP, group.group_name, group.group_id))
                for role in uow.roles.find(prefix={"path": prefix}):
                    if (ROLE, role.role_name) in owners:
                        entities.append((ROLE, role.role_name, role.role_id))
            if policy_usage_filter != "PermissionsPolicy":
                for user in uow.users.find(permissions_boundary=policy_arn, prefix={"path": prefix}):
                    entities.append((USER, user.user_name, user.user_id))
                for role in uow.roles.find(permissions_boundary=policy_arn, prefix={"path": prefix}):
                    entities.append((ROLE, role.role_name, role.role_id))
        wanted = {"User": USER, "Group": GROUP, "Role": ROLE}.get(entity_filter or "")
        unique = sorted({e for e in entities if wanted is None or e[0] == wanted})
        chunk, more = page(unique, lambda e: f"{e[0]}\x00{e[1]}", marker, max_items)
        return {
            "PolicyGroups": [{"GroupName": n, "GroupId": i} for t, n, i in chunk if t == GROUP],
            "PolicyUsers": [{"UserName": n, "UserId": i} for t, n, i in chunk if t == USER],
            "PolicyRoles": [{"RoleName": n, "RoleId": i} for t, n, i in chunk if t == ROLE],
            **more,
        }
