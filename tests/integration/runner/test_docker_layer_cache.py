"""LOCAL_DOCKER_LAYER_CACHE on the container executor: a privileged build's /var/lib/docker and
/var/lib/containers are named volumes of the engine kept per runner and project, one build at a time."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from codeyard.runner.engine.container import ContainerExecutor, ContainerOptions
from codeyard.runner.engine.container_engine import LABEL, WORK_DIR_LABEL
from codeyard.runner.engine.docker_layers import PROJECT_LABEL, LayerVolumes, remove_docker_layers
from codeyard.runner.engine.executors import HostExecutor
from codeyard.runner.executor_choice import ExecutorChoice
from tests.integration.runner.build_helper import run_build
from tests.integration.runner.builds_support import (
    ENVIRONMENT,
    buildspec,
    finished,
    log_text,
    no_source_project,
    start_runner,
)
from tests.support.podman import PodmanService
from tests.support.server import Server

MODES = {"type": "LOCAL", "modes": ["LOCAL_DOCKER_LAYER_CACHE"]}
# what the earlier build left in both layer stores, then this build's number written over it
LAYERS = buildspec(
    'echo "docker=$(cat /var/lib/docker/marker 2>/dev/null || echo none)"',
    'echo "containers=$(cat /var/lib/containers/marker 2>/dev/null || echo none)"',
    'mkdir -p /var/lib/docker /var/lib/containers && echo "build $CODEBUILD_BUILD_NUMBER" '
    "| tee /var/lib/docker/marker > /var/lib/containers/marker",
)
MOUNTED = (
    "LOCAL_DOCKER_LAYER_CACHE: the project's Docker layers on this runner are mounted at "
    "/var/lib/docker and /var/lib/containers"
)


def _noted(note: str, log: list[str]) -> bool:
    """The engine's [Container] line `note` is in the build's log."""
    return any(line.startswith("[Container] ") and line.endswith(f" {note}") for line in log)


def _volumes(podman: PodmanService, work_dir: Path) -> dict[str, str]:
    """The layer volumes of the runner working in `work_dir`: name -> project."""
    listed: dict[str, Any] = podman.engine.api.volumes(filters={"label": PROJECT_LABEL})
    return {
        volume["Name"]: volume["Labels"][PROJECT_LABEL]
        for volume in listed.get("Volumes") or []
        if volume["Labels"].get(WORK_DIR_LABEL) == str(work_dir.resolve())
    }


def _mounted(podman: PodmanService, build_id: str) -> dict[str, str]:
    """The named volumes of the build's container: mount point -> volume name."""
    found = podman.engine.api.containers(all=True, filters={"label": f"{LABEL}={build_id}"})
    assert len(found) == 1
    details: dict[str, Any] = podman.engine.api.inspect_container(found[0]["Id"])
    return {m["Destination"]: m["Name"] for m in details["Mounts"] if m.get("Type") == "volume"}


@pytest.fixture
def work_dir(podman: PodmanService, tmp_path: Path) -> Iterator[Path]:
    """The runner's work directory; its layer volumes are removed after the test (the engine's storage
    outlives it)."""
    path = tmp_path / "work"
    path.mkdir()
    yield path
    for container in podman.containers_using(tmp_path):
        podman.engine.api.remove_container(container, force=True)
    for name in _volumes(podman, path):
        podman.engine.remove_volume(name)


