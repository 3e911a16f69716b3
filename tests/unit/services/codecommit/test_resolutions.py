"""The checks of merge inputs. Some of their errors cannot come over the wire, where the model's
required members and enums are checked first, but in-process callers (pull request merges) meet
them."""

from __future__ import annotations

from typing import Any

import pytest

from codeyard.errors import CodeyardError
from codeyard.services.codecommit import resolutions
from codeyard.store.ports.git_merges import ConflictResolution, ReplaceContent


def _code(call: Any, *args: Any, **kwargs: Any) -> str:
    with pytest.raises(CodeyardError) as excinfo:
        call(*args, **kwargs)
    return excinfo.value.code


def test_merge_settings() -> None:
    assert resolutions.merge_option("SQUASH_MERGE") == "SQUASH_MERGE"
    assert _code(resolutions.merge_option, None) == "MergeOptionRequiredException"
    assert _code(resolutions.merge_option, "OCTOPUS") == "InvalidMergeOptionException"
    assert (
        _code(resolutions.merge_option, "FAST_FORWARD_MERGE", allowed=("SQUASH_MERGE",))
        == "InvalidMergeOptionException"
    )
    assert (resolutions.detail_level(None), resolutions.strategy(None)) == ("FILE_LEVEL", "NONE")
    assert _code(resolutions.detail_level, "WORD_LEVEL") == "InvalidConflictDetailLevelException"
    assert _code(resolutions.strategy, "ACCEPT_BOTH") == "InvalidConflictResolutionStrategyException"


def test_paths() -> None:
    assert resolutions.check_path("/a/b.txt") == "a/b.txt"
    assert _code(resolutions.check_path, "") == "PathRequiredException"
    assert _code(resolutions.check_path, "/") == "PathRequiredException"
    for bad in ("a//b", "a/./b", "../a", "a/", ".git/config", "x" * 4097):
        assert _code(resolutions.check_path, bad) == "InvalidPathException", bad


def test_conflict_resolution() -> None:
    assert resolutions.conflict_resolution(None) is None
    assert resolutions.conflict_resolution({"replaceContents": []}) is None
    parsed = resolutions.conflict_resolution(
        {
            "replaceContents": [
                {
                    "filePath": "/a",
                    "replacementType": "USE_NEW_CONTENT",
                    "content": b"x",
                    "fileMode": "EXECUTABLE",
                }
            ],
            "deleteFiles": [{"filePath": "b"}],
            "setFileModes": [{"filePath": "c", "fileMode": "SYMLINK"}],
        }
    )
    assert parsed == ConflictResolution(
        (ReplaceContent("a", "USE_NEW_CONTENT", b"x", "EXECUTABLE"),), ("b",), (("c", "SYMLINK"),)
    )
    errors = {
        "ReplacementTypeRequiredException": {"replaceContents": [{"filePath": "a"}]},
        "InvalidReplacementTypeException": {
            "replaceContents": [{"filePath": "a", "replacementType": "KEEP_ALL"}]
        },
        "FileModeRequiredException": {"setFileModes": [{"filePath": "a"}]},
        "InvalidFileModeException": {"setFileModes": [{"filePath": "a", "fileMode": "DIRECTORY"}]},
        "PathRequiredException": {"deleteFiles": [{}]},
        "MultipleConflictResolutionEntriesException": {
            "deleteFiles": [{"filePath": "a"}],
            "setFileModes": [{"filePath": "a", "fileMode": "NORMAL"}],
        },
    }
    for code, value in errors.items():
        assert _code(resolutions.conflict_resolution, value) == code


def test_identity() -> None:
    resolutions.identity("Name", "me@example.com", "message")
    resolutions.identity(None, None, None)
    assert _code(resolutions.identity, "n" * 1025, None, None) == "NameLengthExceededException"
    assert _code(resolutions.identity, None, "a@b@c", None) == "InvalidEmailException"
    assert _code(resolutions.identity, None, "<a@b>", None) == "InvalidEmailException"
