"""LOCAL_DOCKER_LAYER_CACHE on the container executor: the layer store of the Docker daemon (or Podman)
a privileged build runs in its container, kept between the builds of a project on this runner.

The store is two named volumes of the container engine per runner work directory and project ARN (a
LOCAL cache belongs to one runner, as `local-cache/<project>/` does; by the ARN, projects of one name
in different regions or accounts keep apart): `codeyard-docker-layers-<hash>` at
/var/lib/docker (dockerd, `docker buildx`) and `codeyard-docker-layers-<hash>-containers` at
/var/lib/containers (podman or buildah in the container). Both carry the labels PROJECT_LABEL and
the engine's WORK_DIR_LABEL.

One build at a time has them: a build takes the project's lease (an exclusive flock on
`docker-layers/<hash>.lock` in the work directory, given back in cleanup, or by the kernel when the
runner dies); a build of the same project that cannot take it runs without the volumes, and its log
says so. A build holding the lease first removes any container still on the volumes (left by a
runner that died, or by a build whose container could not be removed: its lease is given back all
the same). Two daemons never share one layer store. InvalidateProjectCache reaches the volumes the
same way: the project's next build here, holding the lease, removes them when they are of an older
cache generation than its job's (in the executor's prepare, a worker thread: the build's lease on
the server is heartbeated meanwhile)."""

from __future__ import annotations

import fcntl
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from codeyard.runner.engine.container_engine import WORK_DIR_LABEL, ContainerError, Engine, VolumeMount

MODE = "LOCAL_DOCKER_LAYER_CACHE"
VOLUME_PREFIX = "codeyard-docker-layers-"
PROJECT_LABEL = "codeyard.docker-layers"
LOCK_DIR = "docker-layers"
# where each volume is mounted, and the suffix of its name
TARGETS = (("/var/lib/docker", ""), ("/var/lib/containers", "-containers"))


@dataclass(frozen=True)
class LayerVolumes:
    """The Docker layer cache of `project` (its ARN) on the runner working in `work_dir` (an absolute
    path)."""

    work_dir: Path
    project: str

    @property
    def key(self) -> str:
        digest = hashlib.sha256(f"{self.work_dir}\0{self.project}".encode()).hexdigest()
        return digest[:20]

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(f"{VOLUME_PREFIX}{self.key}{suffix}" for _, suffix in TARGETS)

    @property
    def mounts(self) -> tuple[VolumeMount, ...]:
        return tuple(VolumeMount(name, target) for name, (target, _) in zip(self.names, TARGETS, strict=True))

    @property
    def labels(self) -> dict[str, str]:
        return {PROJECT_LABEL: self.project, WORK_DIR_LABEL: str(self.work_dir)}

    @property
    def lock_path(self) -> Path:
        return self.work_dir / LOCK_DIR / f"{self.key}.lock"


class LayerLease:
    """The right of one build to the project's volumes, held until `release`."""

    def __init__(self, fd: int) -> None:
        self._fd: int | None = fd

    def release(self) -> None:
        if self._fd is not None:
            fd, self._fd = self._fd, None
            os.close(fd)  # closing the only descriptor of the open file gives the lock back


