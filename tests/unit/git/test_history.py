"""File history simplification: which commits are versions of a file, and their children."""

from __future__ import annotations

from codeyard.git.history import file_versions


def test_linear_history_skips_commits_that_leave_the_file_alone() -> None:
    order = ["c4", "c3", "c2", "c1"]
    parents = {"c4": ["c3"], "c3": ["c2"], "c2": ["c1"], "c1": []}
    blobs = {"c4": "b3", "c3": "b2", "c2": "b1", "c1": "b1"}
    assert file_versions(order, parents, blobs) == [("c4", ()), ("c3", ("c4",)), ("c1", ("c3",))]


def test_a_merge_that_keeps_one_side_is_not_a_version() -> None:
    # base -> left (changes) and right (changes); merge keeps left's blob.
    order = ["merge", "right", "left", "base"]
    parents = {"merge": ["left", "right"], "left": ["base"], "right": ["base"], "base": []}
    blobs = {"merge": "L", "left": "L", "right": "R", "base": "B"}
    assert file_versions(order, parents, blobs) == [
        ("right", ()),
        ("left", ()),
        ("base", ("right", "left")),
    ]


def test_a_merge_that_resolves_both_sides_has_both_as_parents() -> None:
    order = ["merge", "right", "left", "base"]
    parents = {"merge": ["left", "right"], "left": ["base"], "right": ["base"], "base": []}
    blobs = {"merge": "M", "left": "L", "right": "R", "base": "B"}
    versions = dict(file_versions(order, parents, blobs))
    assert versions == {"merge": (), "right": ("merge",), "left": ("merge",), "base": ("right", "left")}


def test_deleted_and_restored_file_links_across_the_gap() -> None:
    order = ["back", "gone", "first"]
    parents = {"back": ["gone"], "gone": ["first"], "first": []}
    blobs: dict[str, str | None] = {"back": "B", "gone": None, "first": "A"}
    assert file_versions(order, parents, blobs) == [("back", ()), ("first", ("back",))]


def test_a_mode_change_is_a_version_when_states_include_the_mode() -> None:
    order = ["two", "one"]
    parents = {"two": ["one"], "one": []}
    blobs = {"two": "abc 100755", "one": "abc 100644"}
    assert [c for c, _ in file_versions(order, parents, blobs)] == ["two", "one"]


def test_no_file_no_versions() -> None:
    assert file_versions(["a"], {"a": []}, {"a": None}) == []
