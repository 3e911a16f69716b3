"""The work API's S3-type build cache: archives kept in the artifact store at the project's cache location.

Routes, under /_codeyard/v1/work/jobs/<build id>/cache, for the runner holding the build's lease only:
`GET|HEAD /<name>` an archive (404 when there is none), `PUT /<name>[?replace=1]` stores one (without
`replace` an existing archive is kept: `{"stored": false}`), `GET ?newest=<prefix>` the name of the
most recently written archive whose name starts with the prefix (`{"name": null}` when none does).
Archives are files `<artifacts>/<bucket>/<prefix>/<quoted name>`; bodies are streamed both ways. The
runner names them `project/<project>` (a project's archive) and `key/<key>` (keyed archives, shared by
the projects of the location); `forget` removes a project's on InvalidateProjectCache.

A build started before its project's cache was reset (its job's cache generation older than the
project's) stores nothing: its upload is refused with 409 CacheReset before its body is read, and
again once the body is in, before and after it is moved into place (an archive that landed as the
reset removed the location's archives is taken back), so no stale archive outlives a reset."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable
from pathlib import Path, PurePosixPath
from typing import Any, TypeVar
from urllib.parse import parse_qs, quote, unquote

import anyio.to_thread

from codeyard.execution.artifact_store import ArtifactStore
from codeyard.execution.messages import WORK_PREFIX
from codeyard.execution.queue import LeaseLost, WorkQueue
from codeyard.execution.registry import RunnerRegistry
from codeyard.router import Receive, Scope, Send, send_json
from codeyard.store.ports.work import JobRecord

CHUNK = 1 << 20
TEMPORARY = ".tmp-"  # uploads being received: never an archive
T = TypeVar("T")


class CacheRefused(Exception):
    """An answer other than the archive: (status, error type, message)."""

    def __init__(self, status: int, kind: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.kind = kind


def cache_directory(root: Path, location: str) -> Path:
    """The directory of an S3 cache location (`bucket/prefix` or its ARN) under the artifact store."""
    relative = PurePosixPath(location.removeprefix("arn:aws:s3:::").strip("/"))
    if (
        not relative.parts  # no bucket: not the artifact store's root either
        or relative.is_absolute()
        or ".." in relative.parts
        or relative.parts[0].startswith(".")
    ):
        raise CacheRefused(400, "InvalidCacheLocation", f"not a cache location: {location!r}")
    return root.joinpath(*relative.parts)


def newest(directory: Path, prefix: str) -> str | None:
    """The most recently written archive whose name starts with `prefix` (quoting keeps prefixes)."""
    quoted = quote(prefix, safe="")
    try:
        found = [e for e in os.scandir(directory) if e.name.startswith(quoted) and e.is_file()]
    except FileNotFoundError:
        return None
    found = [e for e in found if not e.name.startswith(TEMPORARY)]
    if not found:
        return None
    return unquote(max(found, key=lambda e: (e.stat().st_mtime_ns, e.name)).name)


def keep(directory: Path, name: str, upload: Path, replace: bool) -> bool:
    """Moves an uploaded archive into place; without `replace` an existing one wins (False)."""
    target = directory / quote(name, safe="")
    if replace:
        os.replace(upload, target)
        return True
    try:
        os.link(upload, target)  # fails when it exists: a keyed archive is immutable, even under a race
    except FileExistsError:
        return False
    return True


def forget(root: Path, location: str, project: str) -> int:
    """Removes the project's archive and the keyed archives at an S3 cache location (keyed archives
    belong to the location: the projects sharing it lose them too); answers how many went."""
    try:
        directory = cache_directory(root, location)
        entries = list(os.scandir(directory))
    except (CacheRefused, FileNotFoundError, NotADirectoryError):
        return 0
    removed = 0
    for entry in entries:
        name = unquote(entry.name)
        if entry.name.startswith(TEMPORARY) or not (name == f"project/{project}" or name.startswith("key/")):
            continue
        try:
            os.unlink(entry.path)
        except (FileNotFoundError, IsADirectoryError):
            continue
        removed += 1
    return removed


class CacheApi:
    """Serves the cache routes of the builds a runner holds."""

    def __init__(
        self,
        queue: WorkQueue,
        registry: RunnerRegistry,
        artifacts: ArtifactStore | None,
        max_upload: int | None = None,
    ) -> None:
        self._queue = queue
        self._registry = registry
        self._artifacts = artifacts
        self._max_upload = max_upload  # bytes an uploaded archive may hold (None: no cap)

    async def __call__(self, scope: Scope, receive: Receive, send: Send, token: str) -> None:
        # the raw path: an archive's name is one quoted segment, "/" and all
        raw = bytes(scope.get("raw_path") or scope["path"].encode()).decode("latin-1")
        parts = [unquote(part) for part in raw.partition(WORK_PREFIX)[2].split("/")]
        job_id = parts[2]
        name = parts[4] if len(parts) == 5 else None
        try:
            if len(parts) > 5:
                raise CacheRefused(404, "NotFound", f"no cache route {raw}")
            job = await self._job(token, job_id)
            directory = _directory_of(job, self._artifacts)
            if name is not None and (name in (".", "..") or name.startswith(TEMPORARY)):
                # quoting leaves dots: such a name would be the directory, its parent or an upload
                raise CacheRefused(400, "InvalidCacheName", f"not a cache archive name: {name!r}")
            query = parse_qs(scope.get("query_string", b"").decode())
            method: str = scope["method"]
            if name is None and method == "GET" and "newest" in query:
                found = await _run(newest, directory, query["newest"][0])
                await send_json(send, 200, {"name": found})
            elif name and method in ("GET", "HEAD"):
                await _send_file(send, directory / quote(name, safe=""), method == "HEAD")
            elif name and method == "PUT":
                replace = query.get("replace", ["0"])[0] in ("1", "true")
                limit = self._max_upload
                if limit is not None:
                    _check_size(name, _content_length(scope), limit)  # refused before a byte is read
                current = self._generation_check(job, name)
                await _run(current)
                stored = await _receive_file(receive, directory, name, replace, limit, current)
                await send_json(send, 200, {"stored": stored})
            else:
                raise CacheRefused(404, "NotFound", f"no cache route {method} {scope['path']}")
        except CacheRefused as refusal:
            await send_json(send, refusal.status, {"__type": refusal.kind, "message": str(refusal)})

    async def _job(self, token: str, job_id: str) -> JobRecord:
        runner_id = await _run(self._registry.authenticate, token)
        if runner_id is None:
            raise CacheRefused(401, "Unauthorized", "The runner token is not valid.")
        try:
            return await _run(self._queue.job, runner_id, job_id)
        except LeaseLost as error:
            raise CacheRefused(409, "LeaseLost", str(error)) from None

    def _generation_check(self, job: JobRecord, name: str) -> Callable[[], None]:
        """A check (blocking) that the project's cache was not reset since the build started: raises
        CacheRefused 409 CacheReset when the project's generation is newer than the job's."""
        region = str(job.payload.get("region") or job.region)
        project = str(job.payload.get("project_name") or "")
        started = int(job.payload.get("cache_generation") or 0)

        def check() -> None:
            current = self._queue.cache_generation(region, project)
            if current > started:
                raise CacheRefused(
                    409,
                    "CacheReset",
                    f"The cache of project {project} was reset (InvalidateProjectCache) after build "
                    f"{job.id} started (its cache generation {started}, the project's {current}): "
                    f"the archive {name} is not stored",
                )

        return check


def _directory_of(job: JobRecord, artifacts: ArtifactStore | None) -> Path:
    if job.payload.get("cache_type") != "S3" or artifacts is None:
        raise CacheRefused(404, "NoCache", f"build {job.id} has no S3 cache")
    return cache_directory(artifacts.root, str(job.payload.get("cache_location") or ""))


async def _send_file(send: Send, path: Path, head_only: bool) -> None:
    try:
        handle = await _run(path.open, "rb")
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
        raise CacheRefused(404, "NoSuchKey", f"no cache archive {path.name}") from None
    with handle:
        size = os.fstat(handle.fileno()).st_size
        headers = [(b"content-type", b"application/octet-stream"), (b"content-length", str(size).encode())]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        while not head_only and (chunk := await _run(handle.read, CHUNK)):
            await send({"type": "http.response.body", "body": chunk, "more_body": True})
        await send({"type": "http.response.body", "body": b""})


def _content_length(scope: Scope) -> int | None:
    for header, value in scope.get("headers", ()):
        if header.lower() == b"content-length" and value.strip().isdigit():
            return int(value)
    return None


def _check_size(name: str, size: int | None, limit: int) -> None:
    if size is not None and size > limit:
        raise CacheRefused(
            413,
            "EntityTooLarge",
            f"The cache archive {name} is larger than this server takes ({limit} bytes, its "
            "setting cache_upload_max_bytes): it is not stored",
        )


async def _receive_file(
    receive: Receive,
    directory: Path,
    name: str,
    replace: bool,
    limit: int | None,
    current: Callable[[], None],
) -> bool:
    """Streams the body to a temporary file and moves it into place; a body over `limit` bytes is
    refused (its part received so far removed), so no archive is ever stored in part. `current`
    raises CacheRefused when the build may no longer store (its project's cache was reset)."""
    await _run(lambda: directory.mkdir(parents=True, exist_ok=True))
    descriptor, temporary = tempfile.mkstemp(dir=directory, prefix=TEMPORARY)
    received = 0
    try:
        with os.fdopen(descriptor, "wb") as handle:
            while True:
                message = await receive()
                if message["type"] == "http.disconnect":
                    raise CacheRefused(400, "Incomplete", "the upload ended early")
                chunk = message.get("body", b"")
                received += len(chunk)
                if limit is not None:
                    _check_size(name, received, limit)
                if chunk:
                    await _run(handle.write, chunk)
                if not message.get("more_body"):
                    break
        return await _run(_keep_current, directory, name, Path(temporary), replace, current)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)


def _keep_current(
    directory: Path, name: str, upload: Path, replace: bool, current: Callable[[], None]
) -> bool:
    """`keep` while the build may store. A reset that removed the location's archives between the
    check and the move would miss this one: it is checked again after, and the archive (this upload's
    file, not one stored since) taken back."""
    current()
    inode = upload.stat().st_ino
    stored = keep(directory, name, upload, replace)
    try:
        current()
    except CacheRefused:
        target = directory / quote(name, safe="")
        with contextlib.suppress(FileNotFoundError):
            if stored and target.stat().st_ino == inode:
                target.unlink()
        raise
    return stored


async def _run(function: Callable[..., T], *args: Any) -> T:
    return await anyio.to_thread.run_sync(function, *args)
