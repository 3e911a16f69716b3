"""The work API under /_codeyard/v1/work: runners register, long-poll for jobs and report on them."""

from __future__ import annotations

import json
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import parse_qs, unquote

import anyio.to_thread

from codeyard.errors import CodeyardError
from codeyard.execution.artifact_store import ArtifactStore
from codeyard.execution.build_secrets import PARAMETER_ERROR, BuildSecrets, SecretError
from codeyard.execution.buildspec_api import send_buildspec
from codeyard.execution.cache_api import CacheApi
from codeyard.execution.messages import WORK_PREFIX, Completion, LogChunk, PhaseUpdate, ReportFiled
from codeyard.execution.queue import LeaseLost, UnknownRunner, WorkQueue
from codeyard.execution.registry import RunnerRegistry
from codeyard.execution.report_export import ReportExport
from codeyard.execution.report_intake import ReportIntake, ReportRefused
from codeyard.execution.source_api import send_source
from codeyard.execution.source_archive import SourceArchives
from codeyard.execution.wakeup import Wakeup
from codeyard.router import Receive, Scope, Send, not_found, send_json

MAX_BODY = 8 * 1024 * 1024
MAX_WAIT = 20.0  # seconds a poll waits for a job at most
# Seconds between a waiting poll's looks at the queue. Builds queued on any server wake the polls at
# once (Wakeup; PostgreSQL notifications between servers): the look only catches a lost wake-up.
RECHECK = 1.0
T = TypeVar("T")


