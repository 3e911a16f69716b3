"""Quiet runners are forgotten by the housekeeping sweep (run on request: POST /_codeyard/v1/sweep),
with the test-mode clock moved instead of waiting a day: a forgotten runner's calls are answered 401
Unauthorized, and a runner process that gets one registers again and goes on running builds."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.api.codebuild.test_report_expiry import move_clock
from tests.integration.runner.builds_support import (
    TOKEN_FILE,
    buildspec,
    finished,
    no_source_project,
    start_runner,
)
from tests.integration.runner.test_work_api_cache import WORK
from tests.support.server import Server


def _sweep(server: Server) -> dict[str, Any]:
    answer = httpx.post(f"{server.endpoint}/_codeyard/v1/sweep", timeout=60)
    assert answer.status_code == 200, answer.text
    swept: dict[str, Any] = answer.json()
    return swept


def _register(server: Server, name: str) -> dict[str, str]:
    token = (server.data_dir / TOKEN_FILE).read_text().strip()
    answer = httpx.post(
        f"{server.endpoint}{WORK}/register", json={"name": name}, headers={"authorization": f"Bearer {token}"}
    )
    assert answer.status_code == 200, answer.text
    return {"authorization": f"Bearer {answer.json()['token']}"}


def _poll(server: Server, headers: dict[str, str]) -> httpx.Response:
    return httpx.post(f"{server.endpoint}{WORK}/poll?wait=0", headers=headers, timeout=30)


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
def test_a_runner_quiet_for_a_day_is_forgotten_and_registers_again(
    make_server: Callable[..., Server], backend: str
) -> None:
    server = make_server(backend, extra_env={"CODEYARD_RUNNER": "false"}).start()
    old = _register(server, "old")
    assert _poll(server, old).status_code == 204
    move_clock(server, 1.01)
    new = _register(server, "new")

    _sweep(server)  # the scheduler's own sweep at start may have forgotten it already: checked below

    refused = _poll(server, old)
    assert refused.status_code == 401
    assert refused.json() == {"__type": "Unauthorized", "message": "The runner token is not valid."}
    assert _poll(server, new).status_code == 204
    again = _register(server, "old")
    assert _poll(server, again).status_code == 204
    assert _sweep(server) == {
        "reportsDeleted": 0,
        "runnersForgotten": 0,
        "artifactLeftoversRemoved": 0,
        "idempotencyTokensDeleted": 0,
    }


def test_a_forgotten_runner_process_registers_again_and_runs_the_next_build(
    make_server: Callable[..., Server], tmp_path: Path
) -> None:
    server = make_server("sqlite", extra_env={"CODEYARD_RUNNER": "false"}).start()
    no_source_project(server, "app", buildspec("echo built"))
    work_dir = tmp_path / "work"
    work_dir.mkdir()
    runner = start_runner(server, work_dir)
    try:
        first = server.client("codebuild").start_build(projectName="app")["build"]["id"]
        assert finished(server, first)["buildStatus"] == "SUCCEEDED"
        days = 1.0
        while True:  # the runner's polls note it at most every 5 s: one may fall between
            days += 1.01
            move_clock(server, days)
            if _sweep(server)["runnersForgotten"] == 1:
                break

        second = server.client("codebuild").start_build(projectName="app")["build"]["id"]

        assert finished(server, second)["buildStatus"] == "SUCCEEDED"
        log = (tmp_path / "runner-work.log").read_text()
        assert log.count("registered with") == 2, log
    finally:
        runner.terminate()
        runner.wait(timeout=30)
