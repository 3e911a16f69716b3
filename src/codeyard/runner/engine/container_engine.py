"""The container engine through the docker SDK (Docker, or Podman's Docker-compatible API): one build's
container, the processes started in it, and its end. `docker` is imported here only, when first used."""

from __future__ import annotations

import contextlib
import os
import socket
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# Where the engine is looked for when DOCKER_HOST is not set: Docker's socket, then rootful Podman's.
DEFAULT_SOCKETS = ("/var/run/docker.sock", "/run/podman/podman.sock")
API_TIMEOUT = 120.0
LABEL = "codeyard.build-id"
# The work directory of the runner that made a container, and the name of the lock its runner process
# holds there while it lives (runner_locks.py): a runner starting up removes the containers of the
# runners of its work directory that are gone (killed in the middle of a build), not the live ones'.
WORK_DIR_LABEL = "codeyard.work-dir"
OWNER_LABEL = "codeyard.runner-lock"


class ContainerError(OSError):
    """The container engine cannot do what a build needs (unreachable, no such image, a refused call).
    An OSError: the engine's PROVISIONING reports it as a workspace that cannot be prepared."""


@dataclass(frozen=True)
class Mount:
    """A host path bound into the container."""

    source: Path
    target: str
    read_only: bool = False


@dataclass(frozen=True)
class VolumeMount:
    """A named volume of the engine mounted in the container (read-write); it outlives the container."""

    name: str
    target: str


def engine_url() -> str | None:
    """The engine's API address: $DOCKER_HOST, else the first default socket that exists, else None."""
    configured = os.environ.get("DOCKER_HOST")
    if configured:
        return configured
    for path in DEFAULT_SOCKETS:
        if Path(path).exists():
            return f"unix://{path}"
    return None


def _unix_socket_problem(url: str) -> str | None:
    """Why nothing answers on a unix:// address (no socket, refused), or None (other schemes too)."""
    if not url.startswith("unix://"):
        return None
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as probe:
        probe.settimeout(10.0)
        try:
            probe.connect(url.removeprefix("unix://"))
        except OSError as error:
            return error.strerror or str(error)
    return None


def _docker() -> Any:
    try:
        import docker  # only builds that run in containers pay for the SDK's import
    except ImportError as error:
        raise ContainerError(f"the docker Python package is not installed: {error}") from None
    return docker


class Engine:
    """A connection to the engine; every failure becomes a ContainerError that says what failed."""

    def __init__(self, url: str | None = None) -> None:
        self._url = url or engine_url()
        if self._url is None:
            raise ContainerError(
                "no container engine: set DOCKER_HOST (e.g. to a `podman system service` socket); "
                f"none of {', '.join(DEFAULT_SOCKETS)} exists"
            )
        problem = _unix_socket_problem(self._url)
        if problem is not None:
            raise ContainerError(f"the container engine at {self._url} does not answer: {problem}")
        docker = _docker()
        self._errors: tuple[type[BaseException], ...] = (docker.errors.DockerException, OSError)
        try:
            # the client asks the engine for its API version as it is made (a bad address fails here too)
            self._client = docker.DockerClient(base_url=self._url, timeout=API_TIMEOUT)
        except self._errors as error:
            raise ContainerError(f"the container engine at {self._url} does not answer: {error}") from None
        try:
            self._client.ping()
        except self._errors as error:
            self._client.close()
            raise ContainerError(f"the container engine at {self._url} does not answer: {error}") from None

    @property
    def url(self) -> str:
        assert self._url is not None
        return self._url

    def has_image(self, image: str) -> bool:
        docker = _docker()
        try:
            self._client.images.get(image)
        except docker.errors.ImageNotFound:
            return False
        except self._errors as error:
            raise ContainerError(f"cannot look up the image {image}: {error}") from None
        return True

    def ensure_image(self, image: str) -> None:
        """The image is in the engine, pulled if it was not (and can be)."""
        if self.has_image(image):
            return
        try:
            self._client.images.pull(image)
        except self._errors as error:
            raise ContainerError(
                f"the image {image} is not in the container engine and cannot be pulled: {error}"
            ) from None

    def run_idle(
        self,
        image: str,
        command: Sequence[str],
        mounts: Sequence[Mount],
        *,
        build_id: str,
        work_dir: Path,
        network: bool,
        privileged: bool,
        hostname: str,
        volumes: Sequence[VolumeMount] = (),
        owner: str = "",
    ) -> Container:
        """Creates and starts a container whose first process is `command` (it waits, doing nothing),
        with `mounts` bound in and the named `volumes` mounted; `owner` names the lock of the runner
        process that made it (runner_locks.py; "": none)."""
        binds = {
            str(mount.source): {"bind": mount.target, "mode": "ro" if mount.read_only else "rw"}
            for mount in mounts
        }
        binds.update({volume.name: {"bind": volume.target, "mode": "rw"} for volume in volumes})
        try:
            handle = self._client.containers.create(
                image,
                list(command),
                entrypoint=[],
                volumes=binds,
                network_mode="host" if network else "none",
                privileged=privileged,
                hostname=hostname,
                labels={
                    LABEL: build_id,
                    WORK_DIR_LABEL: str(work_dir),
                    **({OWNER_LABEL: owner} if owner else {}),
                },
                detach=True,
            )
        except self._errors as error:
            raise ContainerError(f"cannot create a container from {image}: {error}") from None
        container = Container(self, handle)
        try:
            container.start()
        except ContainerError:
            # made but not started (the image has no such command): nothing else would remove it
            with contextlib.suppress(ContainerError):
                container.remove()
            raise
        return container

    def remove_left_behind(self, work_dir: Path, gone: Callable[[str], bool]) -> int:
        """Removes the containers made for builds in `work_dir` whose runner is gone: `gone` answers
        that for the owner label's value ("" when there is none); how many."""
        label = f"{WORK_DIR_LABEL}={work_dir}"
        found = self.call(
            "cannot list the containers", self._client.containers.list, all=True, filters={"label": label}
        )
        left = [handle for handle in found if gone(str((handle.labels or {}).get(OWNER_LABEL) or ""))]
        for handle in left:
            Container(self, handle).remove()
        return len(left)

    def ensure_volume(self, name: str, labels: Mapping[str, str]) -> None:
        """The named volume exists (made with `labels` if it did not; an existing one is kept as it is)."""
        self.call(
            f"cannot create the volume {name}", self._client.volumes.create, name=name, labels=dict(labels)
        )

    def remove_containers_using(self, volume: str) -> int:
        """Removes every container (any state) that mounts the named volume; how many."""
        found = self.call(
            f"cannot list the containers using {volume}",
            self._client.containers.list,
            all=True,
            filters={"volume": volume},
        )
        for handle in found:
            Container(self, handle).remove()
        return len(found)

    def remove_volume(self, name: str) -> bool:
        """Removes the named volume; False when there is none. A ContainerError when a container uses it."""
        docker = _docker()
        try:
            volume = self._client.volumes.get(name)
        except docker.errors.NotFound:
            return False
        except self._errors as error:
            raise ContainerError(f"cannot look up the volume {name}: {error}") from None
        try:
            volume.remove()
        except docker.errors.NotFound:
            return False
        except self._errors as error:
            raise ContainerError(f"cannot remove the volume {name}: {error}") from None
        return True

    def call(self, what: str, method: Any, *args: Any, **kwargs: Any) -> Any:
        """Calls the SDK; its errors become a ContainerError naming `what` failed."""
        try:
            return method(*args, **kwargs)
        except self._errors as error:
            raise ContainerError(f"{what}: {error}") from None

    @property
    def api(self) -> Any:
        """The SDK's low-level client."""
        return self._client.api

    def close(self) -> None:
        self._client.close()


