"""The work API's source download: a build's primary or secondary source, streamed to its runner.

CODECOMMIT sources come as the tar of a clone's `.git` (`x-codeyard-commit` names the commit,
`x-codeyard-branch` the branch checked out, "" when HEAD is detached); S3 sources as the zip kept
in the artifact store at their location."""

from __future__ import annotations

import contextlib
import logging
import threading
from pathlib import Path
from typing import Any

import anyio.from_thread
import anyio.to_thread

from codeyard.execution.artifact_store import ArtifactStore
from codeyard.execution.queue import WorkQueue
from codeyard.execution.source_archive import SourceArchives, SourceNotFound, TarFailed
from codeyard.http import ResponseAborted
from codeyard.router import Receive, Send, send_json

log = logging.getLogger(__name__)

CHUNK = 1 << 20


def source_of(payload: dict[str, Any], identifier: str) -> dict[str, Any] | None:
    """The job's source as {"type", "location", "version", "depth", "submodules"}: the primary one for
    "", else the secondary one with that identifier (None when there is none)."""
    if not identifier:
        return {
            "type": payload.get("source_type", "NO_SOURCE"),
            "location": payload.get("source_location", ""),
            "version": payload.get("source_version", ""),
            "depth": int(payload.get("git_clone_depth") or 0),
            "submodules": bool(payload.get("fetch_submodules")),
        }
    for source in payload.get("secondary_sources") or ():
        if source.get("identifier") == identifier:
            return {
                **source,
                "depth": int(source.get("depth") or 0),
                "submodules": bool(source.get("submodules")),
            }
    return None


async def send_source(
    receive: Receive,
    send: Send,
    queue: WorkQueue,
    sources: SourceArchives,
    artifacts: ArtifactStore | None,
    runner_id: str,
    job_id: str,
    identifier: str,
) -> None:
    """Answers the source (LeaseLost propagates when the runner does not hold the build). A runner
    that disconnects mid-download ends tar at once; a tar that fails part-way is logged in one line
    and the response broken off (the runner fails the build's DOWNLOAD_SOURCE)."""
    job = await anyio.to_thread.run_sync(queue.job, runner_id, job_id)
    source = source_of(job.payload, identifier)
    if source is None or source["type"] == "NO_SOURCE":
        await _refuse(send, f"the build has no source {identifier!r}")
        return
    if source["type"] == "S3":
        found = artifacts.find(source["location"]) if artifacts is not None else None
        if found is None:
            await _refuse(send, f"no object at {source['location']}")
            return
        await _send_file(send, found, [(b"content-type", b"application/zip")])
        return

    gone = threading.Event()  # the runner disconnected: tar is ended, the clone removed

    def clone() -> None:
        # runs in a worker thread: the clone is made, read and removed there, in one context; only the
        # sends go to the loop (asking for another worker thread from here could wait forever once
        # every worker thread holds a clone)
        with sources.clone(
            job.region,
            source["location"],
            source["version"],
            source["depth"],
            submodules=source["submodules"],
        ) as archive:
            if not identifier:
                queue.resolved(runner_id, job_id, archive.commit)
            if gone.is_set():
                return
            headers = [
                (b"content-type", b"application/x-tar"),
                (b"x-codeyard-commit", archive.commit.encode()),
                (b"x-codeyard-branch", archive.branch.encode()),
            ]
            # the tar goes out as tar makes it (chunked: its size is not known beforehand), so the
            # runner waits for the clone alone, not also for a whole tar written to disk; closing the
            # pieces early (the runner went away) kills tar
            start = {"type": "http.response.start", "status": 200, "headers": headers}
            anyio.from_thread.run(_send, send, start)
            with contextlib.closing(archive.tar(CHUNK)) as pieces:
                for piece in pieces:
                    if gone.is_set():
                        return
                    body = {"type": "http.response.body", "body": piece, "more_body": True}
                    anyio.from_thread.run(_send, send, body)
            anyio.from_thread.run(_send, send, {"type": "http.response.body", "body": b""})

    async def watch() -> None:
        # the request's body is read: the next message is the disconnect (or the end of the response)
        if (await receive())["type"] == "http.disconnect":
            gone.set()

    failure: Exception | None = None
    async with anyio.create_task_group() as tasks:
        tasks.start_soon(watch)
        try:
            await anyio.to_thread.run_sync(clone)
        except Exception as error:  # raised below, outside the task group (not in an exception group)
            failure = error
        finally:
            tasks.cancel_scope.cancel()
    if isinstance(failure, SourceNotFound):
        await _refuse(send, str(failure))
    elif isinstance(failure, TarFailed):
        # the body is left incomplete: the runner fails DOWNLOAD_SOURCE on the broken download
        log.warning("source download of job %s broken off: %s", job_id, failure)
        raise ResponseAborted
    elif failure is not None:
        raise failure


async def _send_file(send: Send, path: Path, headers: list[tuple[bytes, bytes]]) -> None:
    with path.open("rb") as handle:
        size = path.stat().st_size
        start = [*headers, (b"content-length", str(size).encode())]
        await send({"type": "http.response.start", "status": 200, "headers": start})
        while chunk := await anyio.to_thread.run_sync(handle.read, CHUNK):
            await send({"type": "http.response.body", "body": chunk, "more_body": True})
        await send({"type": "http.response.body", "body": b""})


async def _send(send: Send, message: dict[str, Any]) -> None:
    await send(message)


async def _refuse(send: Send, message: str) -> None:
    await send_json(send, 404, {"__type": "SourceNotFound", "message": message})
