"""InvalidateProjectCache's runner side for LOCAL_DOCKER_LAYER_CACHE: layers of an older cache
generation are removed once, on Podman; a build holding them keeps them. The removal is done by the
container executor's prepare (a worker thread while the build's lease is heartbeated), not when the
runner picks the executor. A build whose container could not be removed gives the layers back."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from codeyard.runner.engine.container import ContainerExecutor, ContainerOptions
from codeyard.runner.engine.container_engine import LABEL, ContainerError
from codeyard.runner.engine.docker_layers import (
    PROJECT_LABEL,
    LayerVolumes,
    mount_layers,
    reset_older_layers,
    take_lease,
)
from codeyard.runner.engine.executors import HostExecutor
from codeyard.runner.executor_choice import ExecutorChoice
from tests.integration.runner.build_helper import run_build
from tests.integration.runner.builds_support import buildspec
from tests.support.podman import PodmanService

MOUNTED = (
    "LOCAL_DOCKER_LAYER_CACHE: the project's Docker layers on this runner are mounted at "
    "/var/lib/docker and /var/lib/containers"
)
MARK = buildspec(
    'echo "docker=$(cat /var/lib/docker/marker 2>/dev/null || echo none)"',
    "mkdir -p /var/lib/docker && echo kept > /var/lib/docker/marker",
)


def _names(podman: PodmanService) -> set[str]:
    listed = podman.engine.api.volumes(filters={"label": PROJECT_LABEL})
    return {volume["Name"] for volume in listed.get("Volumes") or []}


def _mount(podman: PodmanService, volumes: LayerVolumes) -> None:
    lease, note = mount_layers(podman.engine, volumes)
    assert lease is not None, note
    lease.release()


def test_layers_of_an_older_generation_go_once(podman: PodmanService, tmp_path: Path) -> None:
    work_dir = tmp_path / "work"
    work_dir.mkdir()
    volumes = LayerVolumes(work_dir.resolve(), "demo")
    try:
        _mount(podman, volumes)
        assert set(volumes.names) <= _names(podman)

        assert reset_older_layers(podman.engine, work_dir, "demo", 1) is True
        gone = not set(volumes.names) & _names(podman)
        _mount(podman, volumes)  # the next build of generation 1 makes them again
        kept = reset_older_layers(podman.engine, work_dir, "demo", 1)
        after_same_generation = set(volumes.names) <= _names(podman)
        lease = take_lease(volumes)  # a build of the project is using them
        assert lease is not None
        try:
            busy = reset_older_layers(podman.engine, work_dir, "demo", 2)
        finally:
            lease.release()
        after_busy = set(volumes.names) <= _names(podman)
        later = reset_older_layers(podman.engine, work_dir, "demo", 2)
    finally:
        for name in volumes.names:
            podman.engine.remove_volume(name)

    assert gone
    assert (kept, after_same_generation) == (True, True)
    assert (busy, after_busy) == (False, True)
    assert later is True
    assert volumes.lock_path.with_suffix(".generation").read_text().strip() == "2"


@pytest.fixture
def work_dir(podman: PodmanService, tmp_path: Path) -> Iterator[Path]:
    """The runner's work directory; its containers and the layer volumes of `demo` go after the test."""
    path = tmp_path / "work"
    path.mkdir()
    yield path
    for container in podman.containers_using(tmp_path):
        podman.engine.api.remove_container(container, force=True)
    for container in podman.engine.api.containers(all=True, filters={"label": f"{LABEL}=demo:stuck"}):
        podman.engine.api.remove_container(container["Id"], force=True)
    for name in LayerVolumes(path.resolve(), "demo").names:
        podman.engine.remove_volume(name)


def test_the_reset_is_made_by_the_builds_prepare_not_when_its_executor_is_chosen(
    podman: PodmanService, work_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    options = ContainerOptions(privileged=True, docker_layers="demo")
    first = run_build(
        work_dir, MARK, executor=ContainerExecutor(work_dir, podman.image, options, podman.engine)
    )
    assert first.output == ["docker=none"]
    volumes = LayerVolumes(work_dir.resolve(), "demo")
    monkeypatch.setenv("DOCKER_HOST", podman.url)
    choice = ExecutorChoice(HostExecutor(work_dir), work_dir)

    executor = choice.for_image(podman.image, privileged=True, docker_layers="demo", generation=1)

    # picking the executor (on the runner's event loop, before the heartbeats start) removed nothing
    assert set(volumes.names) <= _names(podman)
    assert not volumes.lock_path.with_suffix(".generation").exists()
    assert isinstance(executor, ContainerExecutor)
    workspace = executor.prepare("demo:reset")
    try:
        assert executor.docker_layer_note(workspace) == (
            f"{MOUNTED} (emptied first: the project's cache was reset)"
        )
    finally:
        executor.cleanup(workspace)
    assert volumes.lock_path.with_suffix(".generation").read_text().strip() == "1"
    after = run_build(work_dir, MARK, executor=choice.for_image(podman.image, True, "demo", 1))
    assert after.output == ["docker=none"]  # what the first build left went with the reset
    again = run_build(work_dir, MARK, executor=choice.for_image(podman.image, True, "demo", 1))
    assert again.output == ["docker=kept"]  # the same generation keeps the layers


def test_a_build_whose_container_cannot_be_removed_gives_the_layers_back(
    podman: PodmanService, work_dir: Path
) -> None:
    options = ContainerOptions(privileged=True, docker_layers="demo")
    volumes = LayerVolumes(work_dir.resolve(), "demo")
    stuck = ContainerExecutor(work_dir, podman.image, options, podman.engine)
    workspace = stuck.prepare("demo:stuck")
    assert stuck.docker_layer_note(workspace) == MOUNTED
    [held] = podman.engine.api.containers(all=True, filters={"label": f"{LABEL}=demo:stuck"})
    # a container sharing the build's network namespace: the engine refuses to remove the build's
    dependent = podman.engine.api.create_container(
        podman.image,
        ["true"],
        host_config=podman.engine.api.create_host_config(network_mode=f"container:{held['Id']}"),
    )
    try:
        with pytest.raises(ContainerError, match="cannot remove the build's container"):
            stuck.cleanup(workspace)
    finally:
        podman.engine.api.remove_container(dependent["Id"], force=True)
    assert podman.engine.api.containers(all=True, filters={"label": f"{LABEL}=demo:stuck"}) != []

    lease = take_lease(volumes)  # the project's lease was given back
    assert lease is not None
    lease.release()
    following = ContainerExecutor(work_dir, podman.image, options, podman.engine)
    workspace = following.prepare("demo:following")
    try:
        assert following.docker_layer_note(workspace) == (
            f"{MOUNTED} (removed 1 container(s) a stopped runner left on them)"
        )
        assert podman.engine.api.containers(all=True, filters={"label": f"{LABEL}=demo:stuck"}) == []
    finally:
        following.cleanup(workspace)
