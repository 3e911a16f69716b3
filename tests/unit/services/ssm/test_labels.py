"""Parameter labels: the rules of a label, attaching, moving and detaching."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from codeyard.services.ssm import labels
from codeyard.services.ssm.errors import ParameterVersionLabelLimitExceeded
from codeyard.store.ports.ssm import ParameterVersionRecord


def version(number: int, *attached: str) -> ParameterVersionRecord:
    return ParameterVersionRecord(
        region="us-east-1",
        name="/p",
        version=number,
        type="String",
        value="v",
        sealed_value=None,
        last_modified_at=datetime(2026, 1, 1, tzinfo=UTC),
        last_modified_user="u",
        labels=list(attached),
    )


@pytest.mark.parametrize(
    ("label", "valid"),
    [
        ("prod", True),
        ("Prod.v1-final_2", True),
        ("x" * 100, True),
        ("x" * 101, False),
        ("1st", False),
        ("aws", False),
        ("AWSome", False),
        ("ssm-x", False),
        ("Ssm", False),
        ("has space", False),
        ("slash/label", False),
        ("", False),
    ],
)
def test_is_valid(label: str, valid: bool) -> None:
    assert labels.is_valid(label) is valid


def test_attach_moves_labels_and_reports_invalid_ones() -> None:
    versions = [version(1, "prod", "old"), version(2, "beta")]
    outcome = labels.attach(versions, 2, ["prod", "1bad", "prod", "new"])
    assert outcome.invalid == ["1bad"]
    changed = {record.version: record.labels for record in outcome.changed}
    assert changed == {1: ["old"], 2: ["beta", "prod", "new"]}


def test_attach_nothing_new_changes_nothing() -> None:
    outcome = labels.attach([version(1, "prod")], 1, ["prod"])
    assert outcome.changed == []


def test_attach_limit_counts_labels_already_there() -> None:
    full = version(1, *[f"l{n}" for n in range(9)])
    assert len(labels.attach([full], 1, ["tenth"]).changed[0].labels) == 10
    with pytest.raises(ParameterVersionLabelLimitExceeded):
        labels.attach([full], 1, ["tenth", "eleventh"])


def test_detach() -> None:
    assert labels.detach(version(1, "a", "b"), ["a", "c", "a"]) == (["a"], ["c"])
