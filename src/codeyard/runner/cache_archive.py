"""Cache archives: the files a cache's paths select as one tar stream, and their confined restoration."""

from __future__ import annotations

import os
import shutil
import stat
import tarfile
from collections.abc import Sequence
from pathlib import Path
from typing import IO, BinaryIO

from codeyard.runner.globs import (
    Found,
    Glob,
    GlobError,
    compile_glob,
    inside,
    open_selected,
    select,
    select_absolute,
)

# Entry names: 'src/<path below the source directory>' or 'abs/<path below the filesystem root>'.
SOURCE = "src"
ABSOLUTE = "abs"
_CHUNK = 1 << 20
_DIRECTORY = os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC


class CacheArchiveError(Exception):
    """A cache archive that cannot be written or read."""


class SkippedEntries:
    """The absolute entries of an archive that a restore left out: the first `limit` by name, the
    rest only counted (an archive may hold millions)."""

    def __init__(self, limit: int = 20) -> None:
        self.limit = limit
        self.names: list[str] = []
        self.count = 0

    def add(self, name: str) -> None:
        self.count += 1
        if len(self.names) < self.limit:
            self.names.append(name)

    @property
    def unnamed(self) -> int:
        """How many were left out beyond the named ones."""
        return self.count - len(self.names)


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
    paths: Sequence[str] = (),
    skipped: SkippedEntries | None = None,
) -> int:
    """Restore an archive read from a stream; returns the number of files and links written.

    Nothing is written outside the source directory ('src/' entries) or the filesystem root
    ('abs/' entries), whatever the names, the link targets or the symlinks on disk say (each
    directory is opened from the resolved root without following a link, a link on the way only
    through its resolved path inside the root, so a link swapped meanwhile cannot redirect a write).
    An 'abs/' entry is restored only when one of the absolute `paths` (the restoring build's cache
    paths: an archive may have been saved by another build with the same key) selects it and, with
    `readable_roots` (the workspace's), it lies inside one of them; the others are added to `skipped`.
    """
    count = 0
    roots = {SOURCE: source_dir, ABSOLUTE: filesystem_root}
    wanted = _absolute_globs(paths)
    with tarfile.open(fileobj=stream, mode="r|*") as archive:
        for member in archive:
            prefix, _, rest = member.name.partition("/")
            parts = [p for p in rest.split("/") if p not in ("", ".")]
            if prefix not in roots or not parts or ".." in parts:
                continue
            root = roots[prefix]
            if prefix == ABSOLUTE:
                within = _absolute_place(root, parts, readable_roots, wanted)
                if within is None:
                    if skipped is not None and (member.isreg() or member.issym()):
                        skipped.add("/" + "/".join(parts))
                    continue
                root, parts = within
            if member.isreg():
                source = archive.extractfile(member)
                if source is not None and _write_file(root, parts, source, member):
                    count += 1
            elif member.issym() and _link_stays_inside(parts, member.linkname):
                count += _write_link(root, parts, member.linkname)
    return count


def _absolute_globs(paths: Sequence[str]) -> list[Glob]:
    globs = []
    for path in paths:
        try:
            glob = compile_glob(path)
        except GlobError:
            continue  # the save refused it too
        if glob.absolute:
            globs.append(glob)
    return globs


def _absolute_place(
    filesystem_root: Path, parts: list[str], readable_roots: Sequence[Path] | None, wanted: list[Glob]
) -> tuple[Path, list[str]] | None:
    """Where an absolute entry is restored (a root, the parts below it), or None when the build's
    cache paths do not select it or it lies outside the readable roots."""
    if not any(glob.selects("/".join(parts)) for glob in wanted):
        return None
    if readable_roots is None:
        return filesystem_root, parts
    return _within_roots(filesystem_root, parts, readable_roots)


