"""Runs a buildspec text on an executor (the host's by default) and keeps every event, for the engine's tests."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from codeyard.runner.buildspec.parser import parse
from codeyard.runner.engine.environment import BuildContext, EnvironmentVariable
from codeyard.runner.engine.events import BuildEnded, BuildEvent, LogLines, PhaseEnded
from codeyard.runner.engine.executors import Executor, HostExecutor
from codeyard.runner.engine.hooks import BuildHooks
from codeyard.runner.engine.runner import BuildRequest, BuildRunner

CONTEXT = BuildContext(
    build_id="demo:0b1c2d3e-0000-4000-8000-000000000001",
    build_arn="arn:aws:codebuild:eu-west-1:123456789012:build/demo:0b1c2d3e-0000-4000-8000-000000000001",
    build_number=7,
    region="eu-west-1",
    start_time=datetime(2026, 1, 2, 3, 4, 5, 678000, tzinfo=UTC),
    initiator="alice",
    source_version="refs/heads/main",
    image="aws/codebuild/standard:7.0",
)


@dataclass
class Build:
    """What a build produced: its end, its phase records and its log lines."""

    ended: BuildEnded
    events: list[BuildEvent] = field(default_factory=list)

    @property
    def log(self) -> list[str]:
        return [line for event in self.events if isinstance(event, LogLines) for line in event.lines]

    @property
    def output(self) -> list[str]:
        """The log without the engine's own [Container] lines."""
        return [line for line in self.log if not line.startswith("[Container] ")]

    @property
    def statuses(self) -> dict[str, str]:
        return {str(record.phase): str(record.status) for record in self.ended.phases}

    def record(self, phase: str) -> PhaseEnded:
        return next(record for record in self.ended.phases if record.phase == phase)


def run_build(
    tmp_path: Path,
    text: str | None,
    hooks: BuildHooks | None = None,
    timeout: float = 120.0,
    project: tuple[EnvironmentVariable, ...] = (),
    override: tuple[EnvironmentVariable, ...] = (),
    stop_on: str | None = None,
    executor: Executor | None = None,
    observer: Callable[[BuildEvent], Awaitable[None]] | None = None,
) -> Build:
    """Runs `text` as a buildspec (None: the hooks load it) on `executor` (default: the host's); with
    `stop_on`, asks the build to stop when a log line equals it; `observer` sees each event as it comes."""
    events: list[BuildEvent] = []

    async def main() -> BuildEnded:
        runner: BuildRunner

        async def sink(event: BuildEvent) -> None:
            events.append(event)
            if observer is not None:
                await observer(event)
            if stop_on is not None and isinstance(event, LogLines) and stop_on in event.lines:
                runner.stop()

        request = BuildRequest(
            context=CONTEXT,
            buildspec=None if text is None else parse(text),
            project_variables=project,
            override_variables=override,
            timeout_seconds=timeout,
            kill_grace_seconds=0.5,
        )
        runner = BuildRunner(executor or HostExecutor(tmp_path / "builds"), request, sink, hooks)
        return await runner.run()

    ended = asyncio.run(main())
    return Build(ended, events)
