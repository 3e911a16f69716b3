"""Runner processes sharing a work directory (`codeyard runner`'s default is one per user) on Podman:
a runner starting up removes the build containers of the runners there that are gone (killed during
a build), never the live container of a runner still working there."""

from __future__ import annotations

import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from codeyard.runner.engine.container_engine import LABEL, OWNER_LABEL, WORK_DIR_LABEL
from tests.integration.runner.builds_support import (
    ENVIRONMENT,
    build,
    buildspec,
    finished,
    log_text,
    no_source_project,
    start_runner,
    until,
)
from tests.support.podman import PodmanService
from tests.support.server import Server

REMOVED = "removed 1 container(s) left by runners of this work directory that are gone"


def _containers(podman: PodmanService, build_id: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = podman.engine.api.containers(
        all=True, filters={"label": f"{LABEL}={build_id}"}
    )
    return found


@pytest.fixture
def work_dir(podman: PodmanService, tmp_path: Path) -> Iterator[Path]:
    """The runners' shared work directory; whatever container is left of it goes after the test."""
    path = tmp_path / "work"
    path.mkdir()
    yield path
    label = f"{WORK_DIR_LABEL}={path.resolve()}"
    for container in podman.engine.api.containers(all=True, filters={"label": label}):
        podman.engine.api.remove_container(container["Id"], force=True)


def test_a_runner_starting_up_keeps_a_live_runners_container_and_removes_a_dead_ones(
    make_server: Callable[..., Server], podman: PodmanService, work_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    server = make_server("sqlite", extra_env={"CODEYARD_RUNNER": "false"}).start()
    environment = {**ENVIRONMENT, "image": podman.image}
    # the long build's sleep is its workload (it runs until its runner is killed), not a wait of the test
    no_source_project(server, "long", buildspec("echo started", "sleep 600"), environment=environment)
    no_source_project(server, "short", buildspec("echo done"), environment=environment)
    codebuild = server.client("codebuild")
    monkeypatch.setenv("DOCKER_HOST", podman.url)
    runners: list[subprocess.Popen[bytes]] = []

    def runner() -> subprocess.Popen[bytes]:
        runners.append(start_runner(server, work_dir))
        return runners[-1]

    def short_build() -> None:
        build_id = codebuild.start_build(projectName="short")["build"]["id"]
        done = finished(server, build_id, 180)
        assert done["buildStatus"] == "SUCCEEDED", done["phases"]

    def long_build() -> str:
        build_id: str = codebuild.start_build(projectName="long")["build"]["id"]
        until(lambda: "started" in log_text(server, build_id), 180, f"the start of {build_id}")
        return build_id

    try:
        first = runner()
        first_long = long_build()
        [dead] = _containers(podman, first_long)
        assert dead["Labels"][OWNER_LABEL]

        second = runner()  # the first is busy: the second takes the short build, its first container one
        short_build()
        assert [c["State"] for c in _containers(podman, first_long)] == ["running"]
        assert build(server, first_long)["buildStatus"] == "IN_PROGRESS"
        second_long = long_build()  # the second runner's, running on
        [live] = _containers(podman, second_long)
        assert live["Labels"][OWNER_LABEL] != dead["Labels"][OWNER_LABEL]

        first.kill()  # dies during its build: its container is left running
        first.wait(60)
        assert [c["Id"] for c in _containers(podman, first_long)] == [dead["Id"]]

        runner()  # starts up on the work directory, the second runner busy, the first gone
        short_build()
        assert _containers(podman, first_long) == []
        assert [(c["Id"], c["State"]) for c in _containers(podman, second_long)] == [(live["Id"], "running")]
        assert second.poll() is None
        assert build(server, second_long)["buildStatus"] == "IN_PROGRESS"
    finally:
        for process in runners:
            if process.poll() is None:
                process.terminate()
                process.wait(60)
    log = (work_dir.parent / f"runner-{work_dir.name}.log").read_text()
    assert log.count(REMOVED) == 1  # by the third runner only: the second removed nothing
