"""IAM policy documents: parsed and checked once, then evaluated against requests."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from typing import Any

from codeyard.services.iam.conditions import ContextValue, condition_matches, known_operator
from codeyard.services.iam.errors import MalformedPolicyDocument
from codeyard.services.iam.patterns import wildcard_match

VERSIONS = ("2012-10-17", "2008-10-17")
_VARIABLE = re.compile(r"\$\{([^}]+)\}")


class Effect(StrEnum):
    ALLOW = "Allow"
    DENY = "Deny"


class Decision(StrEnum):
    ALLOW = "Allow"
    EXPLICIT_DENY = "ExplicitDeny"
    IMPLICIT_DENY = "ImplicitDeny"


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
    sid: str = ""

    def matches_action(self, action: str) -> bool:
        hit = any(wildcard_match(p, action, ignore_case=True) for p in self.actions)
        return not hit if self.not_actions else hit

    def matches_resource(self, resource: str, context: Mapping[str, ContextValue]) -> bool:
        hit = any(wildcard_match(_substitute(p, context), resource) for p in self.resources)
        return not hit if self.not_resources else hit

    def matches_conditions(self, context: Mapping[str, ContextValue]) -> bool:
        return all(condition_matches(c.operator, c.key, c.values, context) for c in self.conditions)

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


def _substitute(pattern: str, context: Mapping[str, ContextValue]) -> str:
    if "${" not in pattern:
        return pattern

    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        if name in ("*", "?", "$"):
            return name
        key, _, default = name.partition(", ")
        value = context.get(key.strip().lower())
        if isinstance(value, str):
            return value
        return default.strip("'") if default else match.group(0)

    return _VARIABLE.sub(replace, pattern)


def _strings(value: Any, where: str) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
        return tuple(value)
    raise MalformedPolicyDocument(f"{where} must be a string or a non-empty list of strings")


def _condition_values(value: Any, where: str) -> tuple[str, ...]:
    items = value if isinstance(value, list) else [value]
    out = []
    for item in items:
        if isinstance(item, bool):
            out.append("true" if item else "false")
        elif isinstance(item, str | int | float):
            out.append(str(item))
        else:
            raise MalformedPolicyDocument(f"{where}: condition values must be strings")
    return tuple(out)


def _conditions(block: Any) -> tuple[Condition, ...]:
    if block is None:
        return ()
    if not isinstance(block, dict):
        raise MalformedPolicyDocument("Syntax errors in policy: Condition must be an object")
    out = []
    for operator, keys in block.items():
        if not known_operator(operator):
            raise MalformedPolicyDocument(f"Invalid Condition type : {operator}")
        if not isinstance(keys, dict):
            raise MalformedPolicyDocument(f"Condition {operator} must map keys to values")
        for key, values in keys.items():
            out.append(Condition(operator, key, _condition_values(values, f"Condition {operator} {key}")))
    return tuple(out)


def _principals(statement: dict[str, Any]) -> Mapping[str, tuple[str, ...]] | None:
    principal = statement.get("Principal")
    if principal is None:
        return None
    if principal == "*":
        return {"AWS": ("*",)}
    if not isinstance(principal, dict):
        raise MalformedPolicyDocument('Principal must be "*" or an object')
    return {kind: _strings(value, f"Principal {kind}") for kind, value in principal.items()}


def _statement(raw: Any, *, resource_policy: bool) -> Statement:
    if not isinstance(raw, dict):
        raise MalformedPolicyDocument("Syntax errors in policy: each Statement must be an object")
    known = {
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
    unknown = set(raw) - known
    if unknown:
        raise MalformedPolicyDocument(f"Syntax errors in policy: unknown field {sorted(unknown)[0]}")
    effect = raw.get("Effect")
    if effect not in ("Allow", "Deny"):
        raise MalformedPolicyDocument("Effect must be Allow or Deny")
    if ("Action" in raw) == ("NotAction" in raw):
        raise MalformedPolicyDocument("Policy statement must contain actions.")
    actions_key = "Action" if "Action" in raw else "NotAction"
    actions = _strings(raw[actions_key], actions_key)
    for action in actions:
        if action != "*" and ":" not in action:
            raise MalformedPolicyDocument(
                "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc."
            )
    has_resource = "Resource" in raw or "NotResource" in raw
    if "Resource" in raw and "NotResource" in raw:
        raise MalformedPolicyDocument("Statement cannot have both Resource and NotResource")
    if not has_resource and not resource_policy:
        raise MalformedPolicyDocument("Policy statement must contain resources.")
    resource_key = "NotResource" if "NotResource" in raw else "Resource"
    resources = _strings(raw[resource_key], resource_key) if has_resource else ("*",)
    principals = _principals(raw)
    if principals is not None and not resource_policy:
        raise MalformedPolicyDocument("Policy document should not specify a principal.")
    return Statement(
        effect=Effect(effect),
        actions=actions,
        not_actions=actions_key == "NotAction",
        resources=resources,
        not_resources=resource_key == "NotResource",
        conditions=_conditions(raw.get("Condition")),
        principals=principals,
        sid=str(raw.get("Sid", "")),
    )


@lru_cache(maxsize=2048)
def parse_policy(document: str, *, resource_policy: bool = False) -> Policy:
    """Parse and check a policy document; raises MalformedPolicyDocument with the reason."""
    try:
        raw = json.loads(document)
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise MalformedPolicyDocument("Syntax errors in policy.") from None
    if not isinstance(raw, dict):
        raise MalformedPolicyDocument("Syntax errors in policy.")
    unknown = set(raw) - {"Version", "Id", "Statement"}
    if unknown:
        raise MalformedPolicyDocument(f"Syntax errors in policy: unknown field {sorted(unknown)[0]}")
    version = raw.get("Version", "2008-10-17")
    if version not in VERSIONS:
        raise MalformedPolicyDocument("The policy must contain a valid version string")
    statements = raw.get("Statement")
    if statements is None:
        raise MalformedPolicyDocument("Syntax errors in policy: missing Statement")
    items = statements if isinstance(statements, list) else [statements]
    if not items:
        raise MalformedPolicyDocument("Syntax errors in policy: empty Statement")
    return Policy(tuple(_statement(s, resource_policy=resource_policy) for s in items), version)


def evaluate(
    policies: Iterable[Policy],
    action: str,
    resources: Sequence[str],
    context: Mapping[str, ContextValue],
) -> Decision:
    """Identity-policy evaluation: an explicit Deny wins, then any Allow, else an implicit deny.

    Every resource must be allowed for the request to be allowed.
    """
    statements = [s for p in policies for s in p.statements if s.matches_action(action)]
    targets = resources or ("*",)
    for statement in statements:
        if statement.effect is Effect.DENY and any(statement.applies(action, r, context) for r in targets):
            return Decision.EXPLICIT_DENY
    allows = [s for s in statements if s.effect is Effect.ALLOW]
    for resource in targets:
        if not any(s.applies(action, resource, context) for s in allows):
            return Decision.IMPLICIT_DENY
    return Decision.ALLOW
