"""Which executor runs a build, from the project's image: CodeBuild's own images (aws/codebuild/...)
cannot exist here, so they run on the runner's default executor (host or sandbox); any other image runs
in a container of that image. A runner whose default is `container` runs every build in a container
(managed images in DEFAULT_IMAGE)."""

from __future__ import annotations

import logging
import threading
from dataclasses import replace
from pathlib import Path

from codeyard.runner.engine.container import (
    ContainerExecutor,
    ContainerOptions,
    container_image,
    managed_image,
)
from codeyard.runner.engine.container_engine import ContainerError, Engine
from codeyard.runner.engine.executors import Executor, Workspace
from codeyard.runner.engine.runner_locks import RunnerLock, examining, hold

log = logging.getLogger(__name__)


class ExecutorChoice:
    """Picks each build's executor by its image. Picking is quick, on the runner's event loop: what a
    container build needs first (this process's lock in the work directory, the container engine
    reached, the containers of gone runners removed) is done by the executor's prepare, in
    PROVISIONING's worker thread while the build's lease is heartbeated."""

    def __init__(
        self,
        default: Executor | None,
        base_dir: Path,
        options: ContainerOptions | None = None,
    ) -> None:
        """`default` runs the managed images (None: containers run them too)."""
        self._default = default
        self._base_dir = base_dir
        self._options = options or ContainerOptions()
        self._engine: Engine | None = None
        # this process's lock in the work directory, held for its life once it runs containers
        self._lock: RunnerLock | None = None
        self._guard = threading.Lock()  # prepare runs in worker threads, close on the main one

    def for_image(
        self, image: str, privileged: bool = False, docker_layers: str | None = None, generation: int = 0
    ) -> Executor:
        """The executor of a build of `image`; `privileged` (the environment's privilegedMode) and
        `docker_layers` (the ARN of the project whose LOCAL_DOCKER_LAYER_CACHE the build asks for) only matter in
        a container. `generation` counts the resets of the project's cache: layers of an older one go when
        the build's container is prepared (off the event loop, the lease heartbeated)."""
        if self._default is not None and managed_image(image):
            return self._default
        options = replace(
            self._options, privileged=privileged, docker_layers=docker_layers, cache_generation=generation
        )
        return ChosenContainer(self, self._base_dir, container_image(image), options)

    def ready(self, image: str) -> tuple[str, Engine]:
        """This process's lock name and the engine, taken and reached on first need (blocking: called
        by prepare); ContainerError saying why a build of `image` cannot run when they cannot be."""
        with self._guard:
            try:
                if self._lock is None:
                    self._lock = hold(self._base_dir)
                if self._engine is None:
                    self._engine = self._connect()
            except ContainerError as error:
                raise ContainerError(_cannot_run(image, str(error))) from None
            except OSError as error:
                raise ContainerError(
                    _cannot_run(image, f"its work directory cannot be locked: {error}")
                ) from None
            return self._lock.name, self._engine

    def close(self) -> None:
        """Gives back what the runner holds when it exits cleanly: the engine's connection, and its
        lock in the work directory with the lock's file."""
        with self._guard:
            if self._engine is not None:
                self._engine.close()
                self._engine = None
            if self._lock is not None:
                self._lock.release()
                self._lock = None

    def _connect(self) -> Engine:
        """The engine, once the containers that runners of the work directory which are gone left
        are removed (a runner killed during a build); live runners' containers stay."""
        engine = Engine()
        try:
            with examining(self._base_dir) as gone:
                left = engine.remove_left_behind(self._base_dir.resolve(), gone)
        except (ContainerError, OSError):
            engine.close()  # the next build tries again with a connection of its own
            raise
        if left:
            log.info("removed %d container(s) left by runners of this work directory that are gone", left)
        return engine


class ChosenContainer(ContainerExecutor):
    """A container build's executor as picked: its prepare first gets the runner's lock and engine
    from the choice (ContainerError, so a FAULT in PROVISIONING, when it cannot), then prepares."""

    def __init__(self, choice: ExecutorChoice, base_dir: Path, image: str, options: ContainerOptions) -> None:
        super().__init__(base_dir, image, options)
        self._choice = choice

    def prepare(self, build_id: str) -> Workspace:
        owner, engine = self._choice.ready(self.image)
        self._engine = engine
        self._options = replace(self._options, owner=owner)
        return super().prepare(build_id)


def _cannot_run(image: str, reason: str) -> str:
    return (
        f"this runner cannot run the image {image}: it runs non-CodeBuild images in containers, and {reason}"
    )
