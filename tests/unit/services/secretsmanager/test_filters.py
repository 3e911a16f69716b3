"""ListSecrets filters as a table over one secret."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from codeyard.services.secretsmanager.errors import InvalidParameter
from codeyard.services.secretsmanager.filters import check_filters, matches, words
from codeyard.store.ports.secrets import SecretRecord

NOW = datetime(2026, 1, 1, tzinfo=UTC)
SECRET = SecretRecord(
    arn="arn:aws:secretsmanager:us-east-1:000000000000:secret:prod/PaymentsDb-abcdef",
    region="us-east-1",
    name="prod/PaymentsDb",
    created_at=NOW,
    last_changed_at=NOW,
    description="Primary Postgres credentials",
    tags=[
        {"Key": "Team", "Value": "billing-core"},
        {"Key": "aws:secretsmanager:owningService", "Value": "rds"},
    ],
)


def test_words_split_at_punctuation_and_case_changes() -> None:
    assert words("prod/PaymentsDb") == ["prod", "paymentsdb", "payments", "db"]
    assert words("billing-core") == ["billing", "core"]


@pytest.mark.parametrize(
    ("key", "values", "expected"),
    [
        ("name", ["prod/"], True),
        ("name", ["Prod/"], False),  # case-sensitive
        ("name", ["Payments"], False),  # a prefix of the whole name only
        ("name", ["dev/", "prod/Pay"], True),  # any value
        ("name", ["!dev"], True),
        ("name", ["!prod"], False),
        ("description", ["primary post"], True),  # prefix, not case-sensitive
        ("description", ["postgres"], False),
        ("tag-key", ["Te"], True),
        ("tag-key", ["te"], False),
        ("tag-value", ["billing"], True),
        ("tag-value", ["!billing"], False),
        ("owning-service", ["rds"], True),
        ("primary-region", ["us-east"], True),
        ("primary-region", ["eu-"], False),
        ("all", ["payments"], True),  # a word inside the name
        ("all", ["DB"], True),
        ("all", ["postgres CRED"], True),  # every word must match somewhere
        ("all", ["postgres mysql"], False),
        ("all", ["core"], True),
        ("all", ["!mysql"], True),
        ("all", ["!billing"], False),
    ],
)
def test_filter(key: str, values: list[str], expected: bool) -> None:
    assert matches(SECRET, [{"Key": key, "Values": values}]) is expected


def test_every_filter_must_match() -> None:
    both = [{"Key": "name", "Values": ["prod/"]}, {"Key": "tag-key", "Values": ["Team"]}]
    assert matches(SECRET, both)
    assert not matches(SECRET, [*both, {"Key": "description", "Values": ["secondary"]}])
    assert matches(SECRET, [])


@pytest.mark.parametrize("bad", [{"Values": ["x"]}, {"Key": "name"}, {"Key": "name", "Values": []}])
def test_check_filters_refuses_incomplete_filters(bad: dict[str, Any]) -> None:
    with pytest.raises(InvalidParameter):
        check_filters([bad])
