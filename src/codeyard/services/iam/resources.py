"""The resource ARN each IAM operation is authorised against, per the IAM authorization reference."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from codeyard.accounts import PrincipalKind, RequestContext
from codeyard.services.iam.arns import iam_arn
from codeyard.services.iam.epoch import EpochCache, IamEpoch
from codeyard.store.ports import Store

_USER_OPERATIONS = frozenset(
    [
        "CreateUser",
        "GetUser",
        "UpdateUser",
        "DeleteUser",
        "TagUser",
        "UntagUser",
        "ListUserTags",
        "PutUserPermissionsBoundary",
        "DeleteUserPermissionsBoundary",
        "ListGroupsForUser",
        "CreateAccessKey",
        "ListAccessKeys",
        "UpdateAccessKey",
        "DeleteAccessKey",
        "AttachUserPolicy",
        "DetachUserPolicy",
        "ListAttachedUserPolicies",
        "PutUserPolicy",
        "GetUserPolicy",
        "DeleteUserPolicy",
        "ListUserPolicies",
        "CreateServiceSpecificCredential",
        "ListServiceSpecificCredentials",
        "ResetServiceSpecificCredential",
        "UpdateServiceSpecificCredential",
        "DeleteServiceSpecificCredential",
        "UploadSSHPublicKey",
        "ListSSHPublicKeys",
        "GetSSHPublicKey",
        "UpdateSSHPublicKey",
        "DeleteSSHPublicKey",
        "CreateLoginProfile",
        "GetLoginProfile",
        "UpdateLoginProfile",
        "DeleteLoginProfile",
        "ChangePassword",
    ]
)
_GROUP_OPERATIONS = frozenset(
    [
        "CreateGroup",
        "GetGroup",
        "UpdateGroup",
        "DeleteGroup",
        "AddUserToGroup",
        "RemoveUserFromGroup",
        "AttachGroupPolicy",
        "DetachGroupPolicy",
        "ListAttachedGroupPolicies",
        "PutGroupPolicy",
        "GetGroupPolicy",
        "DeleteGroupPolicy",
        "ListGroupPolicies",
    ]
)
_ROLE_OPERATIONS = frozenset(
    [
        "CreateRole",
        "GetRole",
        "UpdateRole",
        "UpdateRoleDescription",
        "UpdateAssumeRolePolicy",
        "DeleteRole",
        "TagRole",
        "UntagRole",
        "ListRoleTags",
        "PutRolePermissionsBoundary",
        "DeleteRolePermissionsBoundary",
        "AttachRolePolicy",
        "DetachRolePolicy",
        "ListAttachedRolePolicies",
        "PutRolePolicy",
        "GetRolePolicy",
        "DeleteRolePolicy",
        "ListRolePolicies",
    ]
)
_POLICY_OPERATIONS = frozenset(
    [
        "GetPolicy",
        "DeletePolicy",
        "CreatePolicyVersion",
        "GetPolicyVersion",
        "ListPolicyVersions",
        "DeletePolicyVersion",
        "SetDefaultPolicyVersion",
        "TagPolicy",
        "UntagPolicy",
        "ListPolicyTags",
        "ListEntitiesForPolicy",
    ]
)


class IamResources:
    """Finds the ARN (with its path) of the user, group, role or policy a call acts on.

    ARNs are cached per IAM epoch, so a repeated lookup usually costs no read.
    """

    def __init__(self, store: Store, account_id: str, epoch: IamEpoch) -> None:
        self._store = store
        self._account_id = account_id
        self._epoch = epoch
        self._cache: EpochCache[tuple[str, str], str] = EpochCache()

    def _existing(self, ctx: RequestContext, kind: str, name: str) -> str | None:
        principal = ctx.principal
        if kind == "user" and principal.kind is PrincipalKind.USER and principal.name == name:
            return principal.arn
        epoch = self._epoch.current()
        cached = self._cache.get(epoch, (kind, name))
        if cached is not None:
            return cached
        with self._store.reader() as uow:
            if kind == "user":
                user = uow.users.get(user_name=name)
                found = user.arn if user else None
            elif kind == "group":
                group = uow.groups.get(group_name=name)
                found = group.arn if group else None
            else:
                role = uow.roles.get(role_name=name)
                found = role.arn if role else None
        if found is not None:
            self._cache.put(epoch, (kind, name), found)
        return found

    def _entity(self, ctx: RequestContext, kind: str, name: str, new_path: str | None, creating: bool) -> str:
        found = None if creating else self._existing(ctx, kind, name)
        return found or iam_arn(self._account_id, kind, new_path or "/", name)

    def resources_for(self, operation: str, params: Mapping[str, Any], ctx: RequestContext) -> list[str]:
        creating = operation.startswith("Create") and not operation.endswith(
            ("AccessKey", "LoginProfile", "Credential", "PolicyVersion")
        )
        if operation in _USER_OPERATIONS:
            name = params.get("UserName")
            if not name:
                principal = ctx.principal
                return [principal.arn] if principal.kind is not PrincipalKind.ASSUMED_ROLE else ["*"]
            return [self._entity(ctx, "user", str(name), params.get("Path"), creating)]
        if operation in _GROUP_OPERATIONS:
            return [self._entity(ctx, "group", str(params["GroupName"]), params.get("Path"), creating)]
        if operation in _ROLE_OPERATIONS:
            return [self._entity(ctx, "role", str(params["RoleName"]), params.get("Path"), creating)]
        if operation in _POLICY_OPERATIONS:
            return [str(params["PolicyArn"])]
        if operation == "CreatePolicy":
            return [iam_arn(self._account_id, "policy", params.get("Path") or "/", str(params["PolicyName"]))]
        if operation == "SimulatePrincipalPolicy":
            return [str(params["PolicySourceArn"])]
        if operation == "GetAccessKeyLastUsed":
            with self._store.reader() as uow:
                key = uow.access_keys.get(access_key_id=str(params["AccessKeyId"]))
                user = uow.users.get(user_name=key.user_name) if key and key.user_name else None
            return [user.arn] if user else ["*"]
        return ["*"]
