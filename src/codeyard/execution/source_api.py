"""The work API's source download: a build's primary or secondary source, streamed to its runner.

CODECOMMIT sources come as the tar of a clone's `.git` (`x-codeyard-commit` names the commit,
`x-codeyard-branch` the branch checked out, "" when HEAD is detached); S3 sources as the zip kept
in the artifact store at their location."""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any

import anyio.from_thread
import anyio.to_thread

from codeyard.execution.artifact_store import ArtifactStore
from codeyard.execution.queue import WorkQueue
from codeyard.execution.source_archive import SourceArchives, SourceNotFound
from codeyard.router import Send, send_json

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
    send: Send,
    queue: WorkQueue,
    sources: SourceArchives,
    artifacts: ArtifactStore | None,
    runner_id: str,
    job_id: str,
    identifier: str,
) -> None:
    """Answers the source (LeaseLost propagates when the runner does not hold the build)."""
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
            headers = [
                (b"content-type", b"application/x-tar"),
                (b"x-codeyard-commit", archive.commit.encode()),
                (b"x-codeyard-branch", archive.branch.encode()),
            ]
            # the tar goes out as tar makes it (chunked: its size is not known beforehand), so the
            # runner waits for the clone alone, not also for a whole tar written to disk; a tar that
            # fails part-way raises, which breaks the response off: the runner sees an incomplete body
            start = {"type": "http.response.start", "status": 200, "headers": headers}
            anyio.from_thread.run(_send, send, start)
            with contextlib.closing(archive.tar(CHUNK)) as pieces:
                for piece in pieces:
                    body = {"type": "http.response.body", "body": piece, "more_body": True}
                    anyio.from_thread.run(_send, send, body)
            anyio.from_thread.run(_send, send, {"type": "http.response.body", "body": b""})

    try:
        await anyio.to_thread.run_sync(clone)
    except SourceNotFound as error:
        await _refuse(send, str(error))


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
