"""CodeBuild's glob patterns: one compiled matcher, and the files it selects under a root directory."""

from __future__ import annotations

import errno
import os
import re
import stat
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

_WILDCARDS = frozenset("*?[")


class GlobError(ValueError):
    """A pattern that cannot be used: empty, or climbing out of its root with '..'."""


@dataclass(frozen=True)
class Glob:
    """One compiled pattern. Paths given to it are relative, '/'-separated and normalised."""

    pattern: str
    absolute: bool
    segments: tuple[str, ...]
    regex: re.Pattern[str]

    @property
    def literal(self) -> tuple[str, ...]:
        """The leading segments without a wildcard: the directory a search can start from."""
        out: list[str] = []
        for segment in self.segments:
            if _WILDCARDS.intersection(segment):
                break
            out.append(segment)
        return tuple(out)

    @property
    def names_directory(self) -> bool:
        """True when the last segment has no wildcard: such a pattern naming a directory takes all of it."""
        return not _WILDCARDS.intersection(self.segments[-1])

    def match(self, relative: str) -> bool:
        """Whether the whole path matches."""
        return self.regex.fullmatch(relative) is not None

    def match_ancestor(self, relative: str) -> bool:
        """Whether a directory above the path matches."""
        parts = relative.split("/")
        return any(self.match("/".join(parts[:i])) for i in range(1, len(parts)))

    def selects(self, relative: str) -> bool:
        """Whether a file is selected: matched itself, or below a directory the pattern names literally."""
        return self.match(relative) or (self.names_directory and self.match_ancestor(relative))


def compile_glob(pattern: str) -> Glob:
    """Compile a pattern: '*' and '?' stay within a segment, a '**' segment spans any number of them."""
    text = pattern.strip()
    absolute = text.startswith("/")
    segments = tuple(s for s in text.split("/") if s not in ("", "."))
    if not segments:
        raise GlobError(f"empty path pattern: {pattern!r}")
    if ".." in segments:
        raise GlobError(f"path pattern may not contain '..': {pattern!r}")
    regex = ""
    for index, segment in enumerate(segments):
        last = index == len(segments) - 1
        if segment == "**":
            regex += ".+" if last else "(?:[^/]+/)*"
        else:
            regex += _segment_regex(segment) + ("" if last else "/")
    return Glob(pattern, absolute, segments, re.compile(regex, re.DOTALL))


def _segment_regex(segment: str) -> str:
    out = ""
    i = 0
    while i < len(segment):
        char = segment[i]
        if char == "*":
            while i + 1 < len(segment) and segment[i + 1] == "*":
                i += 1
            out += "[^/]*"
        elif char == "?":
            out += "[^/]"
        elif char == "[" and (end := segment.find("]", i + 2)) != -1:
            body = segment[i + 1 : end]
            negate = body[:1] in ("!", "^")
            body = body[1:] if negate else body
            out += "[" + ("^/" if negate else "") + body.replace("\\", "\\\\") + "]"
            i = end
        else:
            out += re.escape(char)
        i += 1
    return out


class Found(NamedTuple):
    """A selected file (or symlink) under a root."""

    relative: str  # '/'-separated path below the root
    real: Path  # the file it stands for, resolved; for a symlink to a directory, that directory
    link: str | None  # for a symlink: its target, made relative to the link's directory
    is_dir: bool  # a symlink to a directory (never descended)


class Selected(NamedTuple):
    """What a selection finds: the files, and why some entries were left out."""

    found: list[Found]
    skipped: list[str]


def inside(path: str | Path, root: str | Path) -> bool:
    """Whether a resolved path is the root or below it."""
    path, root = str(path), str(root)
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


def select(root: Path, patterns: Sequence[Glob], excludes: Sequence[Glob] = ()) -> Selected:
    """The files under root that the relative patterns select, minus those the excludes match.

    Symlinks are never followed out of the root: a link whose target resolves outside it (or
    nowhere) is skipped and reported. Links to directories are reported as such, never descended.
    """
    found: dict[str, Found] = {}
    skipped: list[str] = []
    try:
        real_root = root.resolve(strict=True)
    except OSError:
        return Selected([], [])
    if not real_root.is_dir():
        return Selected([], [])
    for glob in patterns:
        start = "/".join(glob.literal)
        for relative, kind, real in _walk(root, real_root, start, excludes):
            if relative in found or not glob.selects(relative):
                continue
            if any(x.match(relative) or x.match_ancestor(relative) for x in excludes):
                continue
            entry = _found(root, real_root, relative, kind, real, skipped)
            if entry is not None:
                found[relative] = entry
    return Selected([found[k] for k in sorted(found)], skipped)


def readable(path: str | Path, roots: Sequence[Path] | None) -> bool:
    """Whether the runner may read the build's path: always when `roots` is None, else when the path,
    resolved (its symlinks followed), is one of the roots (resolved) or below one."""
    if roots is None:
        return True
    real = os.path.realpath(path)
    return any(inside(real, os.path.realpath(root)) for root in roots)