class WorkApi:
    def __init__(
        self,
        queue: WorkQueue,
        registry: RunnerRegistry,
        wakeup: Wakeup,
        sources: SourceArchives,
        secrets: BuildSecrets | None = None,
        artifacts: ArtifactStore | None = None,
        reports: ReportIntake | None = None,
        export: ReportExport | None = None,
        cache_max_upload: int | None = None,
        recheck: float = RECHECK,
    ) -> None:
        self._recheck = recheck
        self._export = export
        self._artifacts = artifacts
        self._reports = reports
        self._secrets = secrets
        self._queue = queue
        self._registry = registry
        self._wakeup = wakeup
        self._sources = sources
        self._cache = CacheApi(queue, registry, artifacts, cache_max_upload)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path: str = scope["path"][len(WORK_PREFIX) :]
        method: str = scope["method"]
        token = _bearer(scope)
        if path.endswith("/artifacts") and method == "PUT":
            await self._artifact(scope, receive, send, token, path)
            return
        parts = path.split("/")
        if len(parts) >= 4 and parts[1] == "jobs" and parts[3] == "cache":  # streamed both ways
            await self._cache(scope, receive, send, token)
            return
        if parts[1:2] == ["jobs"] and parts[3:] == ["reports", "raw"] and method == "PUT" and self._export:
            await self._export(scope, receive, send, token, unquote(parts[2]))
            return
        body = await _body(receive)
        if path == "/register" and method == "POST":
            try:
                request = _json(body)
            except ValueError as error:  # a body that is not JSON
                await send_json(send, 400, _error("BadRequest", f"{type(error).__name__}: {error}"))
                return
            name, fleet = str(request.get("name", "")), str(request.get("fleet") or "")
            try:
                registration = await _run(self._registry.register, token, name, fleet)
            except CodeyardError as error:  # an unknown fleet
                await send_json(send, 400, _error(error.code, error.message))
                return
            if registration is None:
                await send_json(send, 401, _error("Unauthorized", "The registration token is not valid."))
                return
            await send_json(send, 200, registration.to_dict())
            return
        runner_id = await _run(self._registry.authenticate, token)
        if runner_id is None:
            await send_json(send, 401, _error("Unauthorized", "The runner token is not valid."))
            return
        try:
            if path == "/poll" and method == "POST":
                await self._poll(scope, send, runner_id)
                return
            if len(parts) == 4 and parts[1] == "jobs" and parts[3] == "source" and method == "GET":
                source = parse_qs(scope.get("query_string", b"").decode()).get("source", [""])[0]
                await send_source(
                    receive,
                    send,
                    self._queue,
                    self._sources,
                    self._artifacts,
                    runner_id,
                    unquote(parts[2]),
                    source,
                )
                return
            if len(parts) == 4 and parts[1] == "jobs" and parts[3] == "buildspec" and method == "GET":
                await send_buildspec(send, self._queue, self._artifacts, runner_id, unquote(parts[2]))
                return
            if len(parts) == 4 and parts[1] == "jobs":
                await self._job_call(send, runner_id, unquote(parts[2]), parts[3], method, body)
                return
        except LeaseLost as error:
            await send_json(send, 409, _error("LeaseLost", str(error)))
            return
        except UnknownRunner:
            await send_json(send, 401, _error("Unauthorized", "The runner is not registered."))
            return
        except (ValueError, TypeError) as error:  # a body that is not the message it should be
            await send_json(send, 400, _error("BadRequest", f"{type(error).__name__}: {error}"))
            return
        await send_json(send, 404, not_found(scope["path"]))

    async def _poll(self, scope: Scope, send: Send, runner_id: str) -> None:
        query = parse_qs(scope.get("query_string", b"").decode())
        try:
            wait = min(MAX_WAIT, max(0.0, float(query.get("wait", [MAX_WAIT])[0])))
        except ValueError:
            wait = MAX_WAIT
        deadline = time.monotonic() + wait
        while True:
            ticket = self._wakeup.ticket()
            job = await _run(self._queue.claim, runner_id)
            if job is not None:
                await send_json(send, 200, job.to_dict())
                return
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                break
            step = min(remaining, self._recheck)
            if not await self._wakeup.wait(ticket, step) and step >= remaining:
                break  # the wait is over unwoken; the runner polls again at once
        await send({"type": "http.response.start", "status": 204, "headers": [(b"content-length", b"0")]})
        await send({"type": "http.response.body", "body": b""})

    async def _job_call(
        self, send: Send, runner_id: str, job_id: str, action: str, method: str, body: bytes
    ) -> None:
        queue = self._queue
        if action == "heartbeat" and method == "POST":
            renewal = await _run(queue.heartbeat, runner_id, job_id)
            await send_json(send, 200, renewal.to_dict())
        elif action == "logs" and method == "POST":
            stored = await _run(queue.log, runner_id, job_id, LogChunk.from_dict(_json(body)))
            await send_json(send, 200, {"stored": stored})
        elif action == "phase" and method == "POST":
            await _run(queue.phase, runner_id, job_id, PhaseUpdate.from_dict(_json(body)))
            await send_json(send, 200, {})
        elif action == "complete" and method == "POST":
            await _run(queue.complete, runner_id, job_id, Completion.from_dict(_json(body)))
            await send_json(send, 200, {})
        elif action == "secret" and method == "POST":
            await self._secret(send, runner_id, job_id, _json(body))
        elif action == "reports" and method == "POST" and self._reports is not None:
            try:
                arn = await _run(self._reports.receive_message, runner_id, job_id, _json(body))
            except ReportRefused as error:
                await send_json(send, 400, _error("CLIENT_ERROR", str(error)))
                return
            wanted = self._export is not None and await _run(self._export.wanted, arn)
            await send_json(send, 200, ReportFiled(arn, wanted).to_dict())
        else:
            await send_json(send, 404, not_found(f"{WORK_PREFIX}/jobs/{job_id}/{action}"))

    async def _artifact(self, scope: Scope, receive: Receive, send: Send, token: str, path: str) -> None:
        """The primary artifact's zip, streamed to a file, then kept in the artifact store."""
        runner_id = await _run(self._registry.authenticate, token)
        parts = path.split("/")
        if runner_id is None or self._artifacts is None or len(parts) != 4:
            await send_json(
                send, 401 if runner_id is None else 404, _error("Refused", "No artifact store here.")
            )
            return
        job_id = unquote(parts[2])
        name = unquote(_header(scope, b"x-codeyard-artifact-name"))
        identifier = unquote(_header(scope, b"x-codeyard-artifact-identifier"))
        with tempfile.TemporaryDirectory(prefix="codeyard-artifact-") as directory:
            upload = Path(directory) / "artifact.zip"
            with upload.open("wb") as handle:
                while True:
                    message = await receive()
                    handle.write(message.get("body", b""))
                    if not message.get("more_body"):
                        break
            try:
                await _run(self._queue.artifact, runner_id, job_id, upload, name, identifier, self._artifacts)
            except LeaseLost as error:
                await send_json(send, 409, _error("LeaseLost", str(error)))
                return
            except (ValueError, OSError) as error:
                await send_json(send, 400, _error("CLIENT_ERROR", f"Cannot keep the artifact: {error}"))
                return
        await send_json(send, 200, {})

    async def _secret(self, send: Send, runner_id: str, job_id: str, request: dict[str, Any]) -> None:
        job = await _run(self._queue.job, runner_id, job_id)
        if self._secrets is None:
            await send_json(send, 400, _error(PARAMETER_ERROR, "this server resolves no references"))
            return
        kind, reference = str(request.get("type", "")), str(request.get("reference", ""))
        try:
            value = await _run(self._secrets.resolve, job.region, job_id, kind, reference)
        except SecretError as error:
            await send_json(send, 400, _error(error.code, error.message))
            return
        await send_json(send, 200, {"value": value})


async def _run(function: Callable[..., T], *args: Any) -> T:
    """A database call, off the event loop."""
    return await anyio.to_thread.run_sync(function, *args)


async def _body(receive: Receive) -> bytes:
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > MAX_BODY:
            raise ValueError("request body too large")
        chunks.append(chunk)
        if not message.get("more_body"):
            return b"".join(chunks)


def _json(body: bytes) -> dict[str, Any]:
    data = json.loads(body or b"{}")
    return data if isinstance(data, dict) else {}


def _header(scope: Scope, wanted: bytes) -> str:
    for name, value in scope.get("headers", []):
        if name.lower() == wanted:
            text: str = value.decode("latin-1")
            return text
    return ""


def _bearer(scope: Scope) -> str:
    text = _header(scope, b"authorization")
    return text[7:].strip() if text.lower().startswith("bearer ") else ""


def _error(kind: str, message: str) -> dict[str, str]:
    return {"__type": kind, "message": message}
