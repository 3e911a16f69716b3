"""Role trust policies: the checks CreateRole applies, and who may assume a role."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping

from codeyard.accounts import Principal, PrincipalKind
from codeyard.services.iam.conditions import ContextValue
from codeyard.services.iam.errors import MalformedPolicyDocument
from codeyard.services.iam.patterns import wildcard_match
from codeyard.services.iam.policy import Effect, Policy, Statement, parse_policy

TRUST_ACTIONS = (
    "sts:AssumeRole",
    "sts:AssumeRoleWithSAML",
    "sts:AssumeRoleWithWebIdentity",
    "sts:TagSession",
    "sts:SetSourceIdentity",
    "sts:SetContext",
)
_IAM_ARN = re.compile(r"arn:aws:iam::(\d{12}):(root|user/.+|role/.+)")
_SESSION_ARN = re.compile(r"arn:aws:sts::(\d{12}):assumed-role/[^/]+/.+")


def parse_trust_policy(document: str) -> Policy:
    """Parse a trust policy: a resource policy with principals, STS actions and no resources."""
    policy = parse_policy(document, resource_policy=True)
    raw = json.loads(document)["Statement"]
    for item in raw if isinstance(raw, list) else [raw]:
        if "Resource" in item or "NotResource" in item:
            raise MalformedPolicyDocument("Has prohibited field Resource.")
    for statement in policy.statements:
        if statement.principals is None:
            raise MalformedPolicyDocument("Missing required field Principal.")
        for action in statement.actions:
            if not any(wildcard_match(action, known, ignore_case=True) for known in TRUST_ACTIONS):
                raise MalformedPolicyDocument(
                    "Trust Policy statement actions can only be sts:AssumeRole, sts:AssumeRoleWithSAML, "
                    "and sts:AssumeRoleWithWebIdentity"
                )
    return policy


def aws_principals(policy: Policy) -> list[str]:
    """The `AWS` principal values a trust policy names, checked for form."""
    found = []
    for statement in policy.statements:
        for value in (statement.principals or {}).get("AWS", ()):
            if value != "*" and not (
                re.fullmatch(r"\d{12}", value) or _IAM_ARN.fullmatch(value) or _SESSION_ARN.fullmatch(value)
            ):
                raise MalformedPolicyDocument(f'Invalid principal in policy: "AWS":"{value}"')
            found.append(value)
    return found


def _names(principal: Principal, role_arn: str | None, value: str) -> bool:
    """Whether the `AWS` principal `value` of a trust policy names the caller.

    The account (as its id or its root ARN) names every identity of the account, whose own
    policies then decide; a user ARN names that user; a role ARN names its sessions.
    """
    if value == "*":
        return True
    if value in (principal.account_id, f"arn:aws:iam::{principal.account_id}:root"):
        return True
    if value == principal.arn:
        return True
    return principal.kind is PrincipalKind.ASSUMED_ROLE and role_arn is not None and value == role_arn


def _statement_names(statement: Statement, principal: Principal, role_arn: str | None) -> bool:
    values = (statement.principals or {}).get("AWS", ())
    hit = any(_names(principal, role_arn, v) for v in values)
    return not hit if statement.not_principals else hit


def trust_allows(
    policy: Policy,
    principal: Principal,
    action: str,
    context: Mapping[str, ContextValue],
    *,
    caller_role_arn: str | None = None,
) -> bool:
    """True when the trust policy lets `principal` perform `action` (sts:AssumeRole) on the role.

    `caller_role_arn` is the role of an assumed-role caller (role chaining).
    """
    applying = [
        s
        for s in policy.statements
        if s.matches_action(action)
        and _statement_names(s, principal, caller_role_arn)
        and s.matches_conditions(context)
    ]
    if any(s.effect is Effect.DENY for s in applying):
        return False
    return any(s.effect is Effect.ALLOW for s in applying)
