"""Processes in the bubblewrap sandbox: limits on each, daemons, a fork bomb, timeouts and stops ending
every process of the build."""

from __future__ import annotations

import os
import pwd
import subprocess
import uuid
from pathlib import Path

import pytest

from codeyard.runner.engine.bwrap import SandboxLimits, SandboxOptions
from codeyard.runner.engine.events import BuildEvent, LogLines
from codeyard.runner.engine.sandbox import SandboxExecutor
from tests.integration.runner.build_helper import run_build
from tests.integration.runner.sandbox_helper import sandbox, sandbox_runs

pytestmark = pytest.mark.usefixtures(sandbox_runs.__name__)
ROOT = os.geteuid() == 0


def test_limits_apply_to_every_process_of_the_build(tmp_path: Path) -> None:
    limits = SandboxLimits(processes=300, open_files=512, address_space_bytes=1 << 30)
    build = run_build(
        tmp_path,
        """
version: 0.2
phases:
  build:
    commands:
      - ulimit -u; ulimit -n; ulimit -v
      - ulimit -n 1024 2>/dev/null || echo cannot-raise
      - dd if=/dev/zero of=/dev/null bs=1M count=1 2>/dev/null && echo small-buffer
      - dd if=/dev/zero of=/dev/null bs=2G count=1 2>/dev/null || echo large-buffer-refused
""",
        executor=SandboxExecutor(tmp_path / "builds", SandboxOptions(limits=limits)),
    )
    assert build.output == ["300", "512", "1048576", "cannot-raise", "small-buffer", "large-buffer-refused"]
    assert build.ended.status == "SUCCEEDED"


def _processes_with(marker: str) -> list[int]:
    """Live processes on the host whose command line holds `marker`."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            command = (entry / "cmdline").read_bytes()
            state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if marker.encode() in command and state not in ("Z", "X"):
            found.append(int(entry.name))
    return found


def test_a_daemonised_process_is_gone_after_the_build(tmp_path: Path) -> None:
    marker = f"daemon{uuid.uuid4().hex}"
    pattern = f"{marker[:6]}[{marker[6]}]{marker[7:]}"
    during: list[list[int]] = []

    async def sink(event: BuildEvent) -> None:
        if isinstance(event, LogLines) and "daemon-started" in event.lines:
            during.append(_processes_with(marker))

    build = run_build(
        tmp_path,
        f"""
version: 0.2
phases:
  build:
    commands:
      - setsid sh -c 'sleep 1000; true {marker}' </dev/null >/dev/null 2>&1 &
      - until grep -qs '{pattern}' /proc/[0-9]*/cmdline; do :; done; echo daemon-started
""",
        executor=sandbox(tmp_path),
        observer=sink,
    )
    assert build.ended.status == "SUCCEEDED"
    assert len(during) == 1
    assert during[0] != []
    assert _processes_with(marker) == []


def _free_uid() -> int:
    """A uid with no user and no process on this host, for a build whose processes are counted."""
    used = {int(line.split()[1]) for line in _status_lines("Uid:")}
    for uid in range(61000, 62000):
        try:
            pwd.getpwuid(uid)
        except KeyError:
            if uid not in used:
                return uid
    raise AssertionError("no free uid in 61000-61999")


def _status_lines(prefix: str) -> list[str]:
    lines = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                text = (entry / "status").read_text()
            except OSError:
                continue
            lines += [line for line in text.splitlines() if line.startswith(prefix)]
    return lines


def _processes_of(uid: int) -> int:
    return sum(1 for line in _status_lines("Uid:") if int(line.split()[1]) == uid)


@pytest.mark.skipif(not ROOT, reason="counting a build's processes by uid needs a runner started as root")
def test_a_fork_bomb_hits_the_process_limit_and_the_host_stays_responsive(tmp_path: Path) -> None:
    uid = _free_uid()
    limit = 64
    options = SandboxOptions(limits=SandboxLimits(processes=limit), uid=uid, gid=uid)
    counts: list[int] = []
    forks: list[int] = []

    async def sink(event: BuildEvent) -> None:
        # The first refused fork: the bomb is at its limit, the moment a host without one would choke.
        refused = isinstance(event, LogLines) and any(
            "Resource temporarily unavailable" in x for x in event.lines
        )
        if refused and not forks:
            counts.append(_processes_of(uid))
            forks.append(subprocess.run(["true"], check=False).returncode)

    build = run_build(
        tmp_path,
        "version: 0.2\nphases:\n  build:\n    commands:\n      - ':(){ :|:& };:'\n      - sleep 60\n",
        timeout=5.0,
        executor=SandboxExecutor(tmp_path / "builds", options),
        observer=sink,
    )
    assert build.ended.status in ("FAILED", "TIMED_OUT")
    assert forks == [0]
    assert 0 < counts[0] <= limit
    assert _processes_of(uid) == 0
    assert subprocess.run(["true"], check=False).returncode == 0


def test_a_timeout_ends_every_process_of_the_sandbox(tmp_path: Path) -> None:
    marker = f"stubborn{uuid.uuid4().hex}"
    build = run_build(
        tmp_path,
        f"""
version: 0.2
phases:
  build:
    commands:
      - bash -c 'trap "" TERM; sleep 1000; true {marker}' & setsid sh -c 'trap "" TERM; sleep 1000; true {marker}' &
      - wait
  post_build:
    commands: [echo never]
""",
        timeout=2.0,
        executor=sandbox(tmp_path),
    )
    assert build.statuses["BUILD"] == "TIMED_OUT"
    assert "POST_BUILD" not in build.statuses
    assert build.ended.status == "TIMED_OUT"
    assert _processes_with(marker) == []


def test_a_stop_ends_the_build_stopped_and_every_process_with_it(tmp_path: Path) -> None:
    marker = f"stopped{uuid.uuid4().hex}"
    pattern = f"{marker[:7]}[{marker[7]}]{marker[8:]}"
    build = run_build(
        tmp_path,
        f"""
version: 0.2
phases:
  install:
    commands:
      - setsid sh -c 'trap "" TERM; sleep 1000; true {marker}' </dev/null >/dev/null 2>&1 &
      - until grep -qs '{pattern}' /proc/[0-9]*/cmdline; do :; done; echo ready; wait
""",
        stop_on="ready",
        executor=sandbox(tmp_path),
    )
    assert build.statuses["INSTALL"] == "STOPPED"
    assert build.record("INSTALL").contexts[0].status_code == "BUILD_STOPPED"
    assert build.ended.status == "STOPPED"
    assert _processes_with(marker) == []
