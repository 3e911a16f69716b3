"""Build artifacts: the files a buildspec's artifacts block selects, packaged as a ZIP or as a directory."""

from __future__ import annotations

import os
import shutil
import stat
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import BinaryIO, NamedTuple

from codeyard.runner.globs import (
    Found,
    Glob,
    GlobError,
    compile_glob,
    find_directories,
    inside,
    open_selected,
    readable,
    select,
    select_absolute,
)

# Every entry carries the earliest time a ZIP can hold, so the same files give the same bytes.
ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)
_CHUNK = 1 << 20


class ArtifactError(Exception):
    """The artifacts block cannot be packaged (CodeBuild fails UPLOAD_ARTIFACTS with CLIENT_ERROR);
    `warnings` says what the selection left out on the way (for the build log)."""

    def __init__(self, message: str, warnings: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.warnings = tuple(warnings)


class Artifact(NamedTuple):
    """One file of an artifact: where it goes in the artifact, and where it is read from."""

    archive_path: str
    path: Path  # resolved; for a symlink, its target
    link: str | None = None  # for a symlink inside the tree: its relative target
    is_dir: bool = False  # a symlink to a directory: only kept with enable-symlinks


@dataclass(frozen=True)
class Selection:
    """The files of one artifact, sorted by archive path, with the warnings for the build log."""

    files: tuple[Artifact, ...]
    warnings: tuple[str, ...]


def select_files(
    source_dir: Path,
    files: Sequence[str],
    base_directory: str | None = None,
    discard_paths: bool = False,
    exclude_paths: Sequence[str] = (),
    *,
    filesystem_root: Path = Path("/"),
    readable_roots: Sequence[Path] | None = None,
) -> Selection:
    """Select an artifact's files the way CodeBuild does.

    `files` are relative to the source directory or, when set, to each directory that
    `base_directory` (itself possibly a glob such as 'out*') matches; those directories' contents
    become the artifact root. Absolute patterns and base directories name paths of the build's
    filesystem, found under `filesystem_root` ('/' on the host and in the sandbox, for a container the
    view of its bind mounts: engine/container_paths.py) and, with `readable_roots` (a sandboxed build's
    own directories, a container's bound ones), only inside those.
    `exclude_paths` are relative to the base directory. With `discard_paths` every file goes to the
    artifact root, and when two files get the same name the first in path order is kept (the others
    are reported in the warnings).
    """
    if not files:
        raise ArtifactError("artifacts: files is required")
    warnings: list[str] = []
    try:
        patterns = [compile_glob(p) for p in files]
        excludes = [compile_glob(p) for p in exclude_paths]
        bases = _bases(source_dir, base_directory, filesystem_root, readable_roots, warnings)
    except GlobError as error:
        raise ArtifactError(str(error)) from error
    chosen: dict[str, Artifact] = {}
    relative = [p for p in patterns if not p.absolute]
    for base in bases:
        if relative:
            found = select(base, relative, excludes)
            warnings += found.skipped
            _add(chosen, [(f.relative, f) for f in found.found], discard_paths, warnings)
    for pattern in (p for p in patterns if p.absolute):
        found = select_absolute(filesystem_root, pattern, readable_roots)
        warnings += found.skipped
        _add(chosen, [(f.relative, f) for f in found.found], discard_paths, warnings)
    if not chosen:
        raise ArtifactError("no matching artifact paths found", warnings)
    return Selection(tuple(chosen[k] for k in sorted(chosen)), tuple(warnings))


def _bases(
    source_dir: Path,
    base_directory: str | None,
    filesystem_root: Path,
    roots: Sequence[Path] | None,
    warnings: list[str],
) -> list[Path]:
    if base_directory is None or not base_directory.strip():
        return [source_dir]
    glob: Glob | None = compile_glob(base_directory)
    assert glob is not None
    root, prefix = source_dir, ""
    if glob.absolute:  # searched from its leading literal directories (a container's view links them)
        prefix = "/".join(glob.literal)
        root = filesystem_root / prefix if prefix else filesystem_root
        rest = glob.segments[len(glob.literal) :]
        glob = compile_glob("/".join(rest)) if rest else None
    if not readable(root / "/".join(glob.literal if glob is not None else ()), roots):  # the search's start
        warnings.append(f"{base_directory}: base directory outside the build's own directories, not read")
        return []
    real_root = root.resolve()
    bases = []
    found = find_directories(root, glob) if glob is not None else ([""] if root.is_dir() else [])
    for relative in found:
        path = root / relative if relative else root
        shown = "/".join(part for part in (prefix, relative) if part)
        if not readable(path, roots):
            warnings.append(f"{shown}: base directory outside the build's own directories, not read")
        elif inside(os.path.realpath(path), real_root):
            bases.append(path)
        else:
            warnings.append(f"{shown}: base directory links outside the source, skipped")
    return bases


def _add(
    chosen: dict[str, Artifact], found: Iterable[tuple[str, Found]], discard: bool, warnings: list[str]
) -> None:
    for relative, item in found:
        name = PurePosixPath(relative).name if discard else relative
        artifact = Artifact(name, item.real, item.link, item.is_dir)
        if name in chosen:
            if chosen[name].path != artifact.path:
                warnings.append(f"{relative}: another file is already named {name} in the artifact, skipped")
            continue
        chosen[name] = artifact


def package_zip(selection: Iterable[Artifact], target_zip: Path, enable_symlinks: bool = False) -> int:
    """Write the files into a ZIP, in archive-path order with fixed timestamps; returns the entry count.

    File modes are kept. With `enable_symlinks` an internal symlink is stored as a link; without
    it, a link to a file is stored as that file's content and a link to a directory is left out.
    Contents are streamed, never held whole in memory.
    """
    count = 0
    target_zip.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(target_zip, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
        for item in sorted(selection, key=lambda a: a.archive_path):
            info = zipfile.ZipInfo(item.archive_path, date_time=ZIP_EPOCH)
            info.create_system = 3  # unix, so that the mode bits are read back
            if item.link is not None and enable_symlinks:
                info.external_attr = (stat.S_IFLNK | 0o777) << 16
                info.compress_type = zipfile.ZIP_STORED
                archive.writestr(info, item.link)
                count += 1
                continue
            if item.is_dir:
                continue
            with _open_regular(item.path) as source:
                status = os.fstat(source.fileno())
                info.external_attr = (stat.S_IFREG | stat.S_IMODE(status.st_mode)) << 16
                info.compress_type = zipfile.ZIP_DEFLATED
                info.file_size = status.st_size
                with archive.open(info, "w") as target:
                    shutil.copyfileobj(source, target, _CHUNK)
            count += 1
    return count


def package_directory(selection: Iterable[Artifact], target_dir: Path, enable_symlinks: bool = False) -> int:
    """Copy the files into a directory (packaging NONE), modes kept; returns the entry count."""
    count = 0
    target_dir.mkdir(parents=True, exist_ok=True)
    for item in sorted(selection, key=lambda a: a.archive_path):
        destination = target_dir / item.archive_path
        destination.parent.mkdir(parents=True, exist_ok=True)
        if item.link is not None and enable_symlinks:
            os.symlink(item.link, destination)
            count += 1
            continue
        if item.is_dir:
            continue
        with _open_regular(item.path) as source:
            mode = stat.S_IMODE(os.fstat(source.fileno()).st_mode)
            with open(destination, "wb") as target:
                shutil.copyfileobj(source, target, _CHUNK)
        os.chmod(destination, mode)
        count += 1
    return count


def artifact_name(name: str) -> str:
    """A buildspec artifact name as an object name: '/' makes folders; empty parts and '..' are refused."""
    parts = [p for p in name.strip().split("/") if p not in ("", ".")]
    if not parts or ".." in parts:
        raise ArtifactError(f"invalid artifact name: {name!r}")
    return "/".join(parts)


def _open_regular(path: Path) -> BinaryIO:
    """Open a selected file without following a symlink put in its place since it was selected."""
    try:
        descriptor = open_selected(path)
    except OSError as error:
        raise ArtifactError(f"cannot read {path.name}: {error.strerror}") from error
    source = os.fdopen(descriptor, "rb")
    if not stat.S_ISREG(os.fstat(descriptor).st_mode):
        source.close()
        raise ArtifactError(f"{path.name} is not a regular file")
    return source
