"""Differences between two commits, or two folders or files in them, and between two blobs line by
line, by page."""

from __future__ import annotations

from typing import Any

from codeyard.accounts import RequestContext
from codeyard.services.codecommit import paths
from codeyard.services.codecommit.base import CodeCommitBase
from codeyard.services.codecommit.changes import MAX_FILE_SIZE
from codeyard.services.codecommit.errors import (
    BlobIdDoesNotExistException,
    BlobIdRequiredException,
    FileTooLargeException,
    InvalidBlobIdException,
    InvalidMaxResultsException,
    PathDoesNotExistException,
    ValidationException,
)
from codeyard.services.codecommit.pages import page
from codeyard.services.codecommit.specifiers import check_specifier
from codeyard.services.codecommit.writing import COMMIT_ID
from codeyard.store.ports.git_objects import LINE_ADD, LINE_DELETE, DiffHunk, TreeEntry

DIFFERENCES_PAGE = 100
# GetBlobDifferences: context lines 0-20 (3 by default), 100 hunks a page, and the model's limits
# of 1,000 hunks a page and 25,000 changes a hunk.
DEFAULT_CONTEXT = 3
MAX_CONTEXT = 20
HUNKS_PAGE = 100
MAX_HUNKS_PAGE = 1000
MAX_HUNK_CHANGES = 25000
_CHANGE_TYPES = {LINE_ADD: "ADD", LINE_DELETE: "DELETE"}


def _blob(entry: TreeEntry) -> dict[str, str]:
    """The BlobMetadata shape: the mode as git's octal text (100644, 100755, 120000, 160000)."""
    return {"blobId": entry.object_id, "path": entry.path, "mode": f"{entry.mode:o}"}


def _pieces(hunk: DiffHunk, most: int) -> list[DiffHunk]:
    """`hunk` cut into hunks of at most `most` lines, each numbered as git numbers a hunk."""
    if len(hunk.lines) <= most:
        return [hunk]
    out: list[DiffHunk] = []
    # The next line of each side; a side without lines in the hunk starts after `start`.
    before = hunk.before_start if hunk.before_count else hunk.before_start + 1
    after = hunk.after_start if hunk.after_count else hunk.after_start + 1
    for first in range(0, len(hunk.lines), most):
        lines = hunk.lines[first : first + most]
        befores = sum(1 for line in lines if line.before_line is not None)
        afters = sum(1 for line in lines if line.after_line is not None)
        before_start = before if befores else before - 1
        after_start = after if afters else after - 1
        out.append(DiffHunk(before_start, befores, after_start, afters, lines))
        before, after = before + befores, after + afters
    return out


def _hunk(hunk: DiffHunk) -> dict[str, Any]:
    """The DiffHunk shape; line content as UTF-8 text (undecodable bytes become U+FFFD)."""
    changes: list[dict[str, Any]] = []
    for line in hunk.lines:
        change: dict[str, Any] = {"type": _CHANGE_TYPES.get(line.kind, "CONTEXT")}
        if line.before_line is not None:
            change["beforeLineNumber"] = line.before_line
        if line.after_line is not None:
            change["afterLineNumber"] = line.after_line
        change["content"] = line.content.decode(errors="replace")
        changes.append(change)
    return {
        "beforeStartLine": hunk.before_start,
        "beforeLineCount": hunk.before_count,
        "afterStartLine": hunk.after_start,
        "afterLineCount": hunk.after_count,
        "changes": changes,
    }


def _check_blob_id(blob_id: str | None) -> str:
    if not blob_id:
        raise BlobIdRequiredException("A blob ID is required, but was not specified.")
    if not COMMIT_ID.fullmatch(blob_id):
        raise InvalidBlobIdException(f"The blob ID {blob_id} is not valid.")
    return blob_id


