"""Secret names and ARNs: the name rules, the random suffix, and what a SecretId can be."""

from __future__ import annotations

import re
from dataclasses import dataclass

from codeyard.accounts import RequestContext
from codeyard.services.secretsmanager.errors import InvalidParameter

SERVICE = "secretsmanager"
SUFFIX_LENGTH = 6
_NAME = re.compile(r"[A-Za-z0-9/_+=.@-]+")


def check_name(name: str) -> None:
    """AWS allows ASCII letters, digits and /_+=.@- in a secret name."""
    if not _NAME.fullmatch(name):
        raise InvalidParameter(
            "Invalid name. Must be a valid name containing alphanumeric characters, "
            "or any of the following: -/_+=.@!"
        )


def arn_prefix(ctx: RequestContext) -> str:
    """The start every secret ARN of the caller's Region shares."""
    return ctx.arn(SERVICE, "secret:")


def secret_arn(ctx: RequestContext, name: str, suffix: str) -> str:
    return f"{arn_prefix(ctx)}{name}-{suffix}"


def policy_arn(ctx: RequestContext, name: str) -> str:
    """The ARN a policy sees for a secret that does not exist yet: `secret:name-*` matches it."""
    return secret_arn(ctx, name, "?" * SUFFIX_LENGTH)


@dataclass(frozen=True, slots=True)
class SecretRef:
    """A SecretId as given: a full ARN, a partial ARN (no suffix), or a name.

    `arn` is set when the id looks like an ARN of the caller's Region; `name` is the name to look
    up when the ARN is not found as is (a partial ARN) or when the id is a plain name.
    """

    arn: str | None
    name: str | None


def parse_secret_id(ctx: RequestContext, secret_id: str) -> SecretRef:
    if not secret_id.startswith("arn:"):
        return SecretRef(arn=None, name=secret_id)
    prefix = arn_prefix(ctx)
    if not secret_id.startswith(prefix):
        # Another Region, account or service: no secret of this Region answers to it.
        return SecretRef(arn=None, name=None)
    return SecretRef(arn=secret_id, name=secret_id[len(prefix) :] or None)
