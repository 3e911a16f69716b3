"""Line differences between two blobs, as `git diff` shows them (libgit2's xdiff, in-process)."""

from __future__ import annotations

import pygit2

from codeyard.store.ports.git_objects import LINE_ADD, LINE_CONTEXT, LINE_DELETE, BlobDiff, DiffHunk, DiffLine

_KINDS = frozenset((LINE_CONTEXT, LINE_ADD, LINE_DELETE))


def blob_diff(before: bytes | None, after: bytes, context_lines: int, ignore_whitespace: bool) -> BlobDiff:
    """The hunks from `before` (None: nothing, an added file) to `after`. Both are plain bytes the
    caller holds for as long as the patch lives (a patch made from a Blob reads its buffer later)."""
    flags = pygit2.enums.DiffOption.NORMAL
    if ignore_whitespace:
        flags |= pygit2.enums.DiffOption.IGNORE_WHITESPACE
    patch = pygit2.Patch.create_from(
        before, after, flag=flags, context_lines=context_lines, interhunk_lines=0
    )
    if patch.delta.is_binary:
        return BlobDiff(binary=True, hunks=())
    hunks = tuple(
        DiffHunk(
            hunk.old_start,
            hunk.old_lines,
            hunk.new_start,
            hunk.new_lines,
            tuple(_line(line) for line in hunk.lines if line.origin in _KINDS),
        )
        for hunk in patch.hunks
    )
    return BlobDiff(binary=False, hunks=hunks)


def _line(line: pygit2.DiffLine) -> DiffLine:
    content = line.raw_content
    if content.endswith(b"\n"):
        content = content[:-1]
    return DiffLine(
        line.origin,
        line.old_lineno if line.old_lineno > 0 else None,
        line.new_lineno if line.new_lineno > 0 else None,
        bytes(content),
    )
