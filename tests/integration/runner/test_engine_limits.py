"""The engine's limits on the host: timeouts and stops kill the whole tree, large output streams."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from codeyard.runner.buildspec.parser import parse
from codeyard.runner.engine.events import BuildEnded, BuildEvent, LogLines
from codeyard.runner.engine.executors import HostExecutor, Workspace
from codeyard.runner.engine.hooks import BuildHooks
from codeyard.runner.engine.runner import BuildRequest, BuildRunner
from tests.integration.runner.build_helper import CONTEXT, run_build

# A child that ignores SIGTERM, with a grandchild (which inherits the ignored SIGTERM), both reported.
STUBBORN = """bash -c 'trap "" TERM; sleep 1000 & echo "grandchild=$!"; echo "child=$$"; wait'"""


def _alive(pid: int) -> bool:
    """True while the process exists and is not a zombie."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat[stat.rindex(")") + 2] not in "ZX"


def _pids(lines: list[str]) -> dict[str, int]:
    return {key: int(value) for key, _, value in (line.partition("=") for line in lines) if value.isdigit()}


def test_a_timeout_kills_the_whole_tree_and_still_finalizes(tmp_path: Path) -> None:
    build = run_build(
        tmp_path,
        f"""
version: 0.2
phases:
  build:
    commands:
      - echo "shell=$$"
      - |
        {STUBBORN}
  post_build:
    commands: [echo never]
""",
        timeout=1.0,
    )
    pids = _pids(build.output)
    assert set(pids) == {"shell", "child", "grandchild"}
    assert [pid for pid in pids.values() if _alive(pid)] == []
    assert build.statuses["BUILD"] == "TIMED_OUT"
    assert [(c.status_code, c.message) for c in build.record("BUILD").contexts] == [
        ("BUILD_TIMED_OUT", "Build timed out")
    ]
    assert "POST_BUILD" not in build.statuses
    assert list(build.statuses)[-1] == "FINALIZING"
    assert build.ended.status == "TIMED_OUT"


def test_a_stop_request_kills_the_tree_and_the_build_ends_stopped(tmp_path: Path) -> None:
    build = run_build(
        tmp_path,
        f"""
version: 0.2
phases:
  install:
    commands:
      - sleep 1000 & echo "background=$!"
      - |
        ({STUBBORN}) &
        echo ready; wait
""",
        stop_on="ready",
    )
    assert build.statuses["INSTALL"] == "STOPPED"
    assert build.record("INSTALL").contexts[0].status_code == "BUILD_STOPPED"
    assert build.ended.status == "STOPPED"
    assert "ready" in build.output
    pids = _pids(build.output)
    assert "background" in pids
    assert [pid for pid in pids.values() if _alive(pid)] == []


def test_twenty_megabytes_of_output_stream_in_bounded_chunks(tmp_path: Path) -> None:
    line = "0123456789" * 10
    build = run_build(
        tmp_path,
        f"version: 0.2\nphases:\n  build:\n    commands:\n      - yes {line} | head -c 20000000\n      - echo done\n",
    )
    output = [event for event in build.events if isinstance(event, LogLines)]
    lines = [text for event in output for text in event.lines if not text.startswith("[Container]")]
    assert len(lines) == 20_000_000 // 101 + 2
    assert lines[0] == line
    assert lines[-1] == "done"
    assert max(len(event.lines) for event in output) <= 64 * 1024 // 101 + 1
    assert build.statuses["BUILD"] == "SUCCEEDED"


def test_an_unexpected_hook_error_is_a_fault(tmp_path: Path) -> None:
    async def download(workspace: Workspace) -> str:
        raise RuntimeError("disk on fire")

    build = run_build(
        tmp_path, "version: 0.2\nphases:\n  build:\n    commands: [echo no]\n", BuildHooks(download)
    )
    assert build.statuses == {
        "PROVISIONING": "SUCCEEDED",
        "DOWNLOAD_SOURCE": "FAULT",
        "FINALIZING": "SUCCEEDED",
    }
    assert build.record("DOWNLOAD_SOURCE").contexts[0].message == "RuntimeError: disk on fire"
    assert build.ended.status == "FAULT"
    assert build.output == []


def test_a_windows_shell_fails_download_source_with_a_client_error(tmp_path: Path) -> None:
    build = run_build(
        tmp_path, "version: 0.2\nenv:\n  shell: powershell.exe\nphases:\n  build:\n    commands: [dir]\n"
    )
    context = build.record("DOWNLOAD_SOURCE").contexts[0]
    assert (build.statuses["DOWNLOAD_SOURCE"], context.status_code) == ("FAILED", "CLIENT_ERROR")
    assert "powershell.exe" in context.message


def test_cancelling_a_running_build_leaves_no_process_behind(tmp_path: Path) -> None:
    lines: list[str] = []

    async def main() -> None:
        task: asyncio.Task[BuildEnded]

        async def sink(event: BuildEvent) -> None:
            if isinstance(event, LogLines):
                lines.extend(event.lines)
                if "ready" in event.lines:
                    task.cancel()

        buildspec = parse(
            f"version: 0.2\nphases:\n  build:\n    commands:\n      - |\n        {STUBBORN} &\n        echo ready; wait\n"
        )
        runner = BuildRunner(
            HostExecutor(tmp_path / "builds"), BuildRequest(CONTEXT, buildspec, kill_grace_seconds=0.2), sink
        )
        task = asyncio.create_task(runner.run())
        with pytest.raises(asyncio.CancelledError):
            await task

    asyncio.run(main())
    assert "ready" in lines
    assert [pid for pid in _pids(lines).values() if _alive(pid)] == []
    assert list((tmp_path / "builds").iterdir()) == []
