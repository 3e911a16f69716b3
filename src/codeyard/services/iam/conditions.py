"""IAM policy condition operators: String*, Numeric*, Date*, Bool, IpAddress, Arn*, Null,
with the ForAnyValue:/ForAllValues: set qualifiers and the IfExists suffix."""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime

from codeyard.services.iam.patterns import wildcard_match

ContextValue = str | Sequence[str]
Matcher = Callable[[str, str], bool]


def _number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def _date(text: str) -> datetime | None:
    try:
        return datetime.fromtimestamp(float(text), UTC)
    except (ValueError, OverflowError, OSError):
        pass
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _numeric(compare: Callable[[float, float], bool]) -> Matcher:
    def match(context: str, policy: str) -> bool:
        left, right = _number(context), _number(policy)
        return left is not None and right is not None and compare(left, right)

    return match


def _dated(compare: Callable[[datetime, datetime], bool]) -> Matcher:
    def match(context: str, policy: str) -> bool:
        left, right = _date(context), _date(policy)
        return left is not None and right is not None and compare(left, right)

    return match


def _ip(context: str, policy: str) -> bool:
    try:
        return ipaddress.ip_address(context) in ipaddress.ip_network(policy, strict=False)
    except ValueError:
        return False


def _arn_like(context: str, policy: str) -> bool:
    context_parts, policy_parts = context.split(":", 5), policy.split(":", 5)
    if len(context_parts) != 6 or len(policy_parts) != 6:
        return False
    return all(wildcard_match(p, c) for c, p in zip(context_parts, policy_parts, strict=True))


# operator -> (value matcher, negated)
_OPERATORS: dict[str, tuple[Matcher, bool]] = {
    "stringequals": (lambda c, p: c == p, False),
    "stringnotequals": (lambda c, p: c == p, True),
    "stringequalsignorecase": (lambda c, p: c.lower() == p.lower(), False),
    "stringnotequalsignorecase": (lambda c, p: c.lower() == p.lower(), True),
    "stringlike": (lambda c, p: wildcard_match(p, c), False),
    "stringnotlike": (lambda c, p: wildcard_match(p, c), True),
    "numericequals": (_numeric(lambda a, b: a == b), False),
    "numericnotequals": (_numeric(lambda a, b: a == b), True),
    "numericlessthan": (_numeric(lambda a, b: a < b), False),
    "numericlessthanequals": (_numeric(lambda a, b: a <= b), False),
    "numericgreaterthan": (_numeric(lambda a, b: a > b), False),
    "numericgreaterthanequals": (_numeric(lambda a, b: a >= b), False),
    "dateequals": (_dated(lambda a, b: a == b), False),
    "datenotequals": (_dated(lambda a, b: a == b), True),
    "datelessthan": (_dated(lambda a, b: a < b), False),
    "datelessthanequals": (_dated(lambda a, b: a <= b), False),
    "dategreaterthan": (_dated(lambda a, b: a > b), False),
    "dategreaterthanequals": (_dated(lambda a, b: a >= b), False),
    "bool": (lambda c, p: c.lower() == p.lower(), False),
    "binaryequals": (lambda c, p: c == p, False),
    "ipaddress": (_ip, False),
    "notipaddress": (_ip, True),
    "arnequals": (lambda c, p: c == p, False),
    "arnlike": (_arn_like, False),
    "arnnotequals": (lambda c, p: c == p, True),
    "arnnotlike": (_arn_like, True),
}


def known_operator(name: str) -> bool:
    operator = name.lower()
    for qualifier in ("foranyvalue:", "forallvalues:"):
        if operator.startswith(qualifier):
            operator = operator[len(qualifier) :]
    if operator.endswith("ifexists"):
        operator = operator[: -len("ifexists")]
    return operator == "null" or operator in _OPERATORS


def _context_values(context: Mapping[str, ContextValue], key: str) -> list[str] | None:
    value = context.get(key.lower())
    if value is None:
        return None
    return [value] if isinstance(value, str) else list(value)


def condition_matches(
    operator_name: str, key: str, policy_values: Sequence[str], context: Mapping[str, ContextValue]
) -> bool:
    """One (operator, key, values) triple of a Condition block against the request context.

    `context` keys must be lower-case (condition keys are case-insensitive).
    """
    operator = operator_name.lower()
    qualifier = ""
    for prefix in ("foranyvalue:", "forallvalues:"):
        if operator.startswith(prefix):
            qualifier, operator = prefix[:-1], operator[len(prefix) :]
    if_exists = operator.endswith("ifexists")
    if if_exists:
        operator = operator[: -len("ifexists")]
    values = _context_values(context, key)

    if operator == "null":
        absent = not values
        return any((p.lower() == "true") == absent for p in policy_values)
    matcher, negated = _OPERATORS[operator]

    if values is None:
        if if_exists:
            return True
        if qualifier == "forallvalues":
            return True
        return negated and qualifier != "foranyvalue"

    def one(value: str) -> bool:
        hit = any(matcher(value, p) for p in policy_values)
        return not hit if negated else hit

    if qualifier == "forallvalues":
        return all(one(v) for v in values)
    if qualifier == "foranyvalue":
        return any(one(v) for v in values)
    if negated:
        return all(one(v) for v in values)
    return any(one(v) for v in values)