def test_a_privileged_build_sees_the_layers_its_projects_earlier_build_left(
    make_server: Callable[..., Server], work_dir: Path, podman: PodmanService, monkeypatch: pytest.MonkeyPatch
) -> None:
    server = make_server("sqlite", extra_env={"CODEYARD_RUNNER": "false"}).start()
    privileged = {**ENVIRONMENT, "image": podman.image, "privilegedMode": True}
    for name in ("layers", "neighbour"):
        no_source_project(server, name, LAYERS, environment=privileged, cache=MODES)
    plain = {**ENVIRONMENT, "image": podman.image}
    no_source_project(server, "unprivileged", LAYERS, environment=plain, cache=MODES)
    monkeypatch.setenv("DOCKER_HOST", podman.url)
    runner = start_runner(server, work_dir)
    codebuild = server.client("codebuild")
    try:
        first = codebuild.start_build(projectName="layers")["build"]["id"]
        assert finished(server, first)["buildStatus"] == "SUCCEEDED"
        names = ("layers", "neighbour", "unprivileged", "unprivileged")
        ids = [codebuild.start_build(projectName=name)["build"]["id"] for name in names]
        assert [finished(server, build_id)["buildStatus"] for build_id in ids] == ["SUCCEEDED"] * 4
    finally:
        runner.terminate()
        runner.wait(30)
    first_log, second, neighbour, unprivileged, unprivileged_again = (
        log_text(server, build_id).splitlines() for build_id in (first, *ids)
    )

    assert _noted(MOUNTED, first_log)
    assert "docker=none" in first_log
    assert "containers=none" in first_log
    assert _noted(MOUNTED, second)
    assert "docker=build 1" in second
    assert "containers=build 1" in second
    assert _noted(MOUNTED, neighbour)
    assert "docker=none" in neighbour
    needs = "LOCAL_DOCKER_LAYER_CACHE needs privilegedMode: the build runs without the Docker layer cache"
    assert _noted(needs, unprivileged)
    assert "docker=none" in unprivileged
    assert "docker=none" in unprivileged_again  # what the first wrote went with its container
    # keyed and labelled by the project's ARN
    arns = [
        codebuild.batch_get_projects(names=[name])["projects"][0]["arn"] for name in ("layers", "neighbour")
    ]
    assert sorted(_volumes(podman, work_dir).values()) == sorted(arns * 2)
    assert set(_volumes(podman, work_dir)) == {
        name for arn in arns for name in LayerVolumes(work_dir.resolve(), arn).names
    }


def test_one_build_of_a_project_at_a_time_has_its_layers_and_a_busy_cache_is_not_removed(
    podman: PodmanService, work_dir: Path
) -> None:
    options = ContainerOptions(privileged=True, docker_layers="demo")
    holder = ContainerExecutor(work_dir, podman.image, options, engine=podman.engine)
    other = ContainerExecutor(work_dir, podman.image, options, engine=podman.engine)
    held = holder.prepare("demo:holder")
    refused = other.prepare("demo:other")
    volumes = LayerVolumes(work_dir.resolve(), "demo")
    try:
        assert holder.docker_layer_note(held) == MOUNTED
        assert other.docker_layer_note(refused) == (
            "LOCAL_DOCKER_LAYER_CACHE: another build of this project on this runner is using its Docker "
            "layer cache; this build runs without it"
        )
        assert _mounted(podman, "demo:holder") == dict(
            zip(("/var/lib/docker", "/var/lib/containers"), volumes.names, strict=True)
        )
        assert _mounted(podman, "demo:other") == {}
        assert remove_docker_layers(podman.engine, work_dir, "demo") is False
        assert set(_volumes(podman, work_dir)) == set(volumes.names)
    finally:
        other.cleanup(refused)
        holder.cleanup(held)

    after = run_build(
        work_dir, LAYERS, executor=ContainerExecutor(work_dir, podman.image, options, podman.engine)
    )
    assert after.statuses["BUILD"] == "SUCCEEDED"
    assert "docker=none" in after.output
    again = run_build(
        work_dir, LAYERS, executor=ContainerExecutor(work_dir, podman.image, options, podman.engine)
    )
    assert "docker=build 7" in again.output

    assert remove_docker_layers(podman.engine, work_dir, "demo") is True
    assert _volumes(podman, work_dir) == {}
    fresh = run_build(
        work_dir, LAYERS, executor=ContainerExecutor(work_dir, podman.image, options, podman.engine)
    )
    assert "docker=none" in fresh.output


