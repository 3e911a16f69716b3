"""Differences between two commits, or two folders or files in them, by page."""

from __future__ import annotations

from typing import Any

from codeyard.accounts import RequestContext
from codeyard.services.codecommit import paths
from codeyard.services.codecommit.base import CodeCommitBase
from codeyard.services.codecommit.errors import InvalidMaxResultsException, PathDoesNotExistException
from codeyard.services.codecommit.pages import page
from codeyard.services.codecommit.specifiers import check_specifier
from codeyard.store.ports.git_objects import TreeEntry

DIFFERENCES_PAGE = 100


def _blob(entry: TreeEntry) -> dict[str, str]:
    """The BlobMetadata shape: the mode as git's octal text (100644, 100755, 120000, 160000)."""
    return {"blobId": entry.object_id, "path": entry.path, "mode": f"{entry.mode:o}"}


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
