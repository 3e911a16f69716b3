"""Parameter policies: parsing and AWS's refusals."""

from __future__ import annotations

import json

import pytest

from codeyard.errors import CodeyardError, ValidationException
from codeyard.services.ssm import policies
from codeyard.services.ssm.errors import (
    IncompatiblePolicy,
    InvalidPolicyAttribute,
    InvalidPolicyType,
    PoliciesLimitExceeded,
)

EXPIRATION = {"Type": "Expiration", "Version": "1.0", "Attributes": {"Timestamp": "2030-01-01T00:00:00.000Z"}}
NOTIFY = {"Type": "ExpirationNotification", "Version": "1.0", "Attributes": {"Before": "15", "Unit": "Days"}}
NO_CHANGE = {"Type": "NoChangeNotification", "Version": "1.0", "Attributes": {"After": "20", "Unit": "Hours"}}


def test_parse_keeps_each_policy_pending() -> None:
    parsed = policies.parse(json.dumps([EXPIRATION, NOTIFY, NO_CHANGE]))
    assert [p["PolicyType"] for p in parsed] == [
        "Expiration",
        "ExpirationNotification",
        "NoChangeNotification",
    ]
    assert {p["PolicyStatus"] for p in parsed} == {"Pending"}
    assert json.loads(parsed[0]["PolicyText"]) == EXPIRATION
    assert policies.parse("[]") == []


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("not json", ValidationException),
        ('{"Type": "Expiration"}', ValidationException),
        (json.dumps([{"Type": "Nope", "Attributes": {}}]), InvalidPolicyType),
        (json.dumps(["Expiration"]), InvalidPolicyType),
        (json.dumps([{"Type": "Expiration"}]), InvalidPolicyAttribute),
        (
            json.dumps([{"Type": "Expiration", "Attributes": {"Timestamp": "tomorrow"}}]),
            InvalidPolicyAttribute,
        ),
        (
            json.dumps([{"Type": "ExpirationNotification", "Attributes": {"Before": "x", "Unit": "Days"}}]),
            InvalidPolicyAttribute,
        ),
        (
            json.dumps([{"Type": "NoChangeNotification", "Attributes": {"After": "1", "Unit": "Weeks"}}]),
            InvalidPolicyAttribute,
        ),
        (json.dumps([EXPIRATION, EXPIRATION]), IncompatiblePolicy),
        (json.dumps([NOTIFY] * 11), PoliciesLimitExceeded),
    ],
)
def test_parse_refusals(text: str, error: type[CodeyardError]) -> None:
    with pytest.raises(error):
        policies.parse(text)
