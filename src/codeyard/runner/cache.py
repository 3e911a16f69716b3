"""The artifact-store (S3-type) build cache: archives addressed by project or by key, in a small store."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import BinaryIO, Protocol
from urllib.parse import quote, unquote

from codeyard.runner.cache_archive import SkippedEntries, extract_cache_archive, write_cache_archive

MAX_FALLBACK_KEYS = 5
_CHUNK = 1 << 20


class CacheError(Exception):
    """A cache block that cannot be used (an unknown action, too many fallback keys)."""


def cache_actions(action: str | None) -> tuple[bool, bool]:
    """(restore, save) for a buildspec cache `action`: 'restore' only downloads, 'save' only uploads."""
    value = (action or "").strip().lower()
    if not value:
        return True, True
    if value == "restore":
        return True, False
    if value == "save":
        return False, True
    raise CacheError(f"cache action must be restore or save, not {action!r}")


class CacheStore(Protocol):
    """Where cache archives live: a directory now, the server's artifact store later."""

    def open(self, name: str) -> BinaryIO | None:
        """The archive's bytes as a stream, or None when there is no such archive."""

    def exists(self, name: str) -> bool:
        """Whether an archive of that name exists."""

    def put(self, name: str, source: Path, *, replace: bool) -> bool:
        """Store a file under the name; without `replace` an existing archive is kept (False)."""

    def newest(self, prefix: str) -> str | None:
        """The most recently written archive whose name starts with the prefix."""


class DirectoryCacheStore:
    """A CacheStore in a directory: one file per archive, written atomically."""

    def __init__(self, root: Path) -> None:
        self._root = root

    def _path(self, name: str) -> Path:
        # quoting keeps prefixes: a name starts with a prefix exactly when its file name does
        return self._root / quote(name, safe="")

    def open(self, name: str) -> BinaryIO | None:
        try:
            return open(self._path(name), "rb")  # the caller closes it
        except FileNotFoundError:
            return None

    def exists(self, name: str) -> bool:
        return self._path(name).is_file()

    def remove(self, name: str) -> bool:
        """Removes the archive of that name; False when there was none."""
        try:
            os.unlink(self._path(name))
        except FileNotFoundError:
            return False
        return True

    def put(self, name: str, source: Path, *, replace: bool) -> bool:
        self._root.mkdir(parents=True, exist_ok=True)
        descriptor, temporary = tempfile.mkstemp(dir=self._root, prefix=".tmp-")
        try:
            with os.fdopen(descriptor, "wb") as target, open(source, "rb") as data:
                shutil.copyfileobj(data, target, _CHUNK)
            if replace:
                os.replace(temporary, self._path(name))
                return True
            try:
                os.link(temporary, self._path(name))  # fails if it exists: immutable, even under a race
            except FileExistsError:
                return False
            return True
        finally:
            if os.path.exists(temporary):
                os.unlink(temporary)

    def newest(self, prefix: str) -> str | None:
        quoted = quote(prefix, safe="")
        try:
            candidates = [e for e in os.scandir(self._root) if e.name.startswith(quoted) and e.is_file()]
        except FileNotFoundError:
            return None
        if not candidates:
            return None
        best = max(candidates, key=lambda e: (e.stat().st_mtime_ns, e.name))
        return unquote(best.name)


class ArchiveCache:
    """The S3-type cache of one project.

    Without a key the project has one archive, replaced by every save. With a key the archive is
    named by the key alone (so projects sharing a cache location share it), is immutable once
    written, and a restore that misses the key tries each fallback key as a prefix, newest first.
    """

    def __init__(self, store: CacheStore, project: str) -> None:
        self._store = store
        self._project = project

    def _name(self, key: str | None) -> str:
        return f"key/{key}" if key else f"project/{self._project}"

    def restore(
        self,
        *,
        key: str | None,
        fallback_keys: Sequence[str] = (),
        source_dir: Path,
        filesystem_root: Path = Path("/"),
        readable_roots: Sequence[Path] | None = None,
        paths: Sequence[str] = (),
        skipped: SkippedEntries | None = None,
    ) -> str | None:
        """Restore the best archive; returns its key (or the project's name), None on a miss.
        Absolute entries are restored only where `paths` (the build's cache paths) select them; the
        others are added to `skipped`."""
        if len(fallback_keys) > MAX_FALLBACK_KEYS:
            raise CacheError(f"cache: at most {MAX_FALLBACK_KEYS} fallback-keys, not {len(fallback_keys)}")
        names = [self._name(key)]
        if key:  # fallback keys are ignored without a key
            for prefix in fallback_keys:
                found = self._store.newest(self._name(prefix)) if prefix else None
                if found is not None:
                    names.append(found)
        for name in names:
            stream = self._store.open(name)
            if stream is None:
                continue
            with stream:
                extract_cache_archive(
                    stream,
                    source_dir,
                    filesystem_root=filesystem_root,
                    readable_roots=readable_roots,
                    paths=paths,
                    skipped=skipped,
                )
            return name.split("/", 1)[1]
        return None

    def save(
        self,
        *,
        paths: Sequence[str],
        key: str | None,
        source_dir: Path,
        scratch_dir: Path,
        filesystem_root: Path = Path("/"),
        readable_roots: Sequence[Path] | None = None,
    ) -> bool:
        """Archive the files the paths select and store them; False when a keyed archive already exists."""
        name = self._name(key)
        if key and self._store.exists(name):
            return False
        scratch_dir.mkdir(parents=True, exist_ok=True)
        descriptor, temporary = tempfile.mkstemp(dir=scratch_dir, prefix="cache-", suffix=".tar.gz")
        os.close(descriptor)
        try:
            write_cache_archive(
                paths,
                source_dir,
                Path(temporary),
                filesystem_root=filesystem_root,
                readable_roots=readable_roots,
            )
            return self._store.put(name, Path(temporary), replace=not key)
        finally:
            os.unlink(temporary)
