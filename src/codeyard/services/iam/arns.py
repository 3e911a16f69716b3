"""ARNs and principals of IAM identities."""

from __future__ import annotations

from codeyard.accounts import Principal, PrincipalKind


def iam_arn(account_id: str, kind: str, path: str, name: str) -> str:
    return f"arn:aws:iam::{account_id}:{kind}{path}{name}"


def root_principal(account_id: str, access_key_id: str = "") -> Principal:
    return Principal(
        kind=PrincipalKind.ROOT,
        arn=f"arn:aws:iam::{account_id}:root",
        account_id=account_id,
        user_id=account_id,
        name="root",
        access_key_id=access_key_id,
    )


def user_principal(account_id: str, arn: str, user_id: str, name: str, access_key_id: str = "") -> Principal:
    return Principal(
        kind=PrincipalKind.USER,
        arn=arn,
        account_id=account_id,
        user_id=user_id,
        name=name,
        access_key_id=access_key_id,
    )
