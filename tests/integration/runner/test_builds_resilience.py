"""Builds survive what can happen to their processes: a runner killed mid-build, a server restarted."""

from __future__ import annotations

import base64
import os
import signal
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.integration.runner.builds_support import (
    buildspec,
    finished,
    log_text,
    no_source_project,
    start_runner,
    until,
)
from tests.support.server import Server

LEASE_SECONDS = 2


@pytest.fixture(params=["sqlite", "postgres"])
def lone_server(make_server: Callable[..., Server], request: pytest.FixtureRequest) -> Server:
    """A server without the embedded runner and with a short lease: the test runs runners itself."""
    env = {"CODEYARD_RUNNER": "false", "CODEYARD_LEASE_SECONDS": str(LEASE_SECONDS)}
    return make_server(request.param, extra_env=env).start()


def test_a_killed_runner_fails_its_build_as_runner_lost(lone_server: Server, tmp_path: Path) -> None:
    no_source_project(lone_server, "doomed", buildspec("echo started", "sleep 60"))
    runner = start_runner(lone_server, tmp_path / "work")
    try:
        build_id = lone_server.client("codebuild").start_build(projectName="doomed")["build"]["id"]
        until(lambda: "started" in log_text(lone_server, build_id), what="the build's first line")
        runner.send_signal(signal.SIGKILL)
        runner.wait(30)

        done = finished(lone_server, build_id, timeout=LEASE_SECONDS * 10)
    finally:
        runner.kill()
        runner.wait(30)

    assert done["buildStatus"] == "FAILED"
    build_phase = next(p for p in done["phases"] if p["phaseType"] == "BUILD")
    assert build_phase["phaseStatus"] == "FAILED"
    assert build_phase["contexts"][0]["statusCode"] == "RUNNER_LOST"
    assert "Runner lost" in build_phase["contexts"][0]["message"]
    assert done["phases"][-1]["phaseType"] == "COMPLETED"
    states = [
        e["detail"]["build-status"]
        for e in lone_server.events("aws.codebuild")
        if e["detail-type"] == "CodeBuild Build State Change"
    ]
    assert states == ["IN_PROGRESS", "FAILED"]


def test_a_build_goes_on_through_a_server_restart(lone_server: Server, tmp_path: Path) -> None:
    marker = tmp_path / "go-on"
    wait_for_marker = f"until [ -f {marker} ]; do sleep 0.05; done"
    no_source_project(
        lone_server, "patient", buildspec("echo before restart", wait_for_marker, "echo after restart")
    )
    runner = start_runner(lone_server, tmp_path / "work")
    try:
        build_id = lone_server.client("codebuild").start_build(projectName="patient")["build"]["id"]
        until(lambda: "before restart" in log_text(lone_server, build_id), what="the build's first line")
        lone_server.stop()
        lone_server.start()
        marker.touch()

        done = finished(lone_server, build_id, timeout=60)
    finally:
        runner.terminate()
        runner.wait(30)

    assert done["buildStatus"] == "SUCCEEDED", done["phases"]
    text = log_text(lone_server, build_id)
    assert text.index("before restart") < text.index("after restart")


def test_two_runners_share_the_queue_and_run_each_build_once(lone_server: Server, tmp_path: Path) -> None:
    no_source_project(lone_server, "shared", buildspec("echo run-by-$HOSTNAME-$$"))
    runners = [start_runner(lone_server, tmp_path / f"work-{i}") for i in range(2)]
    try:
        codebuild = lone_server.client("codebuild")
        ids = [codebuild.start_build(projectName="shared")["build"]["id"] for _ in range(6)]
        builds = [finished(lone_server, build_id) for build_id in ids]
    finally:
        for runner in runners:
            runner.terminate()
            runner.wait(30)

    assert [b["buildStatus"] for b in builds] == ["SUCCEEDED"] * 6
    for build in builds:
        assert [p["phaseType"] for p in build["phases"]].count("PROVISIONING") == 1
        output = [
            line for line in log_text(lone_server, build["id"]).splitlines() if line.startswith("run-by-")
        ]
        assert len(output) == 1


def test_a_build_queued_through_one_server_runs_through_another(
    make_server: Callable[..., Server], tmp_path: Path
) -> None:
    # One database, so one master key: each server reads the secrets the other sealed.
    env = {"CODEYARD_RUNNER": "false", "CODEYARD_MASTER_KEY": base64.b64encode(os.urandom(32)).decode()}
    first = make_server("postgres", extra_env=env).start()
    second = Server(tmp_path / "second", first.database_url, extra_env=env).start()
    runner = start_runner(second, tmp_path / "work")
    try:
        no_source_project(first, "elsewhere", buildspec("echo ran-elsewhere"))
        build_id = first.client("codebuild").start_build(projectName="elsewhere")["build"]["id"]
        done = finished(first, build_id)
    finally:
        runner.terminate()
        runner.wait(30)
        second.stop()

    assert done["buildStatus"] == "SUCCEEDED"
    assert "ran-elsewhere" in log_text(first, build_id)
