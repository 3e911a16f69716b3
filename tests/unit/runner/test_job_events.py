"""A runner's BuildJob sends the engine's events through a bounded queue: an update that fails in an
unexpected way is logged and skipped, so the build goes on instead of waiting forever on the queue."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import Any

import pytest

from codeyard.execution.messages import Completion, Job, LeaseRenewal, LogChunk, PhaseUpdate
from codeyard.runner import job as job_module
from codeyard.runner.engine.executors import HostExecutor
from codeyard.runner.job import BuildJob

BOUND = 60.0  # seconds the build may take before the test calls it stuck


class FailingOnceClient:
    """The work API client's calls a build without source makes; the first log chunk fails oddly."""

    def __init__(self) -> None:
        self.chunks: list[LogChunk] = []
        self.phases: list[PhaseUpdate] = []
        self.completions: list[Completion] = []
        self.failed = False

    async def log(self, job_id: str, chunk: LogChunk) -> None:
        if not self.failed:
            self.failed = True
            raise RuntimeError("an answer the client did not expect")
        self.chunks.append(chunk)

    async def phase(self, job_id: str, update: PhaseUpdate) -> None:
        self.phases.append(update)

    async def heartbeat(self, job_id: str) -> LeaseRenewal:
        return LeaseRenewal(leased=True, stop=False)

    async def complete(self, job_id: str, completion: Completion) -> None:
        self.completions.append(completion)


def _job() -> Job:
    commands = "\n".join(f"      - echo line-{n}" for n in range(20))
    return Job(
        build_id="p:1",
        build_arn="arn:aws:codebuild:us-east-1:000000000000:build/p:1",
        build_number=1,
        project_name="p",
        project_arn="arn:aws:codebuild:us-east-1:000000000000:project/p",
        region="us-east-1",
        start_time_ms=0,
        initiator="root",
        image="aws/codebuild/standard:7.0",
        source_type="NO_SOURCE",
        source_location="",
        source_version="",
        buildspec=f"version: 0.2\nphases:\n  build:\n    commands:\n{commands}\n",
        buildspec_path="buildspec.yml",
        source_url=None,
        timeout_seconds=300,
        lease_seconds=3600,
        log_group="/aws/codebuild/p",
        log_stream="1",
    )


def test_a_failed_update_is_logged_and_the_build_still_ends(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(job_module, "MAX_PENDING_EVENTS", 1)  # the engine waits on every event
    client = FailingOnceClient()
    build = BuildJob(client, _job(), HostExecutor(tmp_path / "builds"))  # type: ignore[arg-type]

    async def run() -> Any:
        await asyncio.wait_for(build.run(), BOUND)

    with caplog.at_level(logging.ERROR, logger="codeyard.runner.job"):
        asyncio.run(run())

    assert client.failed
    assert [c.status for c in client.completions] == ["SUCCEEDED"]
    assert "an update of p:1 was not sent" in caplog.text
    lines = [line for chunk in client.chunks for line in chunk.lines]
    assert "line-19" in lines
    assert [u.phase for u in client.phases if u.status is None][-1] == "COMPLETED"
