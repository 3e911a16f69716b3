"""The shapes of merge answers (ConflictMetadata, MergeHunk) and the page sizes of merge
conflicts."""

from __future__ import annotations

import base64
from typing import Any

from codeyard.errors import CodeyardError
from codeyard.store.ports.git_merges import FileVersion, HunkSide, MergeAnalysis, MergeConflict, MergeHunk

# Our choices: pages of conflict files and of merge hunks.
DEFAULT_CONFLICT_FILES, DEFAULT_MERGE_HUNKS, MAX_PAGE = 100, 1000, 1000


def limit(value: int | None, default: int, error: type[CodeyardError], what: str) -> int:
    if value is None:
        return default
    if not 1 <= value <= MAX_PAGE:
        raise error(f"The number of {what} must be between 1 and {MAX_PAGE}.")
    return value


def _sides(build: Any, base: Any, source: Any, destination: Any) -> dict[str, Any]:
    out = {"base": build(base), "source": build(source), "destination": build(destination)}
    return {key: value for key, value in out.items() if value is not None}


def conflict_metadata(conflict: MergeConflict) -> dict[str, Any]:
    """The ConflictMetadata shape."""
    versions = (conflict.base, conflict.source, conflict.destination)

    def pick(attribute: str) -> dict[str, Any]:
        def value(version: FileVersion | None) -> Any:
            return None if version is None else getattr(version, attribute)

        return _sides(value, *versions)

    operations = {"source": conflict.source_operation, "destination": conflict.destination_operation}
    return {
        "filePath": conflict.path,
        "fileSizes": pick("size"),
        "fileModes": pick("mode"),
        "objectTypes": pick("object_type"),
        "numberOfConflicts": conflict.number_of_conflicts,
        "isBinaryFile": pick("is_binary"),
        "contentConflict": conflict.content_conflict,
        "fileModeConflict": conflict.file_mode_conflict,
        "objectTypeConflict": conflict.object_type_conflict,
        "mergeOperations": {key: value for key, value in operations.items() if value},
    }


def merge_hunk(hunk: MergeHunk) -> dict[str, Any]:
    """The MergeHunk shape: hunk content is base64 text, as AWS sends it."""

    def side(found: HunkSide | None) -> dict[str, Any] | None:
        if found is None:
            return None
        return {
            "startLine": found.start_line,
            "endLine": found.end_line,
            "hunkContent": base64.b64encode(found.content).decode(),
        }

    return {"isConflict": hunk.is_conflict, **_sides(side, hunk.base, hunk.source, hunk.destination)}


def commit_ids(analysis: MergeAnalysis) -> dict[str, Any]:
    return {
        "sourceCommitId": analysis.source_commit,
        "destinationCommitId": analysis.destination_commit,
        "baseCommitId": analysis.base_commit,
    }
