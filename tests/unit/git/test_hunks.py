"""Merge hunks of a file changed on both sides: ranges, contents, conflicts."""

from __future__ import annotations

from codeyard.git.hunks import count_conflicts, merge_hunks, whole_file_hunk
from codeyard.store.ports.git_merges import HunkSide, MergeHunk

BASE = b"a\nb\nc\nd\ne\nf\ng\n"


def _ranges(
    hunks: tuple[MergeHunk, ...],
) -> list[tuple[bool, tuple[int, int] | None, tuple[int, int], tuple[int, int]]]:
    out = []
    for hunk in hunks:
        assert hunk.source is not None
        assert hunk.destination is not None
        base = None if hunk.base is None else (hunk.base.start_line, hunk.base.end_line)
        out.append(
            (
                hunk.is_conflict,
                base,
                (hunk.source.start_line, hunk.source.end_line),
                (hunk.destination.start_line, hunk.destination.end_line),
            )
        )
    return out


def test_separate_changes_are_separate_hunks() -> None:
    hunks = merge_hunks(BASE, b"a\nB\nc\nd\ne\nf\ng\n", b"a\nb\nc\nd\ne\nF\ng\n")
    assert hunks == (
        MergeHunk(False, HunkSide(1, 2, b"b\n"), HunkSide(1, 2, b"B\n"), HunkSide(1, 2, b"b\n")),
        MergeHunk(False, HunkSide(5, 6, b"f\n"), HunkSide(5, 6, b"f\n"), HunkSide(5, 6, b"F\n")),
    )
    assert count_conflicts(hunks) == 0


def test_overlapping_changes_conflict() -> None:
    hunks = merge_hunks(BASE, b"a\nS\nS\nc\nd\ne\nf\ng\n", b"a\nb\nD\nd\ne\nf\ng\n")
    # source replaced b (1 line) with two lines; destination replaced c: they touch, one conflict.
    assert _ranges(hunks) == [(True, (1, 3), (1, 4), (1, 3))]
    assert hunks[0].source == HunkSide(1, 4, b"S\nS\nc\n")
    assert hunks[0].destination == HunkSide(1, 3, b"b\nD\n")
    assert count_conflicts(hunks) == 1


def test_line_numbers_follow_earlier_insertions() -> None:
    source = b"new 1\nnew 2\na\nb\nc\nd\ne\nf\nG\n"  # two lines added on top, g changed
    destination = b"a\nb\nc\nd\nE\nf\ng\n"
    assert _ranges(merge_hunks(BASE, source, destination)) == [
        (False, (0, 0), (0, 2), (0, 0)),
        (False, (4, 5), (6, 7), (4, 5)),
        (False, (6, 7), (8, 9), (6, 7)),
    ]


def test_identical_changes_are_no_conflict() -> None:
    same = b"a\nX\nc\nd\ne\nf\ng\n"
    assert _ranges(merge_hunks(BASE, same, same)) == [(False, (1, 2), (1, 2), (1, 2))]


def test_added_on_both_sides() -> None:
    hunks = merge_hunks(None, b"one\n", b"two\n")
    assert hunks == (MergeHunk(True, None, HunkSide(0, 1, b"one\n"), HunkSide(0, 1, b"two\n")),)


def test_deletions_and_a_missing_last_newline() -> None:
    hunks = merge_hunks(b"a\nb\nc\nd", b"a\nc\nd", b"a\nb\nc\nd\ne")
    assert _ranges(hunks) == [(False, (1, 2), (1, 1), (1, 2)), (False, (3, 4), (2, 3), (3, 5))]
    assert hunks[1].destination == HunkSide(3, 5, b"d\ne")
    # Changes to adjacent lines conflict, as in git.
    touching = merge_hunks(b"a\nb\nc", b"a\nc", b"a\nb\nC")
    assert _ranges(touching) == [(True, (1, 3), (1, 2), (1, 3))]


def test_whole_file_hunk() -> None:
    hunk = whole_file_hunk(b"a\nb\n", None, b"a\n", is_conflict=True)
    assert hunk == MergeHunk(True, HunkSide(0, 2, b"a\nb\n"), None, HunkSide(0, 1, b"a\n"))
