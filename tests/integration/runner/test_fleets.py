"""Fleets as pools of runners, with real `codeyard runner` processes: a fleet's runners take only its
builds, on-demand runners never take them (QUEUE) or take them while the fleet has no idle runner
(ON_DEMAND), and the embedded runner of `codeyard up` serves the fleet its settings name."""

from __future__ import annotations

import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.integration.runner.builds_support import (
    ENVIRONMENT,
    buildspec,
    finished,
    log_text,
    no_source_project,
    start_runner,
    until,
)
from tests.support.server import Server

WHERE = "echo ran-in-$(pwd)"


@pytest.fixture(params=["sqlite", "postgres"])
def lone_server(make_server: Callable[..., Server], request: pytest.FixtureRequest) -> Server:
    """A server without the embedded runner: the test starts the runners it wants."""
    return make_server(request.param, extra_env={"CODEYARD_RUNNER": "false"}).start()


@pytest.fixture
def runners(lone_server: Server, tmp_path: Path) -> Iterator[Callable[..., subprocess.Popen[bytes]]]:
    """Starts `codeyard runner` processes (of a fleet or on-demand), each with a work directory named
    after it; all are stopped at the end."""
    started: list[subprocess.Popen[bytes]] = []

    def start(work: str, *extra: str) -> subprocess.Popen[bytes]:
        process = start_runner(lone_server, tmp_path / work, "host", *extra)
        started.append(process)
        return process

    yield start
    for process in started:
        process.terminate()
        process.wait(30)


def _fleet(server: Server, name: str, overflow: str = "QUEUE") -> str:
    answer = server.client("codebuild").create_fleet(
        name=name,
        baseCapacity=1,
        environmentType="LINUX_CONTAINER",
        computeType="BUILD_GENERAL1_SMALL",
        overflowBehavior=overflow,
    )
    arn: str = answer["fleet"]["arn"]
    return arn


def _on_fleet(server: Server, project: str, fleet: str, *commands: str) -> None:
    no_source_project(
        server, project, buildspec(*commands), environment={**ENVIRONMENT, "fleet": {"fleetArn": fleet}}
    )


def _start(server: Server, project: str) -> str:
    build_id: str = server.client("codebuild").start_build(projectName=project)["build"]["id"]
    return build_id


def _ran_in(server: Server, build: dict[str, Any]) -> str:
    """The work directory of the runner that ran the build (as its log says), by its name."""
    assert build["buildStatus"] == "SUCCEEDED", build
    line = next(line for line in log_text(server, build["id"]).splitlines() if line.startswith("ran-in-"))
    for name in ("fleet-work", "demand-work", "builds"):
        if f"/{name}/" in line:
            return name
    raise AssertionError(f"no known work directory in {line!r}")


def _status(server: Server, fleet: str) -> str:
    message: str = server.client("codebuild").batch_get_fleets(names=[fleet])["fleets"][0]["status"][
        "message"
    ]
    return message


def test_a_fleets_runner_takes_only_its_builds_and_an_on_demand_runner_never_does(
    lone_server: Server, runners: Callable[..., subprocess.Popen[bytes]]
) -> None:
    fleet = _fleet(lone_server, "pool")
    _on_fleet(lone_server, "pooled", "pool", WHERE)
    no_source_project(lone_server, "plain", buildspec(WHERE))
    runners("fleet-work", "--fleet", fleet)
    runners("demand-work")

    pooled = [_start(lone_server, "pooled") for _ in range(3)]
    plain = [_start(lone_server, "plain") for _ in range(3)]

    assert [_ran_in(lone_server, finished(lone_server, b)) for b in pooled] == ["fleet-work"] * 3
    assert [_ran_in(lone_server, finished(lone_server, b)) for b in plain] == ["demand-work"] * 3


def test_a_queue_fleets_build_waits_until_a_runner_of_the_fleet_comes(
    lone_server: Server, runners: Callable[..., subprocess.Popen[bytes]]
) -> None:
    _fleet(lone_server, "pool")
    _on_fleet(lone_server, "pooled", "pool", WHERE)
    no_source_project(lone_server, "plain", buildspec(WHERE))
    runners("demand-work")

    waiting = _start(lone_server, "pooled")
    later = _start(lone_server, "plain")
    # The on-demand runner took the later build and passed the fleet's by.
    assert _ran_in(lone_server, finished(lone_server, later)) == "demand-work"
    queued = lone_server.client("codebuild").batch_get_builds(ids=[waiting])["builds"][0]
    assert (queued["buildStatus"], queued["currentPhase"]) == ("IN_PROGRESS", "QUEUED")

    runners("fleet-work", "--fleet", "pool")

    assert _ran_in(lone_server, finished(lone_server, waiting)) == "fleet-work"


def test_an_on_demand_fleet_overflows_while_it_has_no_idle_runner(
    lone_server: Server, runners: Callable[..., subprocess.Popen[bytes]], tmp_path: Path
) -> None:
    release = tmp_path / "release"
    _fleet(lone_server, "burst", overflow="ON_DEMAND")
    _on_fleet(lone_server, "bursty", "burst", WHERE)
    _on_fleet(lone_server, "holder", "burst", f"while [ ! -e {release} ]; do sleep 0.05; done", WHERE)
    runners("demand-work")

    # No runner of the fleet at all: the on-demand runner takes its build.
    assert _ran_in(lone_server, finished(lone_server, _start(lone_server, "bursty"))) == "demand-work"

    runners("fleet-work", "--fleet", "burst")
    until(
        lambda: _status(lone_server, "burst") == "1 runner(s) serve this fleet, 1 idle",
        what="a live fleet runner",
    )
    # An idle runner of the fleet: the build is kept for it.
    assert _ran_in(lone_server, finished(lone_server, _start(lone_server, "bursty"))) == "fleet-work"

    # Its one runner busy: the next build overflows to the on-demand runner.
    held = _start(lone_server, "holder")
    until(
        lambda: _status(lone_server, "burst") == "1 runner(s) serve this fleet, 0 idle", what="a busy fleet"
    )
    assert _ran_in(lone_server, finished(lone_server, _start(lone_server, "bursty"))) == "demand-work"
    release.touch()
    assert _ran_in(lone_server, finished(lone_server, held)) == "fleet-work"


def test_a_runner_of_an_unknown_fleet_stops_with_the_reason(lone_server: Server, tmp_path: Path) -> None:
    process = start_runner(lone_server, tmp_path / "nowhere", "host", "--fleet", "missing")
    assert process.wait(60) == 2
    assert "the server refused: Fleet missing does not exist" in (tmp_path / "runner-nowhere.log").read_text()


def test_the_embedded_runner_serves_the_fleet_of_its_setting_once_it_exists(
    make_server: Callable[..., Server],
) -> None:
    server = make_server("sqlite", extra_env={"CODEYARD_RUNNER_FLEET": "pool"}).start()
    fleet = _fleet(server, "pool")  # made after the runner started: it registers once the fleet exists
    _on_fleet(server, "pooled", fleet, WHERE)
    no_source_project(server, "plain", buildspec(WHERE))

    plain = _start(server, "plain")
    pooled = _start(server, "pooled")

    assert _ran_in(server, finished(server, pooled)) == "builds"
    # The fleet's runner passed the older on-demand build by (and no on-demand runner runs here).
    waiting = server.client("codebuild").batch_get_builds(ids=[plain])["builds"][0]
    assert waiting["currentPhase"] == "QUEUED"