def take_lease(volumes: LayerVolumes) -> LayerLease | None:
    """The project's lease, or None when another build (of this or another runner process working in the
    same directory) holds it. Raises OSError when the lock file cannot be made."""
    volumes.lock_path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd = os.open(volumes.lock_path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        return None
    except BaseException:
        os.close(fd)
        raise
    return LayerLease(fd)


def mount_layers(engine: Engine, volumes: LayerVolumes, generation: int = 0) -> tuple[LayerLease | None, str]:
    """The lease and the build log's line for a privileged build asking for the cache: with the lease,
    the volumes exist (made if need be; first removed when they are of a cache generation older than
    `generation`, see reset_older_layers); without it (in use, or the engine refused), the build runs
    without them. Never raises: a cache is best effort. Blocks while the engine removes what it must:
    call it off the event loop (the container executor's prepare)."""
    try:
        lease = take_lease(volumes)
    except OSError as error:
        return (
            None,
            f"{MODE}: cannot lock the project's Docker layer cache ({error}); the build runs without it",
        )
    if lease is None:
        return None, (
            f"{MODE}: another build of this project on this runner is using its Docker layer cache; "
            "this build runs without it"
        )
    try:
        reset = _reset_held(engine, volumes, generation)
        # With the lease no live build uses the volumes: a container on them was left by a runner that
        # died during a build (a runner sharing the work directory still runs), or by a build of this
        # runner whose container could not be removed, its daemon maybe still writing the layers. It
        # goes first.
        left = sum(engine.remove_containers_using(name) for name in volumes.names)
        for name in volumes.names:
            engine.ensure_volume(name, volumes.labels)
    except (ContainerError, OSError) as error:
        lease.release()
        return None, f"{MODE}: {error}; the build runs without the Docker layer cache"
    where = " and ".join(target for target, _ in TARGETS)
    removed = f" (removed {left} container(s) a stopped runner left on them)" if left else ""
    emptied = " (emptied first: the project's cache was reset)" if reset else ""
    return (
        lease,
        f"{MODE}: the project's Docker layers on this runner are mounted at {where}{removed}{emptied}",
    )


def remove_docker_layers(engine: Engine, work_dir: Path, project: str) -> bool:
    """Removes the Docker layer cache of `project` (its ARN) kept by the runner working in `work_dir` (what
    InvalidateProjectCache asks of the runner). True when it is gone (or never existed); False when a
    build is using it now, which keeps it (ask again once that build ended). A container still on the
    volumes without the lease was left by a runner that died: it is removed first. Raises ContainerError
    when the engine fails."""
    volumes = LayerVolumes(work_dir.resolve(), project)
    lease = take_lease(volumes)
    if lease is None:
        return False
    try:
        _remove(engine, volumes)
    finally:
        lease.release()  # the lock file stays: unlinking it would let two builds lock different files
    return True


def reset_older_layers(engine: Engine, work_dir: Path, project: str, generation: int) -> bool:
    """InvalidateProjectCache on this runner: removes the project's Docker layer cache when it is of a
    generation older than `generation` (the resets of the project's cache a build's job carries), and
    notes the generation beside the lock. True when the cache is of that generation now; False when a
    build is using it, which keeps it (the next build of the new generation tries again). Raises
    ContainerError when the engine fails, OSError when the note cannot be written. Blocks while the
    engine removes the volumes: call it off the event loop."""
    volumes = LayerVolumes(work_dir.resolve(), project)
    if _noted(volumes) >= generation:
        return True
    lease = take_lease(volumes)
    if lease is None:
        return False
    try:
        _reset_held(engine, volumes, generation)
    finally:
        lease.release()
    return True


def _noted(volumes: LayerVolumes) -> int:
    """The cache generation the project's layers are of (0: none noted)."""
    try:
        return int(volumes.lock_path.with_suffix(".generation").read_text().strip() or 0)
    except (FileNotFoundError, ValueError):
        return 0


def _reset_held(engine: Engine, volumes: LayerVolumes, generation: int) -> bool:
    """With the project's lease held: removes the volumes when they are of a generation older than
    `generation`, then notes it; True when it removed them."""
    if _noted(volumes) >= generation:
        return False
    _remove(engine, volumes)
    note = volumes.lock_path.with_suffix(".generation")
    temporary = note.with_suffix(f".generation-{os.getpid()}")
    temporary.write_text(f"{generation}\n")
    os.replace(temporary, note)
    return True


def _remove(engine: Engine, volumes: LayerVolumes) -> None:
    for name in volumes.names:
        engine.remove_containers_using(name)  # left by a runner that died: no build holds the lease
        engine.remove_volume(name)
