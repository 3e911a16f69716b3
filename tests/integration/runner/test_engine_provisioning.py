"""PROVISIONING: the executor's workspace is made in a thread, so a slow one (an image being pulled)
holds neither the build's timeout nor its stop, and what it makes late is cleaned up."""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path

import pytest

from codeyard.runner.buildspec.parser import parse
from codeyard.runner.engine.events import BuildEnded, BuildEvent, LogLines, PhaseEnded
from codeyard.runner.engine.executors import HostExecutor, Workspace
from codeyard.runner.engine.runner import BuildRequest, BuildRunner
from tests.integration.runner.build_helper import CONTEXT, run_build


class SlowHost(HostExecutor):
    """The host executor, whose workspace is only made once `release` is set (as a pull ends)."""

    def __init__(self, base_dir: Path) -> None:
        super().__init__(base_dir)
        self.release = threading.Event()
        self.made: list[Workspace] = []
        self.cleaned: list[Workspace] = []

    def prepare(self, build_id: str) -> Workspace:
        assert self.release.wait(60), "the test never released the workspace"
        workspace = super().prepare(build_id)
        self.made.append(workspace)
        return workspace

    def cleanup(self, workspace: Workspace) -> None:
        self.cleaned.append(workspace)
        super().cleanup(workspace)


def test_a_build_times_out_while_its_workspace_is_still_being_made(tmp_path: Path) -> None:
    executor = SlowHost(tmp_path / "builds")

    async def observe(event: BuildEvent) -> None:
        if isinstance(event, PhaseEnded):  # the timeout ended PROVISIONING: the "pull" may end now
            executor.release.set()

    build = run_build(
        tmp_path,
        "version: 0.2\nphases:\n  build:\n    commands:\n      - echo never\n",
        timeout=0.3,
        executor=executor,
        observer=observe,
    )
    assert build.ended.status == "TIMED_OUT"
    assert build.statuses["PROVISIONING"] == "TIMED_OUT"
    assert "never" not in build.output
    assert len(executor.made) == 1
    assert executor.cleaned == executor.made
    assert not executor.made[0].root.exists()


class ThreadNoting(HostExecutor):
    """The host executor, noting the thread each workspace is made in."""

    def __init__(self, base_dir: Path) -> None:
        super().__init__(base_dir)
        self.threads: list[int] = []

    def prepare(self, build_id: str) -> Workspace:
        self.threads.append(threading.get_ident())
        return super().prepare(build_id)


@pytest.mark.parametrize("in_thread", [True, False])
def test_the_workspace_is_made_in_a_worker_thread_unless_the_runner_is_told_not_to(
    tmp_path: Path, in_thread: bool
) -> None:
    executor = ThreadNoting(tmp_path / "builds")
    request = BuildRequest(
        context=CONTEXT,
        buildspec=parse("version: 0.2\nphases:\n  build:\n    commands:\n      - echo made\n"),
    )
    events: list[BuildEvent] = []

    async def sink(event: BuildEvent) -> None:
        events.append(event)

    async def main() -> tuple[BuildEnded, int]:
        runner = BuildRunner(executor, request, sink, prepare_in_thread=in_thread)
        return await runner.run(), threading.get_ident()

    ended, loop_thread = asyncio.run(main())
    assert ended.status == "SUCCEEDED"
    assert any("made" in event.lines for event in events if isinstance(event, LogLines))
    assert len(executor.threads) == 1
    assert (executor.threads[0] != loop_thread) is in_thread
