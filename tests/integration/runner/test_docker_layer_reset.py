"""InvalidateProjectCache's runner side for LOCAL_DOCKER_LAYER_CACHE: layers of an older cache
generation are removed once, on Podman; a build holding them keeps them."""

from __future__ import annotations

from pathlib import Path

from codeyard.runner.engine.docker_layers import (
    PROJECT_LABEL,
    LayerVolumes,
    mount_layers,
    reset_older_layers,
    take_lease,
)
from tests.support.podman import PodmanService


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
