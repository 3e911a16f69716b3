"""A server build's cache: restored at the end of DOWNLOAD_SOURCE, saved in UPLOAD_ARTIFACTS.

LOCAL caches live on the runner host (`LocalCache`, one directory per project ARN); S3-type caches in
the server's artifact store at the project's cache location (`ArchiveCache` over a CacheStore of
the work API). The buildspec's `cache` block says what: `paths`, `key` and `fallback-keys` (both
expanded by the build's shell, so `$(codebuild-hash-files ...)` works) and `action`."""

from __future__ import annotations

import asyncio
import shutil
import tarfile
from collections import deque
from collections.abc import Awaitable, Callable
from pathlib import Path

import httpx

from codeyard.execution.messages import Job
from codeyard.runner.buildspec.model import CacheSpec
from codeyard.runner.cache import ArchiveCache, CacheError, CacheStore, cache_actions
from codeyard.runner.cache_archive import CacheArchiveError, SkippedEntries
from codeyard.runner.engine.executors import Workspace
from codeyard.runner.engine.hooks import ArtifactStep
from codeyard.runner.engine.session import ShellSession
from codeyard.runner.globs import GlobError, absolute_start, compile_glob
from codeyard.runner.local_cache import LocalCache

SOURCE_MODE = "LOCAL_SOURCE_CACHE"
CUSTOM_MODE = "LOCAL_CUSTOM_CACHE"
DOCKER_MODE = "LOCAL_DOCKER_LAYER_CACHE"
MAX_NAMED_SKIPS = 20  # absolute cache entries not restored that the log names one by one
Note = Callable[[str], Awaitable[None]]
# what a cache step may meet and only warn about: a cache is best effort, it never fails a build
# (httpx's errors: the S3-type cache's server cannot be reached, or a stream broke off)
_FAILURES = (
    OSError,
    CacheError,
    CacheArchiveError,
    GlobError,
    tarfile.TarError,
    RuntimeError,
    httpx.HTTPError,
)


