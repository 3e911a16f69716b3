"""Parameter policies: the JSON array PutParameter accepts, checked and kept as AWS lists them."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from codeyard.errors import ValidationException
from codeyard.services.ssm.errors import (
    IncompatiblePolicy,
    InvalidPolicyAttribute,
    InvalidPolicyType,
    PoliciesLimitExceeded,
)

MAX_POLICIES = 10
TYPES = ("Expiration", "ExpirationNotification", "NoChangeNotification")
UNITS = ("Days", "Hours")

# Policies are stored and listed; Codeyard does not act on them (no expiry, no notification), so
# they stay in AWS's "Pending" status.
PENDING = "Pending"


def _attributes_valid(kind: str, attributes: dict[str, Any]) -> bool:
    if kind == "Expiration":
        stamp = attributes.get("Timestamp")
        if not isinstance(stamp, str):
            return False
        try:
            datetime.fromisoformat(stamp.replace("Z", "+00:00"))
        except ValueError:
            return False
        return True
    amount = attributes.get("Before" if kind == "ExpirationNotification" else "After")
    return str(amount).isdigit() and attributes.get("Unit") in UNITS


def parse(text: str) -> list[dict[str, str]]:
    """The policies as ParameterInlinePolicy entries (PolicyText, PolicyType, PolicyStatus)."""
    try:
        items = json.loads(text)
    except ValueError:
        raise ValidationException("Invalid policies input: the policies must be a JSON array.") from None
    if not isinstance(items, list):
        raise ValidationException("Invalid policies input: the policies must be a JSON array.")
    if len(items) > MAX_POLICIES:
        raise PoliciesLimitExceeded(
            "You specified more than the maximum number of allowed policies for the parameter. "
            f"The maximum is {MAX_POLICIES}."
        )
    seen: set[str] = set()
    parsed: list[dict[str, str]] = []
    for item in items:
        kind = item.get("Type") if isinstance(item, dict) else None
        if kind not in TYPES:
            raise InvalidPolicyType(
                "The policy type is not supported. Parameter Store supports the following policy types: "
                "Expiration, ExpirationNotification, and NoChangeNotification."
            )
        attributes = item.get("Attributes")
        if not isinstance(attributes, dict) or not _attributes_valid(kind, attributes):
            raise InvalidPolicyAttribute("A policy attribute or its value is invalid.")
        if kind in seen:
            raise IncompatiblePolicy(
                "There is a conflict in the policies specified for this parameter. You can't, for "
                f"example, specify two {kind} policies for a parameter. Review your policies, and try again."
            )
        seen.add(kind)
        text_of_policy = json.dumps(item, separators=(",", ":"))
        parsed.append({"PolicyText": text_of_policy, "PolicyType": kind, "PolicyStatus": PENDING})
    return parsed
