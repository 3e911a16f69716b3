"""The runner's side of the work API (httpx): every call retried through server restarts."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any, BinaryIO, TypeVar
from urllib.parse import quote

import httpx

from codeyard.execution.messages import (
    WORK_PREFIX,
    Completion,
    Job,
    LeaseRenewal,
    LogChunk,
    PhaseUpdate,
    Registration,
    ReportFiled,
    ReportUpload,
)

log = logging.getLogger(__name__)
T = TypeVar("T")
POLL_WAIT = 20.0
# How long the source download waits for the server's next bytes: the server clones the repository
# (and its submodules) before it answers, then sends the tar as it is made.
SOURCE_READ_TIMEOUT = 600.0
RETRY_DELAYS = (0.1, 0.2, 0.5, 1.0, 2.0)


class Refused(Exception):
    """The server answered no (a bad token, a lost lease): retrying will not help. `code` and
    `reason` are the answer's `__type` and `message` when it had them."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(f"{status}: {message}")
        self.status = status
        try:
            answer = json.loads(message)
        except ValueError:
            answer = None
        answer = answer if isinstance(answer, dict) else {}
        self.code = str(answer.get("__type", ""))
        self.reason = str(answer.get("message", message))


class WorkClient:
    def __init__(
        self,
        server: str,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        source_read_timeout: float = SOURCE_READ_TIMEOUT,
    ) -> None:
        self._http = httpx.AsyncClient(
            base_url=server.rstrip("/") + WORK_PREFIX,
            timeout=httpx.Timeout(30.0, read=POLL_WAIT + 15),
            transport=transport,
        )
        self._token = ""
        self.source_read_timeout = source_read_timeout

    async def close(self) -> None:
        await self._http.aclose()

    async def register(self, registration_token: str, name: str, fleet: str = "") -> Registration:
        """Registers the runner (into `fleet`, a fleet's name or ARN, when given); Refused (400)
        when that fleet does not exist."""
        body = {"name": name, "fleet": fleet} if fleet else {"name": name}
        answer = await self._call("POST", "/register", body, token=registration_token)
        registration = Registration.from_dict(answer.json())
        self._token = registration.token
        return registration

    async def poll(self, wait: float = POLL_WAIT) -> Job | None:
        answer = await self._call("POST", f"/poll?wait={wait}", {})
        return Job.from_dict(answer.json()) if answer.status_code == 200 else None

    async def heartbeat(self, job_id: str) -> LeaseRenewal:
        answer = await self._call("POST", _job(job_id, "heartbeat"), {}, attempts=2)
        return LeaseRenewal.from_dict(answer.json())

    async def log(self, job_id: str, chunk: LogChunk) -> None:
        await self._call("POST", _job(job_id, "logs"), chunk.to_dict())

    async def phase(self, job_id: str, update: PhaseUpdate) -> None:
        await self._call("POST", _job(job_id, "phase"), update.to_dict())

    async def complete(self, job_id: str, completion: Completion) -> None:
        await self._call("POST", _job(job_id, "complete"), completion.to_dict())

    async def secret(self, job_id: str, kind: str, reference: str) -> str:
        """The value of a PARAMETER_STORE or SECRETS_MANAGER reference; Refused (400) carries the
        phase context's status code as `code` and the reason."""
        answer = await self._call("POST", _job(job_id, "secret"), {"type": kind, "reference": reference})
        return str(answer.json()["value"])

    async def report(self, job_id: str, upload: ReportUpload) -> ReportFiled:
        """Files one report of the build; answers its ARN and whether to send its raw data. Refused
        (400) when its group is missing or of another type."""
        answer = await self._call("POST", _job(job_id, "reports"), upload.to_dict())
        return ReportFiled.from_dict(answer.json())

    async def report_raw(self, job_id: str, report_arn: str, path: Path) -> None:
        """Uploads the zip of a report's raw files (streamed from `path`) for its group's export."""
        headers = {"authorization": f"Bearer {self._token}"}
        params = {"report": report_arn}
        with path.open("rb") as handle:
            answer = await self._http.put(
                _job(job_id, "reports/raw"), content=_chunks(handle), headers=headers, params=params
            )
        if answer.status_code != 200:
            raise Refused(answer.status_code, answer.text)

    async def artifact(self, job_id: str, path: Path, name: str, identifier: str = "") -> None:
        """Uploads an artifact's zip (streamed from `path`); `name` is the buildspec's, `identifier`
        the secondary artifact's ("" for the primary one)."""
        headers = {
            "authorization": f"Bearer {self._token}",
            "x-codeyard-artifact-name": quote(name),
            "x-codeyard-artifact-identifier": quote(identifier),
        }
        with path.open("rb") as handle:
            answer = await self._http.put(_job(job_id, "artifacts"), content=_chunks(handle), headers=headers)
        if answer.status_code != 200:
            raise Refused(answer.status_code, answer.text)

    async def source(
        self, job_id: str, write: Callable[[bytes], object], identifier: str = ""
    ) -> tuple[str, str]:
        """Streams the job's source (the tar of a clone's .git, or a zip for an S3 source) to `write`:
        the primary one, or the secondary one with that identifier; answers the commit it holds
        ("" for none) and its content type. Not retried: httpx's errors (a timeout after
        `source_read_timeout` seconds without a byte, a broken connection) propagate."""
        headers = {"authorization": f"Bearer {self._token}"}
        params = {"source": identifier} if identifier else None
        timeout = httpx.Timeout(30.0, read=self.source_read_timeout)
        path = _job(job_id, "source")
        async with self._http.stream("GET", path, headers=headers, params=params, timeout=timeout) as answer:
            if answer.status_code != 200:
                body = (await answer.aread()).decode(errors="replace")
                raise Refused(answer.status_code, body)
            async for chunk in answer.aiter_bytes():
                write(chunk)
            return str(answer.headers.get("x-codeyard-commit", "")), str(
                answer.headers.get("content-type", "")
            )

    async def buildspec(self, job_id: str) -> str:
        """The text of the S3 object the job's buildspec names; Refused (404, `code`
        YAML_FILE_ERROR) when there is no such object."""
        answer = await self._call("GET", _job(job_id, "buildspec"), {})
        return answer.content.decode("utf-8")

    def blocking(self) -> httpx.Client:
        """A blocking client with this one's server and token, for calls made from worker threads
        (the build cache); the caller closes it."""
        return httpx.Client(
            base_url=self._http.base_url,
            timeout=httpx.Timeout(60.0),
            headers={"authorization": f"Bearer {self._token}"},
        )

    async def _call(
        self, method: str, path: str, body: dict[str, Any], *, token: str | None = None, attempts: int = 0
    ) -> httpx.Response:
        """The answer to one call; connection errors and 5xx answers are retried (forever when
        `attempts` is 0: the server restarts and the runner goes on), other errors raise Refused."""
        headers = {"authorization": f"Bearer {token if token is not None else self._token}"}
        tries = 0
        while True:
            tries += 1
            try:
                answer = await self._http.request(method, path, json=body, headers=headers)
            except httpx.TransportError as error:
                failure = f"{type(error).__name__}: {error}"
            else:
                if answer.status_code < 500:
                    if answer.status_code >= 400:
                        raise Refused(answer.status_code, answer.text)
                    return answer
                failure = f"HTTP {answer.status_code}"
            if attempts and tries >= attempts:
                raise ConnectionError(f"{method} {path}: {failure}")
            delay = RETRY_DELAYS[min(tries - 1, len(RETRY_DELAYS) - 1)]
            log.debug("%s %s failed (%s); again in %.1fs", method, path, failure, delay)
            await asyncio.sleep(delay)


async def _chunks(handle: BinaryIO, size: int = 1 << 20) -> AsyncIterator[bytes]:
    while chunk := handle.read(size):
        yield chunk


def _job(job_id: str, action: str) -> str:
    return f"/jobs/{quote(job_id, safe='')}/{action}"
