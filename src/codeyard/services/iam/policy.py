"""IAM policy documents: parsed and checked once, then evaluated against requests."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from typing import Any

from codeyard.accounts import Decision
from codeyard.services.iam.conditions import ContextValue, condition_matches, known_operator
from codeyard.services.iam.errors import MalformedPolicyDocument
from codeyard.services.iam.patterns import LITERAL_QUESTION, LITERAL_STAR, wildcard_match

VERSIONS = ("2012-10-17", "2008-10-17")
_VARIABLE = re.compile(r"\$\{([^}]+)\}")
_VENDOR = re.compile(r"[A-Za-z0-9.\-]+")
_STATEMENT_FIELDS = frozenset(
    {
        "Sid",
        "Effect",
        "Action",
        "NotAction",
        "Resource",
        "NotResource",
        "Condition",
        "Principal",
        "NotPrincipal",
    }
)
# The messages below are AWS's own wording for MalformedPolicyDocument.
SYNTAX = "Syntax errors in policy."


class Effect(StrEnum):
    ALLOW = "Allow"
    DENY = "Deny"


@dataclass(frozen=True, slots=True)
class Condition:
    operator: str
    key: str
    values: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Statement:
    effect: Effect
    actions: tuple[str, ...]
    not_actions: bool
    resources: tuple[str, ...]
    not_resources: bool
    conditions: tuple[Condition, ...]
    principals: Mapping[str, tuple[str, ...]] | None = None
    not_principals: bool = False
    sid: str = ""

    def matches_action(self, action: str) -> bool:
        hit = any(wildcard_match(p, action, ignore_case=True) for p in self.actions)
        return not hit if self.not_actions else hit

    def matches_resource(self, resource: str, context: Mapping[str, ContextValue]) -> bool:
        hit = any(wildcard_match(substitute(p, context, pattern=True), resource) for p in self.resources)
        return not hit if self.not_resources else hit

    def matches_conditions(self, context: Mapping[str, ContextValue]) -> bool:
        for condition in self.conditions:
            pattern = "like" in condition.operator.lower()
            values = tuple(substitute(v, context, pattern=pattern) for v in condition.values)
            if not condition_matches(condition.operator, condition.key, values, context):
                return False
        return True

    def applies(self, action: str, resource: str, context: Mapping[str, ContextValue]) -> bool:
        return (
            self.matches_action(action)
            and self.matches_resource(resource, context)
            and self.matches_conditions(context)
        )


@dataclass(frozen=True, slots=True)
class Policy:
    statements: tuple[Statement, ...]
    version: str = "2012-10-17"


def substitute(text: str, context: Mapping[str, ContextValue], *, pattern: bool = False) -> str:
    """Replace policy variables (`${aws:username}`, `${key, 'default'}`, `${*}`) from the context.

    A variable without a value and without a default stays as written, so it matches nothing
    but itself, as in AWS. In a wildcard `pattern`, `${*}` and `${?}` stand for the characters
    themselves, not for wildcards.
    """
    if "${" not in text:
        return text

    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        if name == "$":
            return name
        if name in ("*", "?"):
            if not pattern:
                return name
            return LITERAL_STAR if name == "*" else LITERAL_QUESTION
        key, _, default = name.partition(",")
        value = context.get(key.strip().lower())
        if isinstance(value, str):
            return value
        default = default.strip()
        return default.strip("'") if default else match.group(0)

    return _VARIABLE.sub(replace, text)


def _strings(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
        return tuple(value)
    raise MalformedPolicyDocument(SYNTAX)


def _condition_values(value: Any) -> tuple[str, ...]:
    items = value if isinstance(value, list) else [value]
    out = []
    for item in items:
        if isinstance(item, bool):
            out.append("true" if item else "false")
        elif isinstance(item, str | int | float):
            out.append(str(item))
        else:
            raise MalformedPolicyDocument(SYNTAX)
    return tuple(out)


def _conditions(block: Any) -> tuple[Condition, ...]:
    if block is None:
        return ()
    if not isinstance(block, dict):
        raise MalformedPolicyDocument(SYNTAX)
    out = []
    for operator, keys in block.items():
        if not known_operator(operator):
            raise MalformedPolicyDocument(f"Invalid Condition type : {operator}")
        if not isinstance(keys, dict):
            raise MalformedPolicyDocument(SYNTAX)
        for key, values in keys.items():
            out.append(Condition(operator, key, _condition_values(values)))
    return tuple(out)


def _principals(value: Any) -> Mapping[str, tuple[str, ...]]:
    if value == "*":
        return {"AWS": ("*",)}
    if not isinstance(value, dict) or not value:
        raise MalformedPolicyDocument(SYNTAX)
    return {kind: _strings(items) for kind, items in value.items()}


def _check_action(action: str) -> None:
    if action == "*":
        return
    parts = action.split(":")
    if len(parts) == 1:
        raise MalformedPolicyDocument(
            "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc."
        )
    if len(parts) > 2:
        raise MalformedPolicyDocument("Actions/Condition can contain only one colon.")
    if parts[0] != "*" and not _VENDOR.fullmatch(parts[0]):
        raise MalformedPolicyDocument(f"Vendor {parts[0]} is not valid")


def _check_resource(resource: str) -> None:
    if resource != "*" and not resource.startswith("arn:"):
        raise MalformedPolicyDocument(f'Resource {resource} must be in ARN format or "*".')


def _statement(raw: Any, *, resource_policy: bool) -> Statement:
    if not isinstance(raw, dict) or set(raw) - _STATEMENT_FIELDS:
        raise MalformedPolicyDocument(SYNTAX)
    effect = raw.get("Effect")
    if effect not in ("Allow", "Deny"):
        raise MalformedPolicyDocument(SYNTAX)
    if "Action" in raw and "NotAction" in raw:
        raise MalformedPolicyDocument(SYNTAX)
    if "Action" not in raw and "NotAction" not in raw:
        raise MalformedPolicyDocument("Policy statement must contain actions.")
    actions_key = "Action" if "Action" in raw else "NotAction"
    actions = _strings(raw[actions_key])
    for action in actions:
        _check_action(action)
    if "Resource" in raw and "NotResource" in raw:
        raise MalformedPolicyDocument(SYNTAX)
    has_resource = "Resource" in raw or "NotResource" in raw
    if not has_resource and not resource_policy:
        raise MalformedPolicyDocument("Policy statement must contain resources.")
    resource_key = "NotResource" if "NotResource" in raw else "Resource"
    resources = _strings(raw[resource_key]) if has_resource else ("*",)
    for resource in resources:
        _check_resource(resource)
    if "Principal" in raw and "NotPrincipal" in raw:
        raise MalformedPolicyDocument(SYNTAX)
    principal_key = "NotPrincipal" if "NotPrincipal" in raw else "Principal"
    principals = _principals(raw[principal_key]) if principal_key in raw else None
    if principals is not None and not resource_policy:
        raise MalformedPolicyDocument("Policy document should not specify a principal.")
    sid = raw.get("Sid", "")
    if not isinstance(sid, str):
        raise MalformedPolicyDocument(SYNTAX)
    return Statement(
        effect=Effect(effect),
        actions=actions,
        not_actions=actions_key == "NotAction",
        resources=resources,
        not_resources=resource_key == "NotResource",
        conditions=_conditions(raw.get("Condition")),
        principals=principals,
        not_principals=principal_key == "NotPrincipal",
        sid=sid,
    )


@lru_cache(maxsize=2048)
def parse_policy(document: str, *, resource_policy: bool = False) -> Policy:
    """Parse and check a policy document; raises MalformedPolicyDocument with AWS's reason.

    Parsed policies are immutable and cached by their text, so a document is parsed once.
    """
    try:
        raw = json.loads(document)
    except (json.JSONDecodeError, UnicodeDecodeError, RecursionError):
        raise MalformedPolicyDocument(SYNTAX) from None
    if not isinstance(raw, dict) or set(raw) - {"Version", "Id", "Statement"}:
        raise MalformedPolicyDocument(SYNTAX)
    version = raw.get("Version", "2008-10-17")
    if version not in VERSIONS:
        raise MalformedPolicyDocument("The policy failed legacy parsing")
    statements = raw.get("Statement")
    items = statements if isinstance(statements, list) else [statements]
    if statements is None or not items:
        raise MalformedPolicyDocument(SYNTAX)
    parsed = tuple(_statement(s, resource_policy=resource_policy) for s in items)
    sids = [s.sid for s in parsed if s.sid]
    if len(sids) != len(set(sids)):
        raise MalformedPolicyDocument("Statement IDs (SID) in a single policy must be unique.")
    return Policy(parsed, version)


def evaluate(
    policies: Iterable[Policy],
    action: str,
    resources: Sequence[str],
    context: Mapping[str, ContextValue],
) -> Decision:
    """Identity-policy evaluation: an explicit Deny wins, then any Allow, else an implicit deny.

    Every resource must be allowed for the request to be allowed. Context keys are lower-case.
    """
    statements = [s for p in policies for s in p.statements if s.matches_action(action)]
    if not statements:
        return Decision.IMPLICIT_DENY
    targets = resources or ("*",)
    for statement in statements:
        if (
            statement.effect is Effect.DENY
            and any(statement.matches_resource(r, context) for r in targets)
            and statement.matches_conditions(context)
        ):
            return Decision.EXPLICIT_DENY
    allows = [s for s in statements if s.effect is Effect.ALLOW]
    for resource in targets:
        if not any(s.matches_resource(resource, context) and s.matches_conditions(context) for s in allows):
            return Decision.IMPLICIT_DENY
    return Decision.ALLOW
