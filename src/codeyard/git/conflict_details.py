"""What the API tells about a path of a merge: its ConflictMetadata and merge hunks.

FILE_LEVEL describes a file as one hunk spanning each version; LINE_LEVEL as the line hunks
that each side changed. Binary files have no hunks."""

from __future__ import annotations

import pygit2

from codeyard.git.conflicts import PathState, TreeMerge
from codeyard.git.entries import MODE_NAMES, Entry, blob, operation
from codeyard.git.hunks import count_conflicts, merge_hunks, whole_file_hunk
from codeyard.store.ports.git_merges import FILE_LEVEL, FileDescription, FileVersion, MergeConflict, MergeHunk


def version(repo: pygit2.Repository, entry: Entry | None) -> FileVersion | None:
    if entry is None:
        return None
    if not entry.has_lines:
        return FileVersion(str(entry.oid), entry.kind, None, None, False)
    found = blob(repo, entry.oid)
    return FileVersion(str(entry.oid), entry.kind, MODE_NAMES[entry.filemode], found.size, found.is_binary)


def _text(repo: pygit2.Repository, entry: Entry | None) -> bytes | None:
    return None if entry is None or not entry.has_lines else blob(repo, entry.oid).data


def hunks(merge: TreeMerge, state: PathState) -> tuple[MergeHunk, ...]:
    sides = (state.base, state.source, state.destination)
    if state.source == state.base and state.destination == state.base:
        return ()
    if any(
        entry is not None and entry.has_lines and blob(merge.repo, entry.oid).is_binary for entry in sides
    ):
        return ()
    base, source, destination = (_text(merge.repo, entry) for entry in sides)
    if merge.level == FILE_LEVEL or source is None or destination is None:
        return (whole_file_hunk(base, source, destination, is_conflict=state.content_conflict),)
    found = merge_hunks(base, source, destination)
    if not state.content_conflict:  # git merged the lines: no hunk of this file is a conflict
        found = tuple(
            MergeHunk(False, hunk.base, hunk.source, hunk.destination) if hunk.is_conflict else hunk
            for hunk in found
        )
    return found


def describe(merge: TreeMerge, state: PathState, strategy: str, *, with_hunks: bool) -> FileDescription:
    """The metadata of a path (every flag false when it is not in conflict), and its hunks."""
    found = hunks(merge, state) if with_hunks or (state.is_conflict and merge.level != FILE_LEVEL) else ()
    if not state.is_conflict:
        number = 0
    elif merge.level == FILE_LEVEL:
        number = 1
    else:
        number = max(1, count_conflicts(found))
    conflict = MergeConflict(
        path=state.path,
        base=version(merge.repo, state.base),
        source=version(merge.repo, state.source),
        destination=version(merge.repo, state.destination),
        content_conflict=state.content_conflict,
        file_mode_conflict=state.mode_conflict,
        object_type_conflict=state.type_conflict,
        number_of_conflicts=number,
        resolved=not state.is_conflict or merge.by_strategy(state, strategy) is not None,
        source_operation=operation(state.base, state.source),
        destination_operation=operation(state.base, state.destination),
    )
    return FileDescription(conflict, found if with_hunks else ())
