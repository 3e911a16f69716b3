"""IAM records as the AWS output structures (member names exactly as the model's)."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from codeyard.store.ports.iam import GroupRecord, RoleRecord, UserRecord


def quoted(document: str) -> str:
    """Policy documents travel URL-encoded in IAM responses; SDKs decode them."""
    return quote(document, safe="")


def boundary(arn: str | None) -> dict[str, str] | None:
    if not arn:
        return None
    return {"PermissionsBoundaryType": "PermissionsBoundaryPolicy", "PermissionsBoundaryArn": arn}


def user(record: UserRecord, *, full: bool = False) -> dict[str, Any]:
    """ListUsers leaves out tags and the boundary; GetUser and CreateUser show them."""
    shape: dict[str, Any] = {
        "Path": record.path,
        "UserName": record.user_name,
        "UserId": record.user_id,
        "Arn": record.arn,
        "CreateDate": record.created_at,
    }
    if full:
        shape["PermissionsBoundary"] = boundary(record.permissions_boundary)
        shape["Tags"] = list(record.tags) or None
    return shape


def group(record: GroupRecord) -> dict[str, Any]:
    return {
        "Path": record.path,
        "GroupName": record.group_name,
        "GroupId": record.group_id,
        "Arn": record.arn,
        "CreateDate": record.created_at,
    }


def role(record: RoleRecord, *, full: bool = False) -> dict[str, Any]:
    """ListRoles leaves out tags, the boundary and last use; GetRole shows them."""
    shape: dict[str, Any] = {
        "Path": record.path,
        "RoleName": record.role_name,
        "RoleId": record.role_id,
        "Arn": record.arn,
        "CreateDate": record.created_at,
        "AssumeRolePolicyDocument": quoted(record.assume_role_policy_document),
        "Description": record.description or None,
        "MaxSessionDuration": record.max_session_duration,
    }
    if full:
        shape["PermissionsBoundary"] = boundary(record.permissions_boundary)
        shape["Tags"] = list(record.tags) or None
        shape["RoleLastUsed"] = {}
    return shape
