"""Merge hunks: the regions of a file that the source or the destination changed from the base,
found with a line diff of each side against the base (difflib), diff3-style.

Changes of the two sides that overlap or touch in the base form one hunk, a conflict when both
sides changed it and not identically (as git, which also refuses adjacent changes). Lines are
counted from zero and each range is half-open: [start_line, end_line)."""

from __future__ import annotations

from dataclasses import dataclass, field
from difflib import SequenceMatcher

from codeyard.store.ports.git_merges import HunkSide, MergeHunk


@dataclass(frozen=True)
class _Change:
    """Base lines [base_start, base_end) became side lines [start, end)."""

    base_start: int
    base_end: int
    start: int
    end: int


@dataclass
class _Group:
    low: int
    high: int
    changes: tuple[list[_Change], list[_Change]] = field(default_factory=lambda: ([], []))


def lines(data: bytes) -> list[bytes]:
    return data.splitlines(keepends=True)


def _changes(base: list[bytes], side: list[bytes]) -> list[_Change]:
    matcher = SequenceMatcher(None, base, side, autojunk=False)
    return [_Change(i1, i2, j1, j2) for tag, i1, i2, j1, j2 in matcher.get_opcodes() if tag != "equal"]


def _groups(source: list[_Change], destination: list[_Change]) -> list[_Group]:
    tagged = sorted(
        [(c, 0) for c in source] + [(c, 1) for c in destination],
        key=lambda item: (item[0].base_start, item[0].base_end, item[1]),
    )
    groups: list[_Group] = []
    for change, side in tagged:
        if groups and change.base_start <= groups[-1].high:
            group = groups[-1]
            group.high = max(group.high, change.base_end)
        else:
            group = _Group(change.base_start, change.base_end)
            groups.append(group)
        group.changes[side].append(change)
    return groups


def _side(text: list[bytes], start: int, end: int) -> HunkSide:
    return HunkSide(start, end, b"".join(text[start:end]))


def merge_hunks(base: bytes | None, source: bytes, destination: bytes) -> tuple[MergeHunk, ...]:
    """The hunks of a text file changed on both sides; `base` None for a file both sides added."""
    old, new = lines(base or b""), (lines(source), lines(destination))
    groups = _groups(_changes(old, new[0]), _changes(old, new[1]))
    shift = [0, 0]  # per side: lines added minus lines removed before the current group
    hunks: list[MergeHunk] = []
    for group in groups:
        ranges: list[tuple[int, int]] = []
        for side in (0, 1):
            changes = group.changes[side]
            if changes:
                start = changes[0].start - (changes[0].base_start - group.low)
                end = changes[-1].end + (group.high - changes[-1].base_end)
            else:
                start = group.low + shift[side]
                end = start + (group.high - group.low)
            shift[side] = end - group.high
            ranges.append((start, end))
        (s0, s1), (d0, d1) = ranges
        both = bool(group.changes[0] and group.changes[1])
        hunks.append(
            MergeHunk(
                is_conflict=both and new[0][s0:s1] != new[1][d0:d1],
                base=_side(old, group.low, group.high) if base is not None else None,
                source=_side(new[0], s0, s1),
                destination=_side(new[1], d0, d1),
            )
        )
    return tuple(hunks)


def whole_file_hunk(
    base: bytes | None, source: bytes | None, destination: bytes | None, *, is_conflict: bool
) -> MergeHunk:
    """One hunk spanning every version of a file (None: the file is not in that version)."""

    def whole(data: bytes | None) -> HunkSide | None:
        return None if data is None else HunkSide(0, len(lines(data)), data)

    return MergeHunk(is_conflict, whole(base), whole(source), whole(destination))


def count_conflicts(hunks: tuple[MergeHunk, ...]) -> int:
    return sum(1 for hunk in hunks if hunk.is_conflict)