class Container:
    """One build's container: processes started in it, and its end."""

    def __init__(self, engine: Engine, handle: Any) -> None:
        self._engine = engine
        self._handle = handle

    @property
    def id(self) -> str:
        return str(self._handle.id)

    def running(self) -> bool:
        self._engine.call("cannot inspect the build's container", self._handle.reload)
        return bool(self._handle.status == "running")

    def start(self) -> None:
        """Starts the container (again, after `kill`: its file system is kept)."""
        self._engine.call("cannot start the build's container", self._handle.start)

    def exec(self, argv: Sequence[str], env: Mapping[str, str], workdir: str) -> str:
        """Starts `argv` in the container, detached, with `env` over the image's environment; its exec id."""
        created = self._engine.call(
            "cannot start a process in the build's container",
            self._engine.api.exec_create,
            self.id,
            list(argv),
            stdout=False,
            stderr=False,
            stdin=False,
            environment=dict(env),
            workdir=workdir,
        )
        exec_id = str(created["Id"])
        self._engine.call(
            f"cannot start {argv[0]} in the build's container",
            self._engine.api.exec_start,
            exec_id,
            detach=True,
        )
        return exec_id

    def exec_state(self, exec_id: str) -> tuple[bool, int | None]:
        """(running, exit code) of a process started by `exec`."""
        state = self._engine.call("cannot inspect a process", self._engine.api.exec_inspect, exec_id)
        return bool(state.get("Running")), state.get("ExitCode")

    def terminate(self, grace: float) -> bool:
        """SIGTERM to the container's first process, which sends it on to every other process and exits
        once they have ended; True when the container stopped within `grace` seconds."""
        if not self.running():
            return True
        self._engine.call("cannot signal the build's container", self._handle.kill, signal="SIGTERM")
        deadline = time.monotonic() + grace
        delay = 0.01
        while self.running():
            if time.monotonic() > deadline:
                return False
            time.sleep(delay)
            delay = min(delay * 2, 0.1)
        return True

    def kill(self) -> None:
        """SIGKILL to the container's first process: the kernel ends every process of the container
        with it. Returns once the container has stopped."""
        if self.running():
            try:
                self._engine.call("cannot kill the build's container", self._handle.kill)
            except ContainerError:
                if self.running():
                    raise
        self._engine.call("cannot wait for the build's container", self._handle.wait)

    def remove(self) -> None:
        """Removes the container, killing whatever still runs in it."""
        self._engine.call("cannot remove the build's container", self._handle.remove, force=True)
