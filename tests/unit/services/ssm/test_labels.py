"""Parameter labels: the rules of a label, attaching, moving and detaching."""

from __future__ import annotations

import pytest

from codeyard.services.ssm import labels
from codeyard.services.ssm.errors import ParameterVersionLabelLimitExceeded


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
    before = {"prod": 1, "old": 1, "beta": 2}
    outcome = labels.attach(before, 2, ["prod", "1bad", "prod", "new"])
    assert outcome.invalid == ["1bad"]
    assert outcome.changed(before)
    assert labels.of_version(outcome.labels, 1) == ["old"]
    assert labels.of_version(outcome.labels, 2) == ["beta", "prod", "new"]
    assert before == {"prod": 1, "old": 1, "beta": 2}


def test_attach_nothing_new_changes_nothing() -> None:
    before = {"prod": 1}
    outcome = labels.attach(before, 1, ["prod", "9invalid"])
    assert not outcome.changed(before)
    assert outcome.invalid == ["9invalid"]


def test_attach_limit_counts_labels_already_there() -> None:
    full = {f"l{n}": 1 for n in range(9)} | {"elsewhere": 2}
    assert len(labels.of_version(labels.attach(full, 1, ["tenth"]).labels, 1)) == 10
    with pytest.raises(ParameterVersionLabelLimitExceeded):
        labels.attach(full, 1, ["tenth", "eleventh"])
    with pytest.raises(ParameterVersionLabelLimitExceeded):
        labels.attach(full, 1, ["tenth", "elsewhere"])


def test_detach() -> None:
    kept, removed, invalid = labels.detach({"a": 1, "b": 1, "c": 2}, 1, ["a", "c", "a", "zz"])
    assert (kept, removed, invalid) == ({"b": 1, "c": 2}, ["a"], ["c", "zz"])
