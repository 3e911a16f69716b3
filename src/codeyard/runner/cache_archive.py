"""Cache archives: the files a cache's paths select as one tar stream, and their confined restoration."""

from __future__ import annotations

import os
import shutil
import stat
import tarfile
from collections.abc import Sequence
from pathlib import Path
from typing import IO, BinaryIO

from codeyard.runner.globs import Found, compile_glob, inside, open_selected, select, select_absolute

# Entry names: 'src/<path below the source directory>' or 'abs/<path below the filesystem root>'.
SOURCE = "src"
ABSOLUTE = "abs"
_CHUNK = 1 << 20


class CacheArchiveError(Exception):
    """A cache archive that cannot be written or read."""


def cache_entries(
    paths: Sequence[str],
    source_dir: Path,
    filesystem_root: Path,
    readable_roots: Sequence[Path] | None = None,
) -> tuple[list[tuple[str, Found]], list[str]]:
    """(entry name, file) for every file the paths select, and the warnings of what was skipped:
    absolute paths are read as the artifacts' (under `filesystem_root`, only inside `readable_roots`
    when set: the workspace's rules)."""
    globs = [compile_glob(p) for p in paths]
    relative = select(source_dir, [g for g in globs if not g.absolute])
    entries = {f"{SOURCE}/{f.relative}": f for f in relative.found}
    skipped = list(relative.skipped)
    for glob in (g for g in globs if g.absolute):
        found = select_absolute(filesystem_root, glob, readable_roots)
        entries.update({f"{ABSOLUTE}/{f.relative}": f for f in found.found})
        skipped += found.skipped
    return [(name, entries[name]) for name in sorted(entries)], skipped


def write_cache_archive(
    paths: Sequence[str],
    source_dir: Path,
    target: Path,
    *,
    filesystem_root: Path = Path("/"),
    readable_roots: Sequence[Path] | None = None,
    compress: bool = True,
) -> int:
    """Write the selected files (internal symlinks kept as links) to a tar archive; returns the count."""
    entries, _ = cache_entries(paths, source_dir, filesystem_root, readable_roots)
    with tarfile.open(target, "w:gz" if compress else "w", format=tarfile.PAX_FORMAT) as archive:
        for name, found in entries:
            if found.link is not None:
                info = tarfile.TarInfo(name)
                info.type = tarfile.SYMTYPE
                info.linkname = found.link
                info.mode = 0o777
                archive.addfile(info)
                continue
            try:
                descriptor = open_selected(found.real)
            except OSError:
                continue  # gone or replaced since it was selected: a cache is best effort
            with os.fdopen(descriptor, "rb") as source:
                info = archive.gettarinfo(arcname=name, fileobj=source)
                if not info.isreg():
                    continue
                info.uid = info.gid = 0
                info.uname = info.gname = ""
                archive.addfile(info, source)
    return len(entries)


def extract_cache_archive(
    stream: BinaryIO,
    source_dir: Path,
    *,
    filesystem_root: Path = Path("/"),
    readable_roots: Sequence[Path] | None = None,
) -> int:
    """Restore an archive read from a stream; returns the number of files and links written.

    Nothing is written outside the source directory ('src/' entries) or the filesystem root
    ('abs/' entries), and with `readable_roots` (the workspace's) no 'abs/' entry outside them,
    whatever the names, the link targets or the symlinks already on disk say.
    """
    count = 0
    roots = {SOURCE: source_dir, ABSOLUTE: filesystem_root}
    with tarfile.open(fileobj=stream, mode="r|*") as archive:
        for member in archive:
            prefix, _, rest = member.name.partition("/")
            parts = [p for p in rest.split("/") if p not in ("", ".")]
            if prefix not in roots or not parts or ".." in parts:
                continue
            root = roots[prefix]
            if prefix == ABSOLUTE and readable_roots is not None:
                within = _within_roots(root, parts, readable_roots)
                if within is None:
                    continue
                root, parts = within
            if member.isreg():
                destination = _confined(root, parts)
                if destination is None:
                    continue
                source = archive.extractfile(member)
                if source is None:
                    continue
                _write_file(destination, source, member)
                count += 1
            elif member.issym() and _link_stays_inside(parts, member.linkname):
                destination = _confined(root, parts)
                if destination is None:
                    continue
                _remove(destination)
                os.symlink(member.linkname, destination)
                count += 1
    return count


def _confined(root: Path, parts: list[str]) -> Path | None:
    """The destination path, with its directories made, or None when it would leave the root."""
    root.mkdir(parents=True, exist_ok=True)
    real_root = os.path.realpath(root)
    parent = root
    for part in parts[:-1]:
        parent = parent / part
        if os.path.islink(parent) and not inside(os.path.realpath(parent), real_root):
            return None
        if not os.path.lexists(parent):
            parent.mkdir()
        elif not parent.is_dir():
            return None
    if not inside(os.path.realpath(parent), real_root):
        return None
    return parent / parts[-1]


def _within_roots(
    filesystem_root: Path, parts: list[str], roots: Sequence[Path]
) -> tuple[Path, list[str]] | None:
    """An absolute entry as (the readable root it is below, as named under the filesystem root; its
    parts below it), or None when it is below none: no directory above a root is made or followed."""
    real_roots = {os.path.realpath(root) for root in roots}
    for depth in range(1, len(parts)):
        candidate = filesystem_root.joinpath(*parts[:depth])
        if os.path.realpath(candidate) in real_roots and candidate.is_dir():
            return candidate, parts[depth:]
    return None


def _link_stays_inside(parts: list[str], target: str) -> bool:
    if not target or target.startswith("/"):
        return False
    depth = len(parts) - 1
    for part in target.split("/"):
        if part == "..":
            depth -= 1
            if depth < 0:
                return False
        elif part not in ("", "."):
            depth += 1
    return True


def _remove(destination: Path) -> None:
    if os.path.islink(destination) or destination.is_file():
        destination.unlink()
    elif destination.is_dir():
        shutil.rmtree(destination)


def _write_file(destination: Path, source: IO[bytes], member: tarfile.TarInfo) -> None:
    if os.path.islink(destination) or destination.is_dir():
        _remove(destination)
    mode = stat.S_IMODE(member.mode) & 0o777
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW
    descriptor = os.open(destination, flags, 0o600)
    with os.fdopen(descriptor, "wb") as target:
        shutil.copyfileobj(source, target, _CHUNK)
        os.fchmod(target.fileno(), mode)
    os.utime(destination, (member.mtime, member.mtime), follow_symlinks=False)