class BuildCache:
    """The cache of one build: `kind` NO_CACHE, LOCAL (with `modes`) or S3 (through `remote()`).

    `project` names the S3-type archive of the project (`project/<name>`); `project_arn` keys its
    LOCAL cache in `local_root` (the name when not given). Absolute cache paths follow the
    workspace's rules, as the artifacts' do (`Workspace.filesystem_root` and `readable_roots`): any
    path on the host, only the build's own directories in a sandbox, only the bound directories of a
    container;
    `docker_layers` tells what a container build has of LOCAL_DOCKER_LAYER_CACHE (the container
    executor mounts it: runner/engine/docker_layers.py; None: an executor without it)."""

    def __init__(
        self,
        kind: str,
        modes: list[str],
        project: str,
        *,
        local_root: Path,
        remote: Callable[[], CacheStore] | None,
        note: Note,
        docker_layers: Callable[[Workspace], str | None] | None = None,
        generation: int = 0,
        project_arn: str = "",
    ) -> None:
        self._kind = kind
        self._modes = modes
        self._project = project  # names the project's S3-type archive
        self._project_arn = project_arn or project  # keys its LOCAL cache
        self.local_root = local_root
        self._remote = remote
        self._note = note
        self._docker_layers = docker_layers
        # the resets of the project's cache the job carries: LOCAL caches of an older one are dropped
        self._generation = generation

    @property
    def enabled(self) -> bool:
        return self._kind in ("LOCAL", "S3")

    async def restore(self, step: ArtifactStep) -> bool:
        """Puts the cached files in place; True when it wrote into the source directory."""
        if not self.enabled:
            return False
        try:
            return await self._restore(step)
        except _FAILURES as error:
            await self._note(f"Cannot restore the cache, the build goes on without it: {error}")
            return False

    async def save(self, step: ArtifactStep) -> None:
        """Keeps the files for the next build, when the build is succeeding."""
        if not self.enabled:
            return
        if not step.build_succeeding:
            await self._note("The build is failing: the cache is not saved")
            return
        try:
            await self._save(step)
        except _FAILURES as error:
            await self._note(f"Cannot save the cache: {error}")

    async def _restore(self, step: ArtifactStep) -> bool:
        spec = step.buildspec.cache
        restore = spec is not None and cache_actions(spec.action)[0]
        source_dir = step.workspace.src_dir
        root, roots = step.workspace.filesystem_root, step.workspace.readable_roots
        paths = list(spec.paths) if spec is not None else []
        # absolute entries the build's cache paths or the workspace leave out (the first few named)
        skipped = SkippedEntries(MAX_NAMED_SKIPS)
        wrote = False
        if self._kind == "LOCAL":
            local = LocalCache(self.local_root, self._project_arn, self._generation)
            if DOCKER_MODE in self._modes:
                await self._note(self._docker_layer_note(step.workspace))
            if SOURCE_MODE in self._modes:
                found = await asyncio.to_thread(local.restore_source, source_dir)
                wrote |= found
                await self._note(f"{SOURCE_MODE}: {'restored' if found else 'nothing restored'}")
            if CUSTOM_MODE in self._modes and restore:
                found = await asyncio.to_thread(
                    lambda: local.restore_custom(
                        source_dir, filesystem_root=root, readable_roots=roots, paths=paths, skipped=skipped
                    )
                )
                wrote |= found
                await self._note(f"{CUSTOM_MODE}: {'restored' if found else 'no cache yet'}")
        elif self._kind == "S3" and restore and spec is not None and self._remote is not None:
            key, fallback = await _keys(spec, step.session)
            await self._note(f"Restoring the S3 cache{f' with key {key}' if key else ''}")
            cache = ArchiveCache(self._remote(), self._project)
            found_key = await asyncio.to_thread(
                lambda: cache.restore(
                    key=key,
                    fallback_keys=fallback,
                    source_dir=source_dir,
                    filesystem_root=root,
                    readable_roots=roots,
                    paths=paths,
                    skipped=skipped,
                )
            )
            wrote = found_key is not None
            await self._note(
                f"S3 cache restored from {f'key {found_key}' if key else 'the project'}"
                if wrote
                else "S3 cache miss: nothing restored"
            )
        await self._note_skipped(skipped)
        return wrote

    async def _note_skipped(self, skipped: SkippedEntries) -> None:
        """Notes the absolute entries of the archive that were not restored (the first few by name)."""
        for path in skipped.names:
            await self._note(
                f"Cache entry {path} is not restored: no cache path of this build selects it inside "
                "the build's own directories"
            )
        if skipped.unnamed:
            await self._note(f"{skipped.unnamed} more cache entries are not restored")

    async def _save(self, step: ArtifactStep) -> None:
        spec = step.buildspec.cache
        save = spec is not None and cache_actions(spec.action)[1] and bool(spec.paths)
        source_dir = step.workspace.src_dir
        paths = list(spec.paths) if spec is not None else []
        if self._kind == "LOCAL":
            local = LocalCache(self.local_root, self._project_arn, self._generation)
            outdated = await asyncio.to_thread(local.outdated)
            if outdated:
                await self._note(
                    "LOCAL cache: nothing saved, the project's cache was reset (InvalidateProjectCache) "
                    "after this build started"
                )
            if SOURCE_MODE in self._modes and not outdated:
                kept = await asyncio.to_thread(local.save_source, source_dir)
                await self._note(f"{SOURCE_MODE}: {'saved' if kept else 'no .git directory to save'}")
            if CUSTOM_MODE in self._modes and save and not outdated:
                await self._note_left_out(paths, step.workspace)
                await asyncio.to_thread(
                    local.save_custom,
                    paths,
                    source_dir,
                    filesystem_root=step.workspace.filesystem_root,
                    readable_roots=step.workspace.readable_roots,
                )
                await self._note(f"{CUSTOM_MODE}: saved")
        elif self._kind == "S3" and save and spec is not None and self._remote is not None:
            await self._note_left_out(paths, step.workspace)
            key, _ = await _keys(spec, step.session)
            cache = ArchiveCache(self._remote(), self._project)
            scratch = step.workspace.root / "cache-scratch"
            try:
                stored = await asyncio.to_thread(
                    lambda: cache.save(
                        paths=paths,
                        key=key,
                        source_dir=source_dir,
                        scratch_dir=scratch,
                        filesystem_root=step.workspace.filesystem_root,
                        readable_roots=step.workspace.readable_roots,
                    )
                )
            finally:
                shutil.rmtree(scratch, ignore_errors=True)
            where = f"with key {key}" if key else "of the project"
            await self._note(
                f"S3 cache {where} saved" if stored else f"S3 cache {where} exists already: kept as it is"
            )

    async def _note_left_out(self, paths: list[str], workspace: Workspace) -> None:
        """Notes each absolute path of the paths about to be archived that the workspace does not read."""
        for path in _unread(paths, workspace):
            await self._note(f"Cache path {path} is left out: outside the build's own directories")

    def _docker_layer_note(self, workspace: Workspace) -> str:
        note = self._docker_layers(workspace) if self._docker_layers is not None else None
        if note is None:
            return f"{DOCKER_MODE}: only container builds keep Docker layers; the mode is ignored here"
        return note


def docker_layers_of(job: Job) -> str | None:
    """The ARN of the project whose Docker layer cache the build asks for (a LOCAL cache with
    LOCAL_DOCKER_LAYER_CACHE), or None."""
    return job.project_arn if job.cache_type == "LOCAL" and DOCKER_MODE in job.cache_modes else None


def _unread(paths: list[str], workspace: Workspace) -> list[str]:
    """The absolute paths whose leading directories the workspace's rules do not let the runner read."""
    globs = [compile_glob(path) for path in paths]
    return [
        glob.pattern
        for glob in globs
        if glob.absolute and absolute_start(workspace.filesystem_root, glob, workspace.readable_roots) is None
    ]


async def _keys(spec: CacheSpec, session: ShellSession) -> tuple[str | None, list[str]]:
    """The key and fallback keys with the build's variables and command substitutions expanded."""
    key = await _expand(spec.key, session) if spec.key else None
    fallback = [value for text in spec.fallback_keys if (value := await _expand(text, session))]
    return key or None, fallback


async def _expand(text: str, session: ShellSession) -> str:
    # the key is the last line: only that is kept (not all that a background process prints meanwhile)
    lines: deque[str] = deque(maxlen=1)

    async def keep(batch: list[str]) -> None:
        lines.extend(batch)

    # inside double quotes as written: $VARIABLES and $(commands) expand, their own quotes included
    result = await session.run(f"{{ printf '%s\\n' \"{text}\"; }} 2>/dev/null", keep)
    if result.exit_code != 0 or not lines:
        raise CacheError(f"cannot expand the cache key {text!r}")
    return lines[-1].strip()
