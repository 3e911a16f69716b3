"""A Podman API service of the tests' own (`podman system service` on a socket in a temp directory),
for the container executor's tests: the docker SDK speaks to it through its Docker-compatible API."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

import docker

from codeyard.runner.engine.container import DEFAULT_IMAGE
from codeyard.runner.engine.container_engine import ContainerError, Engine

START_TIMEOUT = 60.0


class PodmanService:
    """`podman system service --time=0` on a private socket; `url` is its DOCKER_HOST."""

    def __init__(self) -> None:
        self._directory = Path(tempfile.mkdtemp(prefix="codeyard-podman-"))
        self.url = f"unix://{self._directory / 'podman.sock'}"
        self.image = DEFAULT_IMAGE
        self._process: subprocess.Popen[bytes] | None = None
        self._engine: Engine | None = None

    def start(self) -> PodmanService:
        podman = shutil.which("podman")
        assert podman is not None
        with (self._directory / "service.log").open("wb") as log:
            self._process = subprocess.Popen(
                [podman, "system", "service", "--time=0", self.url], stdout=log, stderr=subprocess.STDOUT
            )
        deadline = time.monotonic() + START_TIMEOUT
        while self._engine is None:
            try:
                self._engine = Engine(self.url)
            except ContainerError:
                if self._process.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError(f"podman system service did not start: {self.log()}") from None
                time.sleep(0.05)
        return self

    @property
    def engine(self) -> Engine:
        assert self._engine is not None
        return self._engine

    def log(self) -> str:
        return (self._directory / "service.log").read_text(errors="replace")[-2000:]

    def containers_using(self, path: Path) -> list[str]:
        """The ids of the containers (any state) that bind a directory under `path`. The engine's
        storage is shared with the other test workers: a container of theirs removed between the list
        and its inspection is not one of ours (skipped, not an error)."""
        found = []
        for summary in self.engine.api.containers(all=True):
            try:
                details: dict[str, Any] = self.engine.api.inspect_container(summary["Id"])
            except docker.errors.NotFound:
                continue
            sources = [mount.get("Source", "") for mount in details.get("Mounts", [])]
            if any(Path(source).is_relative_to(path) for source in sources):
                found.append(summary["Id"])
        return found

    def stop(self) -> None:
        if self._engine is not None:
            self._engine.close()
        if self._process is not None:
            self._process.terminate()
            try:
                self._process.wait(30)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
        shutil.rmtree(self._directory, ignore_errors=True)


def podman_problem() -> str | None:
    """Why the container executor's tests cannot run here (podman is not installed), or None."""
    if shutil.which("podman") is None:
        return "podman is not installed (make system-deps installs it)"
    if os.geteuid() != 0:
        return "the container tests use rootful Podman: run them as root"
    return None
