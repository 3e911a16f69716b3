"""The container executor: the build's shell in a container of the project's image, on any engine
with the Docker API (Docker, or Podman's `podman system service`), through the docker SDK.

One container per build, created in PROVISIONING: its first process only waits; the source directory
is bound in read-write at CONTAINER_SRC, the control directory read-only at CONTAINER_CONTROL (the
session's FIFOs and scripts; only its `variables` file is writable). Each shell session is started in
the container by the engine; ending a session kills every process of the container, and the next one
starts it again with the same file system. `cleanup` removes the container."""

from __future__ import annotations

import itertools
import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from codeyard.execution.curated_images import PREFIX
from codeyard.runner.engine.container_engine import Container, ContainerError, Engine, Mount, VolumeMount
from codeyard.runner.engine.container_paths import make_mount_view, mount_view
from codeyard.runner.engine.container_session import ContainerSession
from codeyard.runner.engine.docker_layers import (
    MODE,
    LayerLease,
    LayerVolumes,
    mount_layers,
    reset_older_layers,
)
from codeyard.runner.engine.executors import HostExecutor, Workspace, shell_argv
from codeyard.runner.engine.hooks import PhaseError
from codeyard.runner.engine.session import ShellLaunch, ShellSession
from codeyard.runner.engine.states import CLIENT_ERROR

log = logging.getLogger(__name__)
# The image `codeyard build --executor container` uses without --image (made by scripts/base-image.sh).
DEFAULT_IMAGE = "codeyard/base:bookworm"
CONTAINER_OUTPUT = "/codebuild/output"
CONTAINER_SRC = f"{CONTAINER_OUTPUT}/src"
# Secondary sources, beside the source directory on both sides (runner/sources.py puts them there).
SECONDARY_SOURCES = "sources"
CONTAINER_CONTROL = "/codeyard/control"
VARIABLES_FILE = "variables"
IDLE_FIFO = "idle"
# The container's first process, in the image's /bin/sh: it waits, opening a FIFO nobody ever writes.
# On SIGTERM it sends SIGTERM to every other process of the container, waits until none is left (zombies
# aside), and exits, which stops the container.
IDLE_COMMAND = f"""
alive() {{
  for stat in /proc/[0-9]*/stat; do
    read -r line < "$stat" 2>/dev/null || continue
    case "$line" in "1 "*) continue ;; esac
    case "${{line##*") "}}" in Z*|X*) ;; *) return 0 ;; esac
  done
  return 1
}}
trap 'kill -s TERM -- -1 2>/dev/null; while alive; do sleep 0.05 2>/dev/null || :; done; exit 0' TERM
while :; do read _ < {CONTAINER_CONTROL}/{IDLE_FIFO}; done
"""


class ContainerUnavailableError(RuntimeError):
    """This host cannot run container builds (the message says why)."""


@dataclass(frozen=True)
class ContainerOptions:
    """How a build's container is made: network (off unless the project allows it: then the host's),
    privileged (the project's privilegedMode), its host name, and `docker_layers`: the project (its ARN)
    whose LOCAL_DOCKER_LAYER_CACHE the build asks for (None: it does not; see docker_layers.py), and
    `cache_generation`, the resets of its cache the build's job carries (older layers are removed in
    prepare). `owner` names the lock the runner process holds in its work directory (runner_locks.py): its
    containers carry it, so a runner starting up there removes them only once that process is gone."""

    network: bool = False
    privileged: bool = False
    hostname: str = "codeyard-build"
    docker_layers: str | None = None
    cache_generation: int = 0
    owner: str = ""


