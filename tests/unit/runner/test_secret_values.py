"""Secrets Manager references as the buildspec writes them, split into their parts."""

from __future__ import annotations

import pytest

from codeyard.runner.secret_values import SecretReference

ARN = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:ci/db-AbCdEf"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ci/db", SecretReference("ci/db")),
        ("ci/db:password", SecretReference("ci/db", "password")),
        ("ci/db::AWSPREVIOUS", SecretReference("ci/db", "", "AWSPREVIOUS")),
        ("ci/db:password::0123-id", SecretReference("ci/db", "password", "", "0123-id")),
        (ARN, SecretReference(ARN)),
        (f"{ARN}:password:AWSCURRENT", SecretReference(ARN, "password", "AWSCURRENT")),
    ],
)
def test_parse(text: str, expected: SecretReference) -> None:
    assert SecretReference.parse(text) == expected
