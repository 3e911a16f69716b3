"""Staging label rules as tables: attaching labels to versions and moving them."""

from __future__ import annotations

import pytest

from codeyard.errors import CodeyardError
from codeyard.services.secretsmanager import stages
from codeyard.services.secretsmanager.errors import InvalidParameter, LimitExceeded, ResourceNotFound

C, P, PENDING = stages.AWSCURRENT, stages.AWSPREVIOUS, stages.AWSPENDING


@pytest.mark.parametrize(
    ("before", "version", "wanted", "after"),
    [
        ({}, "v1", [C], {"v1": [C]}),
        ({}, "v1", [PENDING], {"v1": [PENDING, C]}),  # the first version is always current
        ({"v1": [C]}, "v2", [C], {"v1": [P], "v2": [C]}),
        ({"v1": [P], "v2": [C]}, "v3", [C], {"v1": [], "v2": [P], "v3": [C]}),
        ({"v1": [C]}, "v2", [PENDING], {"v1": [C], "v2": [PENDING]}),
        ({"v1": [C], "v2": [PENDING]}, "v3", [PENDING], {"v1": [C], "v2": [], "v3": [PENDING]}),
        ({"v1": [C, "x"]}, "v2", [C, "x"], {"v1": [P], "v2": [C, "x"]}),
        ({"v1": [C]}, "v2", [C, C], {"v1": [P], "v2": [C]}),
    ],
)
def test_attach(
    before: dict[str, list[str]], version: str, wanted: list[str], after: dict[str, list[str]]
) -> None:
    assert stages.attach(before, version, wanted) == after


def test_attach_refuses_more_than_twenty_labels_on_a_version() -> None:
    with pytest.raises(LimitExceeded):
        stages.attach({}, "v1", [f"label{i}" for i in range(20)])


@pytest.mark.parametrize(
    ("before", "label", "remove_from", "move_to", "after"),
    [
        ({"v1": [C], "v2": [PENDING]}, C, "v1", "v2", {"v1": [P], "v2": [PENDING, C]}),
        ({"v1": [C], "v2": [P]}, C, "v1", "v2", {"v1": [P], "v2": [C]}),
        ({"v1": [P], "v2": [C], "v3": []}, C, "v2", "v3", {"v1": [], "v2": [P], "v3": [C]}),
        ({"v1": [C], "v2": []}, "x", None, "v2", {"v1": [C], "v2": ["x"]}),
        ({"v1": [C], "v2": ["x"]}, "x", "v2", None, {"v1": [C], "v2": []}),
        ({"v1": [C], "v2": ["x"]}, "x", "v2", "v1", {"v1": [C, "x"], "v2": []}),
        ({"v1": [C]}, C, "v1", "v1", {"v1": [C]}),
        ({"v1": [C, "x"]}, "x", None, "v1", {"v1": [C, "x"]}),
    ],
)
def test_move(
    before: dict[str, list[str]],
    label: str,
    remove_from: str | None,
    move_to: str | None,
    after: dict[str, list[str]],
) -> None:
    assert stages.move(before, label, remove_from, move_to) == after


@pytest.mark.parametrize(
    ("before", "label", "remove_from", "move_to", "error"),
    [
        ({"v1": [C]}, "x", None, None, InvalidParameter),
        ({"v1": [C]}, C, None, "v2", ResourceNotFound),
        ({"v1": [C], "v2": []}, C, None, "v2", InvalidParameter),  # must name where AWSCURRENT is
        ({"v1": [C], "v2": []}, C, "v2", "v1", InvalidParameter),  # not attached there
        ({"v1": [C]}, C, "v1", None, InvalidParameter),  # AWSCURRENT can only move
        ({"v1": [C]}, "x", "v9", None, InvalidParameter),
        ({"v1": [f"l{i}" for i in range(20)] + [C], "v2": ["x"]}, "x", "v2", "v1", LimitExceeded),
    ],
)
def test_move_refuses(
    before: dict[str, list[str]],
    label: str,
    remove_from: str | None,
    move_to: str | None,
    error: type[CodeyardError],
) -> None:
    with pytest.raises(error):
        stages.move(before, label, remove_from, move_to)


def test_changed_lists_only_versions_whose_labels_differ() -> None:
    before = {"v1": [C], "v2": [P], "v3": []}
    after = {"v1": [P], "v2": [], "v3": [], "v4": [C]}
    assert stages.changed(before, after) == {"v1": [P], "v2": [], "v4": [C]}