class ContainerExecutor:
    """Runs each build's shell in a fresh container of `image`, its workspace under `base_dir`."""

    def __init__(
        self,
        base_dir: Path,
        image: str,
        options: ContainerOptions | None = None,
        engine: Engine | None = None,
        keep: bool = False,
    ) -> None:
        self._base_dir = base_dir.resolve()
        self._host = HostExecutor(self._base_dir, keep)
        self._image = image
        self._options = options or ContainerOptions()
        self._engine = engine
        self._containers: dict[Path, tuple[Container, itertools.count[int]]] = {}
        # per workspace: the Docker layer cache's lease (None: not mounted) and the log line saying so
        self._layers: dict[Path, tuple[LayerLease | None, str]] = {}

    @property
    def image(self) -> str:
        return self._image

    def _connected(self) -> Engine:
        if self._engine is None:
            self._engine = Engine()
        return self._engine

    def prepare(self, build_id: str) -> Workspace:
        """The workspace and the build's container (raises ContainerError, an OSError, when the engine
        is unreachable, the image missing or the container cannot start)."""
        engine = self._connected()
        engine.ensure_image(self._image)
        host = self._host.prepare(build_id)
        # the bound directories, as (container path, host directory): the build's absolute paths
        # inside them are read through a view of them (container_paths.py), any other one is not
        bound = [
            (CONTAINER_SRC, host.src_dir),
            (f"{CONTAINER_OUTPUT}/{SECONDARY_SOURCES}", host.root / SECONDARY_SOURCES),
        ]
        view, roots = mount_view(host.root, bound)
        workspace = Workspace(
            host.root, host.src_dir, host.control_dir, CONTAINER_SRC, CONTAINER_CONTROL, view, roots
        )
        lease, note, volumes = self._layer_cache(engine)
        try:
            (host.root / SECONDARY_SOURCES).mkdir()
            make_mount_view(view, bound)
            (workspace.control_dir / VARIABLES_FILE).touch(0o600)
            os.mkfifo(workspace.control_dir / IDLE_FIFO, 0o600)
            mounts = [
                *(Mount(directory, inside) for inside, directory in bound),
                Mount(workspace.control_dir, CONTAINER_CONTROL, read_only=True),
                Mount(workspace.control_dir / VARIABLES_FILE, f"{CONTAINER_CONTROL}/{VARIABLES_FILE}"),
            ]
            container = engine.run_idle(
                self._image,
                ["/bin/sh", "-c", IDLE_COMMAND],
                mounts,
                build_id=build_id,
                work_dir=self._base_dir,
                network=self._options.network,
                privileged=self._options.privileged,
                hostname=self._options.hostname,
                volumes=volumes,
                owner=self._options.owner,
            )
        except BaseException:
            if lease is not None:
                lease.release()
            self._host.cleanup(workspace)
            raise
        self._containers[workspace.root] = (container, itertools.count(1))
        if note:
            self._layers[workspace.root] = (lease, note)
        return workspace

    def docker_layer_note(self, workspace: Workspace) -> str | None:
        """What the build has of its project's Docker layer cache, for its log (None: it did not ask)."""
        entry = self._layers.get(workspace.root)
        return entry[1] if entry is not None else None

    def _layer_cache(self, engine: Engine) -> tuple[LayerLease | None, str, tuple[VolumeMount, ...]]:
        """The Docker layer cache of the next build: its lease, its log line ("": not asked for) and
        the volumes to mount (none without the lease)."""
        project, generation = self._options.docker_layers, self._options.cache_generation
        if project is None:
            return None, "", ()
        if not self._options.privileged:
            _reset(engine, self._base_dir, project, generation)
            return None, f"{MODE} needs privilegedMode: the build runs without the Docker layer cache", ()
        volumes = LayerVolumes(self._base_dir, project)
        lease, note = mount_layers(engine, volumes, generation)
        return lease, note, volumes.mounts if lease is not None else ()

    def start_session(
        self, workspace: Workspace, env: Mapping[str, str], shell: str | None, separate_shells: bool
    ) -> ShellSession:
        name, argv = shell_argv(shell)
        container, sessions = self._containers[workspace.root]
        launch = _launch(workspace, env, name, argv, separate_shells)
        try:
            if not container.running():
                container.start()
            return ContainerSession.open_in(container, launch, f"session-{next(sessions)}")
        except ContainerError as error:
            raise PhaseError(
                CLIENT_ERROR, f"Cannot start the shell in the build's container: {error}"
            ) from None

    def cleanup(self, workspace: Workspace) -> None:
        entry = self._containers.pop(workspace.root, None)
        layers = self._layers.pop(workspace.root, None)
        try:
            if entry is not None:
                entry[0].remove()
        finally:
            # Given back even when the container could not be removed (its daemon may still write the
            # layers): the next build of the project to take the lease removes whatever container is
            # still on the volumes before it mounts them, so the runner does not keep the lease (and
            # later builds of the project the cache) until it ends.
            if layers is not None and layers[0] is not None:
                layers[0].release()
            self._host.cleanup(workspace)


def _reset(engine: Engine, base_dir: Path, project: str, generation: int) -> None:
    """Drops the project's Docker layers of an older cache generation for a build that does not mount
    them (InvalidateProjectCache): best effort, logged."""
    try:
        if not reset_older_layers(engine, base_dir, project, generation):
            log.info("the Docker layers of %s are in use: they are reset by a later build", project)
    except (ContainerError, OSError) as error:
        log.warning("cannot reset the Docker layers of %s: %s", project, error)


def _launch(
    workspace: Workspace, env: Mapping[str, str], shell: str, argv: list[str], separate_shells: bool
) -> ShellLaunch:
    """The session's shell as the container sees it: the image's environment under the build's."""
    return ShellLaunch(
        argv=argv,
        env=dict(env),
        shell_cwd=workspace.shell_src_dir,
        control_dir=workspace.control_dir,
        shell_control_dir=workspace.shell_control_dir,
        separate_shells=separate_shells,
        shell=shell,
    )


def container_problem(image: str | None = None) -> str | None:
    """Why container builds cannot run here (no engine, it does not answer, the image is missing), or
    None when they can."""
    try:
        engine = Engine()
    except ContainerError as error:
        return str(error)
    try:
        if image is not None and not engine.has_image(image):
            return f"the image {image} is not in the container engine at {engine.url}"
    except ContainerError as error:
        return str(error)
    finally:
        engine.close()
    return None


def for_local_build(base_dir: Path, image: str | None) -> ContainerExecutor:
    """The executor `codeyard build --executor container` uses: `image`, or DEFAULT_IMAGE for none (or
    for a CodeBuild-managed image, which cannot exist here). Raises ContainerUnavailableError, saying
    why, when no engine answers or the image is neither there nor can be pulled."""
    chosen = container_image(image)
    try:
        engine = Engine()
        engine.ensure_image(chosen)
    except ContainerError as error:
        raise ContainerUnavailableError(str(error)) from None
    return ContainerExecutor(base_dir, chosen, engine=engine)


def managed_image(image: str) -> bool:
    """True for CodeBuild's own images (aws/codebuild/...), which only exist in AWS: the curated ones
    ListCuratedEnvironmentImages answers, and the older or newer ones a project may still name."""
    return image.startswith(PREFIX)


def container_image(image: str | None) -> str:
    """The image a container build uses: the project's, or DEFAULT_IMAGE for none or a managed one."""
    return DEFAULT_IMAGE if not image or managed_image(image) else image
