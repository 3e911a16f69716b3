"""The small value syntaxes of a buildspec: on-failure forms, secret references, yes/no booleans."""

from __future__ import annotations

import pytest

from codeyard.runner.buildspec.environment import parse_secret_ref
from codeyard.runner.buildspec.model import FailureAction, OnFailure, SecretRef
from codeyard.runner.buildspec.on_failure import parse_on_failure
from codeyard.runner.buildspec.parser import parse

ON_FAILURE = [
    ("ABORT", OnFailure(FailureAction.ABORT)),
    ("CONTINUE", OnFailure(FailureAction.CONTINUE)),
    ("RETRY", OnFailure(FailureAction.RETRY, 3, ".*")),
    ("RETRY-0", OnFailure(FailureAction.RETRY, 0, ".*")),
    ("RETRY-100", OnFailure(FailureAction.RETRY, 100, ".*")),
    ("RETRY-Connection refused", OnFailure(FailureAction.RETRY, 3, "Connection refused")),
    ("RETRY-5-^npm ERR", OnFailure(FailureAction.RETRY, 5, "^npm ERR")),
    ("RETRY-2-3-4", OnFailure(FailureAction.RETRY, 2, "3-4")),
]


@pytest.mark.parametrize(("value", "expected"), ON_FAILURE)
def test_on_failure_forms(value: str, expected: OnFailure) -> None:
    assert parse_on_failure(value) == expected


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("STOP", "unknown on-failure value"),
        ("RETRY-", "empty regex"),
        ("RETRY-7-", "empty regex"),
        ("RETRY-500", "the most is 100"),
        ("RETRY-(", "does not compile"),
    ],
)
def test_bad_on_failure_values(value: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        parse_on_failure(value)


SECRETS = [
    ("db", SecretRef("db")),
    ("db:password", SecretRef("db", "password")),
    ("db:password:AWSPREVIOUS", SecretRef("db", "password", "AWSPREVIOUS")),
    ("db:::v-1", SecretRef("db", None, None, "v-1")),
    ("db::AWSCURRENT", SecretRef("db", None, "AWSCURRENT")),
    ("db:password::", SecretRef("db", "password")),
    ("team/npm/token:NPM_TOKEN", SecretRef("team/npm/token", "NPM_TOKEN")),
    (
        "arn:aws:secretsmanager:us-east-1:111122223333:secret:db-a1b2c3",
        SecretRef("arn:aws:secretsmanager:us-east-1:111122223333:secret:db-a1b2c3"),
    ),
    (
        "arn:aws:secretsmanager:us-east-1:111122223333:secret:db-a1b2c3:user::v2",
        SecretRef("arn:aws:secretsmanager:us-east-1:111122223333:secret:db-a1b2c3", "user", None, "v2"),
    ),
]


@pytest.mark.parametrize(("value", "expected"), SECRETS)
def test_secret_references(value: str, expected: SecretRef) -> None:
    assert parse_secret_ref(value) == expected


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        (":key", "secret id is missing"),
        ("db:key:AWSCURRENT:v1", "both a version stage and a version id"),
        ("db:a:b:c:d", "more than four"),
        ("arn:aws:secretsmanager:us-east-1", "ARN is incomplete"),
    ],
)
def test_bad_secret_references(value: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        parse_secret_ref(value)


@pytest.mark.parametrize(
    ("written", "value"),
    [
        ("yes", True),
        ("no", False),
        ("true", True),
        ("false", False),
        ("on", True),
        ("off", False),
        ("Yes", True),
        ("TRUE", True),
        ("'yes'", True),
        ('"false"', False),
    ],
)
def test_yaml_1_1_booleans(written: str, value: bool) -> None:
    spec = parse(
        f"version: 0.2\nphases:\n  build:\n    commands: [make]\nartifacts:\n  files: [a]\n  discard-paths: {written}\n"
    )
    assert spec.artifacts is not None
    assert spec.artifacts.discard_paths is value
