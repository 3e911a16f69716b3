"""Builds in containers end to end: a server build whose project image is the base image, run by a
runner process; the executor each image gets; `codeyard build --executor container`."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from codeyard.runner.engine.container import ContainerExecutor
from codeyard.runner.engine.executors import HostExecutor
from codeyard.runner.engine.runner_locks import DIRECTORY, examining
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

WHERE = buildspec('echo "host=$(hostname) image=$CODEBUILD_BUILD_IMAGE"', "grep ^CapEff /proc/self/status")
CAP_SYS_ADMIN = 21


def _capabilities(log: str) -> int:
    return int(next(line.split()[1] for line in log.splitlines() if line.startswith("CapEff:")), 16)


def test_each_image_runs_where_it_can_and_a_missing_one_fails_provisioning(
    make_server: Callable[..., Server], tmp_path: Path, podman: PodmanService, monkeypatch: pytest.MonkeyPatch
) -> None:
    server = make_server("sqlite", extra_env={"CODEYARD_RUNNER": "false"}).start()
    no_source_project(server, "boxed", WHERE, environment={**ENVIRONMENT, "image": podman.image})
    privileged = {**ENVIRONMENT, "image": podman.image, "privilegedMode": True}
    no_source_project(server, "privileged", WHERE, environment=privileged)
    no_source_project(server, "managed", WHERE)
    missing = "localhost/codeyard/never-built:1"
    no_source_project(server, "missing", WHERE, environment={**ENVIRONMENT, "image": missing})
    monkeypatch.setenv("DOCKER_HOST", podman.url)
    runner = start_runner(server, tmp_path / "work")
    codebuild = server.client("codebuild")
    try:
        names = ("boxed", "privileged", "managed", "missing")
        ids = [codebuild.start_build(projectName=name)["build"]["id"] for name in names]
        boxed, privileged_build, managed, absent = (finished(server, build_id) for build_id in ids)
    finally:
        runner.terminate()
        runner.wait(30)

    assert boxed["buildStatus"] == "SUCCEEDED", boxed["phases"]
    assert f"host=codeyard-build image={podman.image}" in log_text(server, ids[0]).splitlines()
    assert not _capabilities(log_text(server, ids[0])) >> CAP_SYS_ADMIN & 1
    assert privileged_build["buildStatus"] == "SUCCEEDED", privileged_build["phases"]
    assert _capabilities(log_text(server, ids[1])) >> CAP_SYS_ADMIN & 1
    assert managed["buildStatus"] == "SUCCEEDED", managed["phases"]
    assert "host=codeyard-build" not in log_text(server, ids[2])
    assert absent["buildStatus"] == "FAULT"
    provisioning = next(phase for phase in absent["phases"] if phase["phaseType"] == "PROVISIONING")
    assert provisioning["phaseStatus"] == "FAULT"
    message = provisioning["contexts"][0]["message"]
    assert message.startswith("Cannot prepare the workspace: ")
    assert f"the image {missing} is not in the container engine" in message
    assert podman.containers_using(tmp_path) == []


def test_a_runner_without_a_container_engine_fails_such_builds_in_provisioning(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DOCKER_HOST", f"unix://{tmp_path / 'no-engine.sock'}")
    host = HostExecutor(tmp_path / "builds")
    choice = ExecutorChoice(host, tmp_path / "builds")
    assert choice.for_image("aws/codebuild/standard:7.0") is host
    executor = choice.for_image("example/tools:1")  # the engine is reached by its prepare

    build = run_build(
        tmp_path, "version: 0.2\nphases:\n  build:\n    commands: [echo never]\n", executor=executor
    )

    assert build.statuses == {"PROVISIONING": "FAULT", "FINALIZING": "SUCCEEDED"}
    message = build.record("PROVISIONING").contexts[0].message
    assert message.startswith(
        "Cannot prepare the workspace: this runner cannot run the image example/tools:1: it runs "
        "non-CodeBuild images in containers, and the container engine at unix://"
    )
    assert "does not answer" in message


def test_codeyard_build_runs_in_a_container_of_the_image(tmp_path: Path, podman: PodmanService) -> None:
    project = tmp_path / "project"
    project.mkdir()
    (project / "input.txt").write_text("from the project\n")
    (project / "buildspec.yml").write_text(
        "version: 0.2\nphases:\n  build:\n    commands:\n"
        "      - cat input.txt\n"
        '      - echo "host=$(hostname) src=$CODEBUILD_SRC_DIR"\n'
        "      - echo made > made.txt\n"
        "artifacts:\n  files: [made.txt]\n"
    )
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "DOCKER_HOST": podman.url}
    command = [sys.executable, "-m", "codeyard", "build", "--executor", "container"]
    result = subprocess.run(
        [*command, "--image", podman.image, "--artifacts", str(tmp_path / "out"), "--packaging", "NONE"],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env=env,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert "from the project" in lines
    assert "host=codeyard-build src=/codebuild/output/src" in lines
    assert lines[-1].startswith("Build SUCCEEDED in ")
    assert [path.read_text() for path in (tmp_path / "out").rglob("made.txt")] == ["made\n"]

    missing = subprocess.run(
        [*command, "--image", "localhost/codeyard/never-built:1"],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env=env,
    )
    assert missing.returncode == 2
    assert missing.stderr.startswith(
        "codeyard build: the container executor cannot run here: the image localhost/codeyard/never-built:1 "
        "is not in the container engine and cannot be pulled"
    )


def test_a_runner_starting_again_removes_the_containers_its_earlier_run_left(
    tmp_path: Path, podman: PodmanService, monkeypatch: pytest.MonkeyPatch
) -> None:
    killed = ContainerExecutor(tmp_path / "builds", podman.image, engine=podman.engine)
    neighbour = ContainerExecutor(tmp_path / "other", podman.image, engine=podman.engine)
    killed.prepare("demo:left-behind")  # a runner killed during the build: no cleanup
    kept = neighbour.prepare("demo:still-running")
    assert len(podman.containers_using(tmp_path / "builds")) == 1

    monkeypatch.setenv("DOCKER_HOST", podman.url)
    choice = ExecutorChoice(HostExecutor(tmp_path / "builds"), tmp_path / "builds")
    executor = choice.for_image(podman.image)
    assert isinstance(executor, ContainerExecutor)
    # picking the executor (on the runner's event loop) left the clean-up to its prepare
    assert len(podman.containers_using(tmp_path / "builds")) == 1

    workspace = executor.prepare("demo:next")
    try:
        assert podman.containers_using(tmp_path / "builds") == podman.containers_using(workspace.root)
        assert len(podman.containers_using(tmp_path / "other")) == 1
    finally:
        executor.cleanup(workspace)
        choice.close()
    neighbour.cleanup(kept)
    assert podman.containers_using(tmp_path) == []


def test_picking_waits_for_no_lock_and_a_clean_exit_gives_the_runner_lock_back(
    tmp_path: Path, podman: PodmanService, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another runner of the work directory removing gone runners' containers holds the runners'
    guard; picking a container executor meanwhile does not wait for it (the runner's event loop
    stays free to heartbeat), its prepare does. Closing the choice (the runner exiting) releases
    this process's lock and removes its file."""
    work_dir = tmp_path / "builds"
    monkeypatch.setenv("DOCKER_HOST", podman.url)
    choice = ExecutorChoice(HostExecutor(work_dir), work_dir)
    with examining(work_dir):  # another runner's start-up clean-up, under way
        executor = choice.for_image(podman.image)
    assert list((work_dir / DIRECTORY).glob("*.lock")) == []

    build = run_build(tmp_path, buildspec("echo in-a-container"), executor=executor)

    assert build.output == ["in-a-container"]
    held = list((work_dir / DIRECTORY).glob("*.lock"))
    assert len(held) == 1
    with examining(work_dir) as gone:
        assert not gone(held[0].name)  # a live runner's lock: its containers would stay
    choice.close()
    assert list((work_dir / DIRECTORY).glob("*.lock")) == []
    assert podman.containers_using(work_dir) == []