def open_directory(root: Path, parts: Sequence[str]) -> int | None:
    """A descriptor of the directory `root/parts...`, its missing directories made; None when it
    would not be a directory inside the root.

    The root is resolved once; then each directory is opened relative to the one above without
    following a link (O_NOFOLLOW), so what is checked is what is written into. A link on the way is
    taken by its resolved path, only when that lies inside the root, opened again from the root
    directory by directory: a link swapped in meanwhile makes the open fail, never lead elsewhere."""
    root.mkdir(parents=True, exist_ok=True)
    real_root = os.path.realpath(root)
    descriptor: int | None = os.open(real_root, _DIRECTORY)
    current = real_root
    try:
        for part in parts:
            assert descriptor is not None
            try:
                mode = os.lstat(part, dir_fd=descriptor).st_mode
            except FileNotFoundError:
                os.mkdir(part, dir_fd=descriptor)
                mode = stat.S_IFDIR
            if stat.S_ISLNK(mode):
                target = os.path.realpath(os.path.join(current, part))
                if not inside(target, real_root):
                    return None
                below = os.path.relpath(target, real_root)
                following = _open_below(real_root, [] if below == "." else below.split(os.sep))
                current = target
            elif stat.S_ISDIR(mode):
                following = os.open(part, _DIRECTORY | os.O_NOFOLLOW, dir_fd=descriptor)
                current = os.path.join(current, part)
            else:
                return None
            os.close(descriptor)
            descriptor = following
            if descriptor is None:
                return None
        opened, descriptor = descriptor, None
        return opened
    except OSError:
        return None
    finally:
        if descriptor is not None:
            os.close(descriptor)


def _open_below(real_root: str, parts: list[str]) -> int | None:
    """The directory of a resolved path below the root, opened without following any link."""
    descriptor = os.open(real_root, _DIRECTORY)
    try:
        for part in parts:
            following = os.open(part, _DIRECTORY | os.O_NOFOLLOW, dir_fd=descriptor)
            os.close(descriptor)
            descriptor = following
    except OSError:
        os.close(descriptor)
        return None
    return descriptor


def _within_roots(
    filesystem_root: Path, parts: list[str], roots: Sequence[Path]
) -> tuple[Path, list[str]] | None:
    """An absolute entry as (the resolved readable root it is below; its parts below it), or None
    when it is below none: no directory above a root is made or followed."""
    real_roots = {os.path.realpath(root) for root in roots}
    for depth in range(1, len(parts)):
        candidate = os.path.realpath(filesystem_root.joinpath(*parts[:depth]))
        if candidate in real_roots and os.path.isdir(candidate):
            return Path(candidate), parts[depth:]
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


def _clear(directory: int, name: str) -> None:
    """Removes what is at `name` in the directory (a link, a file or a whole directory), if anything."""
    try:
        mode = os.lstat(name, dir_fd=directory).st_mode
    except FileNotFoundError:
        return
    if stat.S_ISDIR(mode):
        shutil.rmtree(name, dir_fd=directory)
    else:
        os.unlink(name, dir_fd=directory)


def _write_link(root: Path, parts: list[str], target: str) -> int:
    directory = open_directory(root, parts[:-1])
    if directory is None:
        return 0
    try:
        _clear(directory, parts[-1])
        os.symlink(target, parts[-1], dir_fd=directory)
    finally:
        os.close(directory)
    return 1


def _write_file(root: Path, parts: list[str], source: IO[bytes], member: tarfile.TarInfo) -> bool:
    directory = open_directory(root, parts[:-1])
    if directory is None:
        return False
    name = parts[-1]
    try:
        mode = os.lstat(name, dir_fd=directory).st_mode
        if stat.S_ISLNK(mode) or stat.S_ISDIR(mode):
            _clear(directory, name)
    except FileNotFoundError:
        pass
    try:
        flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW | os.O_CLOEXEC
        descriptor = os.open(name, flags, 0o600, dir_fd=directory)
        with os.fdopen(descriptor, "wb") as target:
            shutil.copyfileobj(source, target, _CHUNK)
            target.flush()  # before the times are set: a later write would change them
            os.fchmod(target.fileno(), stat.S_IMODE(member.mode) & 0o777)
            os.utime(target.fileno(), (member.mtime, member.mtime))
    finally:
        os.close(directory)
    return True