def test_without_the_mode_or_on_the_host_there_are_no_layer_volumes(
    podman: PodmanService, work_dir: Path
) -> None:
    plain = ContainerExecutor(work_dir, podman.image, ContainerOptions(privileged=True), podman.engine)
    workspace = plain.prepare("demo:plain")
    try:
        assert plain.docker_layer_note(workspace) is None
        assert _mounted(podman, "demo:plain") == {}
    finally:
        plain.cleanup(workspace)
    unprivileged = ContainerExecutor(
        work_dir, podman.image, ContainerOptions(docker_layers="demo"), podman.engine
    )
    workspace = unprivileged.prepare("demo:unprivileged")
    try:
        note = unprivileged.docker_layer_note(workspace)
        assert note is not None
        assert note.startswith("LOCAL_DOCKER_LAYER_CACHE needs privilegedMode")
        assert _mounted(podman, "demo:unprivileged") == {}
    finally:
        unprivileged.cleanup(workspace)
    assert _volumes(podman, work_dir) == {}


KILLED_RUNNER = """
import os, sys
from pathlib import Path
from codeyard.runner.engine.container import ContainerExecutor, ContainerOptions
from codeyard.runner.engine.container_engine import Engine
options = ContainerOptions(privileged=True, docker_layers="demo")
executor = ContainerExecutor(Path(sys.argv[1]), sys.argv[2], options, Engine(sys.argv[3]))
executor.prepare(sys.argv[4])
os._exit(0)  # a runner killed during the build: no cleanup, its container left running
"""


def _killed_runner(podman: PodmanService, work_dir: Path, build_id: str, marker: str) -> None:
    """A runner process that dies during a build of project `demo`, whose container first writes
    `marker` into /var/lib/docker (still running, as a daemon would)."""
    argv = [sys.executable, "-c", KILLED_RUNNER, str(work_dir), podman.image, podman.url, build_id]
    subprocess.run(argv, check=True, timeout=120)
    left = podman.engine.api.containers(filters={"label": f"{LABEL}={build_id}"})
    assert len(left) == 1
    command = ["sh", "-c", f"echo {marker} > /var/lib/docker/marker"]
    written = podman.engine.api.exec_create(left[0]["Id"], command)
    podman.engine.api.exec_start(written["Id"])  # attached: returns once the command ended
    assert podman.engine.api.exec_inspect(written["Id"])["ExitCode"] == 0


def _gone(podman: PodmanService, build_id: str) -> bool:
    return podman.engine.api.containers(all=True, filters={"label": f"{LABEL}={build_id}"}) == []


def test_a_runner_starting_again_removes_its_left_containers_but_keeps_the_layers(
    podman: PodmanService, work_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _killed_runner(podman, work_dir, "demo:killed", "kept")

    monkeypatch.setenv("DOCKER_HOST", podman.url)
    choice = ExecutorChoice(HostExecutor(work_dir), work_dir)
    executor = choice.for_image(podman.image, privileged=True, docker_layers="demo")
    assert not _gone(podman, "demo:killed")  # the clean-up is the prepare's, off the event loop

    build = run_build(work_dir, buildspec("cat /var/lib/docker/marker"), executor=executor)
    choice.close()

    assert _gone(podman, "demo:killed")
    assert set(_volumes(podman, work_dir)) == set(LayerVolumes(work_dir.resolve(), "demo").names)
    assert build.statuses["BUILD"] == "SUCCEEDED"
    assert build.output == ["kept"]


def test_a_container_a_dead_runner_left_on_the_layers_goes_before_they_are_mounted_or_removed(
    podman: PodmanService, work_dir: Path
) -> None:
    # another runner process on the same work directory, which did its start-up cleanup long ago
    _killed_runner(podman, work_dir, "demo:orphan", "orphaned")
    options = ContainerOptions(privileged=True, docker_layers="demo")
    executor = ContainerExecutor(work_dir, podman.image, options, podman.engine)
    workspace = executor.prepare("demo:next")
    try:
        assert executor.docker_layer_note(workspace) == (
            f"{MOUNTED} (removed 1 container(s) a stopped runner left on them)"
        )
        assert _gone(podman, "demo:orphan")
    finally:
        executor.cleanup(workspace)
    seen = run_build(work_dir, buildspec("cat /var/lib/docker/marker"), executor=executor)
    assert seen.output == ["orphaned"]

    _killed_runner(podman, work_dir, "demo:orphan-again", "again")
    assert remove_docker_layers(podman.engine, work_dir, "demo") is True
    assert _gone(podman, "demo:orphan-again")
    assert _volumes(podman, work_dir) == {}
