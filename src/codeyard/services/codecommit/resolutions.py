"""The inputs of a merge, checked: merge options, detail levels, strategies, the caller's
conflict resolution and the commit identity."""

from __future__ import annotations

import re
from typing import Any

from codeyard.services.codecommit import paths
from codeyard.services.codecommit.changes import MAX_COMMIT_CHANGE, MAX_ENTRIES, MAX_FOLDER_CHANGE
from codeyard.services.codecommit.errors import (
    CommitMessageLengthExceededException,
    FileContentSizeLimitExceededException,
    FileModeRequiredException,
    FolderContentSizeLimitExceededException,
    InvalidConflictDetailLevelException,
    InvalidConflictResolutionStrategyException,
    InvalidEmailException,
    InvalidFileModeException,
    InvalidMergeOptionException,
    InvalidReplacementContentException,
    InvalidReplacementTypeException,
    MaximumConflictResolutionEntriesExceededException,
    MergeOptionRequiredException,
    MultipleConflictResolutionEntriesException,
    NameLengthExceededException,
    ReplacementContentRequiredException,
    ReplacementTypeRequiredException,
)
from codeyard.services.codecommit.writing import MAX_EMAIL_LENGTH, MAX_MESSAGE_BYTES, MAX_NAME_LENGTH
from codeyard.store.ports.git_merges import (
    DETAIL_LEVELS,
    FILE_LEVEL,
    FILE_MODES,
    NONE,
    REPLACEMENT_TYPES,
    STRATEGIES,
    USE_NEW_CONTENT,
    ConflictResolution,
    ReplaceContent,
)

FAST_FORWARD_MERGE = "FAST_FORWARD_MERGE"
SQUASH_MERGE = "SQUASH_MERGE"
THREE_WAY_MERGE = "THREE_WAY_MERGE"
MERGE_OPTIONS = (FAST_FORWARD_MERGE, SQUASH_MERGE, THREE_WAY_MERGE)

MAX_RESOLUTION_ENTRIES = MAX_ENTRIES  # our choice: as many as files in one API commit
_EMAIL = re.compile(r"[^@\s<>]+@[^@\s<>]+")


def merge_option(option: str | None, *, allowed: tuple[str, ...] = MERGE_OPTIONS) -> str:
    if not option:
        raise MergeOptionRequiredException("A merge option or strategy is required.")
    if option not in allowed:
        raise InvalidMergeOptionException(
            f"The merge option {option} is not valid here. Valid options: {', '.join(allowed)}."
        )
    return option


def detail_level(level: str | None) -> str:
    if level is None:
        return FILE_LEVEL
    if level not in DETAIL_LEVELS:
        raise InvalidConflictDetailLevelException(f"The conflict detail level {level} is not valid.")
    return level


def strategy(value: str | None) -> str:
    if value is None:
        return NONE
    if value not in STRATEGIES:
        raise InvalidConflictResolutionStrategyException(
            f"The conflict resolution strategy {value} is not valid."
        )
    return value


def check_path(path: str | None) -> str:
    """A repository-relative file path; a leading slash is dropped."""
    return paths.normalize(path)


def _file_mode(mode: str | None, path: str) -> str:
    if not mode:
        raise FileModeRequiredException(f"A file mode is required for {path}.")
    if mode not in FILE_MODES:
        raise InvalidFileModeException(f"The file mode {mode} of {path} is not valid.")
    return mode


def conflict_resolution(value: dict[str, Any] | None) -> ConflictResolution | None:
    """The ConflictResolution shape as the port's value, every entry checked."""
    if not value:
        return None
    replaces = value.get("replaceContents") or []
    deletes = value.get("deleteFiles") or []
    modes = value.get("setFileModes") or []
    if len(replaces) + len(deletes) + len(modes) > MAX_RESOLUTION_ENTRIES:
        raise MaximumConflictResolutionEntriesExceededException(
            f"A conflict resolution can have at most {MAX_RESOLUTION_ENTRIES} entries."
        )
    seen: set[str] = set()

    def once(raw: str | None) -> str:
        path = check_path(raw)
        if path in seen:
            raise MultipleConflictResolutionEntriesException(
                f"The file {path} has more than one conflict resolution entry."
            )
        seen.add(path)
        return path

    contents: list[ReplaceContent] = []
    size = 0
    folders: dict[str, int] = {}
    for entry in replaces:
        path = once(entry.get("filePath"))
        kind = entry.get("replacementType")
        if not kind:
            raise ReplacementTypeRequiredException(f"A replacement type is required for {path}.")
        if kind not in REPLACEMENT_TYPES:
            raise InvalidReplacementTypeException(f"The replacement type {kind} of {path} is not valid.")
        content = entry.get("content")
        if kind == USE_NEW_CONTENT and content is None:
            raise ReplacementContentRequiredException(f"USE_NEW_CONTENT for {path} needs content.")
        if kind != USE_NEW_CONTENT and content is not None:
            raise InvalidReplacementContentException(
                f"Content is given for {path}, but its replacement type is {kind}, not USE_NEW_CONTENT."
            )
        size += len(content or b"")
        folder = path.rpartition("/")[0]
        folders[folder] = folders.get(folder, 0) + len(content or b"")
        if folders[folder] > MAX_FOLDER_CHANGE:
            raise FolderContentSizeLimitExceededException(
                f"The new contents of the folder '{folder}' come to more than {MAX_FOLDER_CHANGE} bytes."
            )
        mode = entry.get("fileMode")
        contents.append(
            ReplaceContent(path, kind, content, _file_mode(mode, path) if mode is not None else None)
        )
    if size > MAX_COMMIT_CHANGE:
        raise FileContentSizeLimitExceededException(
            "The combined file content change size is over 7 MB. Consider making these changes "
            "using a Git client."
        )
    deleted = tuple(once(entry.get("filePath")) for entry in deletes)
    moded = tuple(
        (path, _file_mode(entry.get("fileMode"), path))
        for entry in modes
        for path in [once(entry.get("filePath"))]
    )
    if not (contents or deleted or moded):
        return None
    return ConflictResolution(tuple(contents), deleted, moded)


def identity(author_name: str | None, email: str | None, message: str | None) -> None:
    """Checks the author name, email and message of a merge commit."""
    if author_name is not None and len(author_name) > MAX_NAME_LENGTH:
        raise NameLengthExceededException(f"The author name is longer than {MAX_NAME_LENGTH} characters.")
    if email and (len(email) > MAX_EMAIL_LENGTH or not _EMAIL.fullmatch(email)):
        raise InvalidEmailException(f"The email address {email} is not valid.")
    if message is not None and len(message.encode()) > MAX_MESSAGE_BYTES:
        raise CommitMessageLengthExceededException(
            f"The commit message is longer than {MAX_MESSAGE_BYTES} bytes."
        )
