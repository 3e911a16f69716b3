"""The work API's buildspec download: the S3 object a build's buildspec names (an object's ARN as
its `buildspec_path`), read from the artifact store when the runner loads the buildspec."""

from __future__ import annotations

from pathlib import Path

import anyio.to_thread

from codeyard.execution.artifact_store import ArtifactStore
from codeyard.execution.buildspec_location import MAX_BUILDSPEC_BYTES, is_s3_arn
from codeyard.execution.queue import WorkQueue
from codeyard.router import Send, send_json

YAML_FILE_ERROR = "YAML_FILE_ERROR"


async def send_buildspec(
    send: Send, queue: WorkQueue, artifacts: ArtifactStore | None, runner_id: str, job_id: str
) -> None:
    """Answers the object's bytes; 404 YAML_FILE_ERROR naming the location when there is no such
    object, 400 YAML_FILE_ERROR when it is larger than 1 MiB (LeaseLost propagates)."""
    job = await anyio.to_thread.run_sync(queue.job, runner_id, job_id)
    location = str(job.payload.get("buildspec_path", "")).strip()
    found = artifacts.find(location) if artifacts is not None and is_s3_arn(location) else None
    content = await anyio.to_thread.run_sync(_read, found) if found is not None else None
    if content is None:
        message = f"YAML_FILE_ERROR: the buildspec object {location} does not exist"
        await send_json(send, 404, {"__type": YAML_FILE_ERROR, "message": message})
        return
    if len(content) > MAX_BUILDSPEC_BYTES:
        message = f"YAML_FILE_ERROR: the buildspec object {location} is larger than 1 MiB"
        await send_json(send, 400, {"__type": YAML_FILE_ERROR, "message": message})
        return
    headers = [(b"content-type", b"application/yaml"), (b"content-length", str(len(content)).encode())]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": content})


def _read(path: Path) -> bytes | None:
    """The object's bytes, at most one more than MAX_BUILDSPEC_BYTES (an object of gigabytes named as
    a buildspec is refused by its size, never read whole into the server's memory); None when it is
    gone (or no longer a file) since it was found."""
    try:
        with path.open("rb") as handle:
            return handle.read(MAX_BUILDSPEC_BYTES + 1)
    except OSError:
        return None
