"""CodeCommit file paths and file modes."""

from __future__ import annotations

import pytest

from codeyard.services.codecommit import paths
from codeyard.services.codecommit.errors import (
    FileModeRequiredException,
    InvalidFileModeException,
    InvalidPathException,
    PathRequiredException,
)


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("a.txt", "a.txt"),
        ("/a.txt", "a.txt"),
        ("dir/sub/a.txt", "dir/sub/a.txt"),
        ("/.github/x.yml", ".github/x.yml"),
    ],
)
def test_normalize(given: str, expected: str) -> None:
    assert paths.normalize(given) == expected


@pytest.mark.parametrize(
    "bad", ["a//b", "a/./b", "../a", "a/..", "a/", ".git/config", "x/.GIT/y", "a\x00b", "a" * 4097]
)
def test_invalid_paths(bad: str) -> None:
    with pytest.raises(InvalidPathException):
        paths.normalize(bad)


@pytest.mark.parametrize("missing", [None, "", "/"])
def test_required(missing: str | None) -> None:
    with pytest.raises(PathRequiredException):
        paths.normalize(missing)


def test_folders_may_name_the_root_and_end_with_a_slash() -> None:
    assert paths.normalize("", root_allowed=True) == ""
    assert paths.normalize("/", root_allowed=True) == ""
    assert paths.normalize("/src/", root_allowed=True) == "src"
    with pytest.raises(PathRequiredException):
        paths.normalize(None, root_allowed=True)


def test_directory_levels() -> None:
    paths.check_writable("/".join(["d"] * 20) + "/f")
    with pytest.raises(InvalidPathException):
        paths.check_writable("/".join(["d"] * 21) + "/f")


def test_parents() -> None:
    assert paths.parents("a/b/c.txt") == ["a", "a/b"]
    assert paths.parents("c.txt") == []


def test_modes() -> None:
    assert paths.mode_of("NORMAL") == 0o100644
    assert paths.mode_of("EXECUTABLE") == 0o100755
    assert paths.mode_of("SYMLINK") == 0o120000
    assert paths.mode_of(None) is None
    assert paths.mode_name(0o100755) == "EXECUTABLE"
    assert paths.mode_name(0o100664) == "NORMAL"  # old git's group-writable files
    with pytest.raises(InvalidFileModeException):
        paths.mode_of("WRITABLE")
    # Over the wire the model refuses these first; in-process callers get CodeCommit's own errors.
    with pytest.raises(FileModeRequiredException):
        paths.mode_of(None, required=True)
    with pytest.raises(FileModeRequiredException):
        paths.mode_of("", required=True)
