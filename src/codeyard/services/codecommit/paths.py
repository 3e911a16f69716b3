"""File paths and file modes as the CodeCommit API takes them."""

from __future__ import annotations

from codeyard.services.codecommit.errors import (
    FileModeRequiredException,
    InvalidFileModeException,
    InvalidPathException,
    PathRequiredException,
)
from codeyard.store.ports.git_objects import MODE_EXECUTABLE, MODE_FILE, MODE_SYMLINK

MAX_PATH_LENGTH = 4096
MAX_DIRECTORY_LEVELS = 20

MODES = {"NORMAL": MODE_FILE, "EXECUTABLE": MODE_EXECUTABLE, "SYMLINK": MODE_SYMLINK}
_NAMES = {MODE_FILE: "NORMAL", MODE_EXECUTABLE: "EXECUTABLE", MODE_SYMLINK: "SYMLINK", 0o100664: "NORMAL"}


def normalize(path: str | None, *, root_allowed: bool = False) -> str:
    """The path without its leading slash; "" is the root, which only folders may name.

    Raises PathRequiredException for no path and InvalidPathException for one git cannot hold:
    empty, `.` or `..` parts, a `.git` part, a trailing slash, over 4096 characters."""
    if path is None or (not path and not root_allowed):
        raise PathRequiredException("The file path is required, but was not specified.")
    stripped = path[1:] if path.startswith("/") else path
    if not stripped:
        if root_allowed:
            return ""
        raise PathRequiredException("The file path is required, but was not specified.")
    if root_allowed and stripped.endswith("/"):
        stripped = stripped[:-1]
    parts = stripped.split("/")
    if (
        len(path) > MAX_PATH_LENGTH
        or "\x00" in stripped
        or any(part in ("", ".", "..") or part.lower() == ".git" for part in parts)
    ):
        raise InvalidPathException(f"The path {path} is not valid.")
    return stripped


def check_writable(path: str) -> None:
    """A path the API may write: at most 20 folder levels above the file."""
    if path.count("/") > MAX_DIRECTORY_LEVELS:
        raise InvalidPathException(
            f"The path {path} is not valid: it is more than {MAX_DIRECTORY_LEVELS} folders deep."
        )


def parents(path: str) -> list[str]:
    """The folders above `path`, outermost first: a/b/c -> [a, a/b]."""
    parts = path.split("/")
    return ["/".join(parts[:i]) for i in range(1, len(parts))]


def mode_of(name: str | None, *, required: bool = False) -> int | None:
    """The git mode of a FileModeTypeEnum value; None when not given and not required."""
    if name is None or name == "":
        if required:
            raise FileModeRequiredException("A file mode is required, but was not specified.")
        return None
    if name not in MODES:
        raise InvalidFileModeException(f"The file mode {name} is not valid.")
    return MODES[name]


def mode_name(mode: int) -> str:
    """The FileModeTypeEnum value of a git blob mode."""
    return _NAMES.get(mode, "NORMAL")
