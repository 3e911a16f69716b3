"""The LOCAL build cache: per project on the runner host, the source's git state and the custom paths.

A project's directory is named by its ARN (`directory_name`: a hash of the ARN, then the project's
name for humans), so projects of one name in different regions or accounts keep their own caches.

Each project's directory notes the generation of its cache (GENERATION_FILE, 0 when absent): the
number of InvalidateProjectCache calls a build's job carries. A build of a newer generation drops
the entries of an older one instead of restoring them; a build of an older one saves nothing."""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path
from urllib.parse import quote

from codeyard.runner.cache import DirectoryCacheStore
from codeyard.runner.cache_archive import SkippedEntries, extract_cache_archive, write_cache_archive

SOURCE_ENTRY = "source"  # LOCAL_SOURCE_CACHE: the .git directory of the primary source
CUSTOM_ENTRY = "custom"  # LOCAL_CUSTOM_CACHE: the files the buildspec's cache paths select
GENERATION_FILE = ".generation"
NAME_CHARS = 100  # of the project's name in a directory name (a file name holds 255 bytes)
PROJECT_MARKER = ":project/"


def directory_name(project_arn: str) -> str:
    """The name of a project's cache directory: a hash of its ARN, `-`, its name (quoted, shortened)."""
    digest = hashlib.sha256(project_arn.encode()).hexdigest()[:16]
    name = project_arn.rpartition(PROJECT_MARKER)[2]
    return f"{digest}-{quote(name, safe='')[:NAME_CHARS]}"


class LocalCache:
    """The LOCAL cache of one project (by its ARN) in a directory of the runner host; each save
    replaces the last."""

    def __init__(self, root: Path, project_arn: str, generation: int = 0) -> None:
        self._directory = root / directory_name(project_arn)
        self._store = DirectoryCacheStore(self._directory)
        self._generation = generation

    def restore_source(self, source_dir: Path) -> bool:
        """Put the cached git state into a source directory that has none yet."""
        if os.path.lexists(source_dir / ".git"):
            return False
        return self._restore(SOURCE_ENTRY, source_dir, Path("/"))

    def save_source(self, source_dir: Path) -> bool:
        """Keep the source directory's git state for the next build."""
        if not (source_dir / ".git").is_dir() or (source_dir / ".git").is_symlink():
            return False
        return self._save(SOURCE_ENTRY, [".git"], source_dir, Path("/"))

    def restore_custom(
        self,
        source_dir: Path,
        *,
        filesystem_root: Path = Path("/"),
        readable_roots: Sequence[Path] | None = None,
        paths: Sequence[str] = (),
        skipped: SkippedEntries | None = None,
    ) -> bool:
        """Restore the cached custom paths (relative ones into the source, absolute ones under the root
        where the build's `paths` select them, only inside `readable_roots` when set; the absolute
        ones left out are added to `skipped`)."""
        return self._restore(CUSTOM_ENTRY, source_dir, filesystem_root, readable_roots, paths, skipped)

    def save_custom(
        self,
        paths: Sequence[str],
        source_dir: Path,
        *,
        filesystem_root: Path = Path("/"),
        readable_roots: Sequence[Path] | None = None,
    ) -> bool:
        """Keep the files the buildspec's cache paths select (absolute ones as the artifacts' are read)."""
        return self._save(CUSTOM_ENTRY, paths, source_dir, filesystem_root, readable_roots)

    def _restore(
        self,
        entry: str,
        source_dir: Path,
        filesystem_root: Path,
        readable_roots: Sequence[Path] | None = None,
        paths: Sequence[str] = (),
        skipped: SkippedEntries | None = None,
    ) -> bool:
        if self._kept_generation() < self._generation:
            self._reset()
            return False
        stream = self._store.open(entry)
        if stream is None:
            return False
        with stream:
            extract_cache_archive(
                stream,
                source_dir,
                filesystem_root=filesystem_root,
                readable_roots=readable_roots,
                paths=paths,
                skipped=skipped,
            )
        return True

    def _save(
        self,
        entry: str,
        paths: Sequence[str],
        source_dir: Path,
        filesystem_root: Path,
        readable_roots: Sequence[Path] | None = None,
    ) -> bool:
        kept = self._kept_generation()
        if kept > self._generation:
            return False  # the cache was reset after this build started: its files are stale
        if kept < self._generation:
            self._reset()
        self._directory.mkdir(parents=True, exist_ok=True)
        descriptor, temporary = tempfile.mkstemp(dir=self._directory, prefix=".build-")
        os.close(descriptor)
        try:
            # uncompressed: the cache stays on this host, where time matters more than space
            write_cache_archive(
                paths,
                source_dir,
                Path(temporary),
                filesystem_root=filesystem_root,
                readable_roots=readable_roots,
                compress=False,
            )
            return self._store.put(entry, Path(temporary), replace=True)
        finally:
            os.unlink(temporary)

    def outdated(self) -> bool:
        """Whether the cache was reset after this build started (it notes a newer generation): such a
        build saves nothing over it."""
        return self._kept_generation() > self._generation

    def _kept_generation(self) -> int:
        try:
            return int((self._directory / GENERATION_FILE).read_text().strip() or 0)
        except (FileNotFoundError, NotADirectoryError, ValueError):
            return 0

    def _reset(self) -> None:
        """Drops the entries of an older generation and notes this build's."""
        for entry in (SOURCE_ENTRY, CUSTOM_ENTRY):
            self._store.remove(entry)
        self._directory.mkdir(parents=True, exist_ok=True)
        descriptor, temporary = tempfile.mkstemp(dir=self._directory, prefix=".generation-")
        with os.fdopen(descriptor, "w") as handle:
            handle.write(f"{self._generation}\n")
        os.replace(temporary, self._directory / GENERATION_FILE)