def open_selected(path: Path) -> int:
    """A read-only descriptor of a selected file (`path`: its resolved path at selection), never through
    a symlink: OSError when the path now leads elsewhere (a directory swapped for a link since then by
    a process still running), so that what is read is always the file that was selected."""
    descriptor = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    try:
        actual = os.readlink(f"/proc/self/fd/{descriptor}")
    except OSError:
        return descriptor  # no /proc here: O_NOFOLLOW alone
    if actual != os.fspath(path):
        os.close(descriptor)
        raise OSError(errno.ELOOP, "moved since it was selected", os.fspath(path))
    return descriptor


def select_absolute(filesystem_root: Path, glob: Glob, roots: Sequence[Path] | None = None) -> Selected:
    """The files an absolute pattern selects, named by their path below the filesystem root.

    The search is confined to the pattern's leading literal directories: a symlink there may not
    lead out of them (for '/root/.m2/**/*', nothing outside /root/.m2 is taken). With `roots` (a
    sandboxed build's own directories), a pattern whose leading directories do not resolve inside
    one of them selects nothing, and says so (one naming such a directory whole takes what is in it).
    """
    start = absolute_start(filesystem_root, glob, roots)
    if start is None:
        return Selected([], [f"{glob.pattern}: outside the build's own directories, not read"])
    anchor, rest_text = start
    rest = compile_glob(rest_text)
    found = select(filesystem_root / anchor if anchor else filesystem_root, [rest])
    if not anchor:
        return found
    named = [f._replace(relative=f"{anchor}/{f.relative}") for f in found.found]
    return Selected(named, [f"/{anchor}/{skipped}" for skipped in found.skipped])


def absolute_start(filesystem_root: Path, glob: Glob, roots: Sequence[Path] | None) -> tuple[str, str] | None:
    """Where an absolute pattern's search starts (its leading literal directories, below the filesystem
    root) and the pattern of the rest; None when `roots` do not allow reading there."""
    literal = glob.literal[:-1] if glob.names_directory else glob.literal
    anchor = "/".join(literal)
    if readable(filesystem_root / anchor, roots):
        return anchor, "/".join(glob.segments[len(literal) :])
    whole = "/".join(glob.literal)
    if glob.names_directory and readable(filesystem_root / whole, roots):
        return whole, "**"  # e.g. '$CODEBUILD_SRC_DIR' itself: everything below it
    return None


def find_directories(root: Path, glob: Glob) -> list[str]:
    """The directories (or symlinks to directories, wherever they lead: the caller confines them)
    under root whose relative path matches the pattern, sorted."""
    depth = None if "**" in glob.segments else len(glob.segments)
    start = "/".join(glob.literal)
    try:
        real_root = root.resolve(strict=True)
    except OSError:
        return []
    out = []
    for relative, kind, path in _walk(root, real_root, start, (), directories=True, depth=depth):
        if not glob.match(relative):
            continue
        if kind == "dir" or (kind == "link" and path.is_dir()):
            out.append(relative)
    return sorted(out)


def _walk(
    root: Path,
    real_root: Path,
    start: str,
    excludes: Sequence[Glob],
    *,
    directories: bool = False,
    depth: int | None = None,
) -> Iterator[tuple[str, str, Path]]:
    """(relative path, 'file' | 'link' | 'dir', resolved path) from root/start down, not following links."""
    real_start = real_root
    if start:
        try:
            mode = os.lstat(root / start).st_mode
        except OSError:
            return
        if stat.S_ISLNK(mode):
            yield start, "link", root / start
            return
        # a symlink among the leading directories must not lead the walk out of the root
        real_start = Path(os.path.realpath(root / start))
        if not inside(real_start, real_root):
            return
        if not stat.S_ISDIR(mode):
            yield start, "file", real_start
            return
        if directories:
            yield start, "dir", real_start
    stack = [start]
    while stack:
        current = stack.pop()
        level = current.count("/") + 1 if current else 0
        if depth is not None and level >= depth:
            continue
        below = current[len(start) :].lstrip("/")
        try:
            entries = list(os.scandir(root / current if current else root))
        except OSError:
            continue
        for entry in entries:
            relative = f"{current}/{entry.name}" if current else entry.name
            real = real_start / below / entry.name
            if entry.is_symlink():
                yield relative, "link", root / relative
            elif entry.is_dir(follow_symlinks=False):
                if any(x.match(relative) for x in excludes):
                    continue
                if directories:
                    yield relative, "dir", real
                stack.append(relative)
            elif entry.is_file(follow_symlinks=False):
                yield relative, "file", real


def _found(
    root: Path, real_root: Path, relative: str, kind: str, real: Path, skipped: list[str]
) -> Found | None:
    path = root / relative
    if kind == "file":
        return Found(relative, real, None, False)
    target = os.path.realpath(path)
    if not inside(target, real_root) or not os.path.exists(target):
        skipped.append(f"{relative}: symbolic link to outside the directory, skipped")
        return None
    link = os.path.relpath(target, os.path.realpath(path.parent))
    is_dir = os.path.isdir(target)
    if not is_dir and not os.path.isfile(target):
        skipped.append(f"{relative}: not a regular file, skipped")
        return None
    return Found(relative, Path(target), link, is_dir)