class DifferencesMixin(CodeCommitBase):
    def get_differences(
        self,
        ctx: RequestContext,
        *,
        repository_name: str,
        after_commit_specifier: str,
        before_commit_specifier: str | None = None,
        before_path: str | None = None,
        after_path: str | None = None,
        max_results: int | None = None,
        next_token: str | None = None,
    ) -> dict[str, Any]:
        if max_results is not None and max_results < 1:
            raise InvalidMaxResultsException(f"MaxResults must be at least 1, not {max_results}.")
        after_spec = check_specifier(after_commit_specifier, required=True)
        before_spec = check_specifier(before_commit_specifier)
        # One path alone names the same place on both sides.
        before = paths.normalize(before_path or after_path or "", root_allowed=True)
        after = paths.normalize(after_path or before_path or "", root_allowed=True)
        with self._reading() as uow:
            record = self._repository(uow, ctx, repository_name)
        after_commit = self._resolve(record, after_spec)
        before_commit = self._resolve(record, before_spec) if before_spec else None
        found = self._git.differences(record.repository_id, before_commit, after_commit, before, after)
        if found is None:
            raise PathDoesNotExistException(f"The path {after or before} does not exist in either commit.")
        items, following = page(found, next_token, max_results or DIFFERENCES_PAGE, "differences")
        differences: list[dict[str, Any]] = []
        for difference in items:
            shaped: dict[str, Any] = {"changeType": difference.change}
            if difference.before is not None:
                shaped["beforeBlob"] = _blob(difference.before)
            if difference.after is not None:
                shaped["afterBlob"] = _blob(difference.after)
            differences.append(shaped)
        out: dict[str, Any] = {"differences": differences}
        if following:
            out["NextToken"] = following
        return out

    def get_blob_differences(
        self,
        ctx: RequestContext,
        *,
        repository_name: str,
        after_blob_id: str,
        before_blob_id: str | None = None,
        context_lines: int | None = None,
        ignore_whitespace: bool | None = None,
        max_results: int | None = None,
        next_token: str | None = None,
    ) -> dict[str, Any]:
        after_id = _check_blob_id(after_blob_id)
        # No before blob (an empty one too): the after blob is a file that was added.
        before_id = _check_blob_id(before_blob_id) if before_blob_id else None
        context = DEFAULT_CONTEXT if context_lines is None else context_lines
        if not 0 <= context <= MAX_CONTEXT:
            raise ValidationException(f"contextLines must be from 0 to {MAX_CONTEXT}, not {context}.")
        if max_results is not None and not 1 <= max_results <= MAX_HUNKS_PAGE:
            raise InvalidMaxResultsException(
                f"MaxResults must be from 1 to {MAX_HUNKS_PAGE}, not {max_results}."
            )
        with self._reading() as uow:
            record = self._repository(uow, ctx, repository_name)
        sizes: dict[str, int] = {}
        for blob_id in (before_id, after_id):
            if blob_id is None:
                continue
            size = self._git.blob_size(record.repository_id, blob_id)
            if size is None:
                raise BlobIdDoesNotExistException(f"The blob {blob_id} does not exist.")
            if size > MAX_FILE_SIZE:
                raise FileTooLargeException(
                    f"The blob {blob_id} is {size} bytes: the API compares blobs of at most "
                    f"{MAX_FILE_SIZE} bytes. Use a Git client."
                )
            sizes[blob_id] = size
        found = self._git.blob_diff(
            record.repository_id,
            before_id,
            after_id,
            context_lines=context,
            ignore_whitespace=bool(ignore_whitespace),
        )
        hunks = [piece for hunk in found.hunks for piece in _pieces(hunk, MAX_HUNK_CHANGES)]
        items, following = page(hunks, next_token, max_results or HUNKS_PAGE, "hunks")
        out: dict[str, Any] = {
            "hunks": [_hunk(hunk) for hunk in items],
            "isBinary": found.binary,
            "beforeBlobSize": sizes[before_id] if before_id is not None else 0,
            "afterBlobSize": sizes[after_id],
        }
        if following:
            out["NextToken"] = following
        return out
