"""Which executor runs a build, from the project's image: CodeBuild's own images (aws/codebuild/...)
cannot exist here, so they run on the runner's default executor (host or sandbox); any other image runs
in a container of that image. A runner whose default is `container` runs every build in a container
(managed images in DEFAULT_IMAGE)."""

from __future__ import annotations

import logging
from collections.abc import Mapping
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
from codeyard.runner.engine.session import ShellSession

log = logging.getLogger(__name__)


class ExecutorChoice:
    """Picks each build's executor by its image; the container engine is reached when first needed."""

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

    def for_image(
        self, image: str, privileged: bool = False, docker_layers: str | None = None, generation: int = 0
    ) -> Executor:
        """The executor of a build of `image`; `privileged` (the environment's privilegedMode) and
        `docker_layers` (the ARN of the project whose LOCAL_DOCKER_LAYER_CACHE the build asks for) only matter in
        a container. `generation` counts the resets of the project's cache: layers of an older one go when
        the build's container is prepared (off the event loop, the lease heartbeated)."""
        if self._default is not None and managed_image(image):
            return self._default
        chosen = container_image(image)
        try:
            if self._lock is None:
                self._lock = hold(self._base_dir)
            if self._engine is None:
                self._engine = self._connect()
        except ContainerError as error:
            return NoContainerEngine(chosen, str(error))
        except OSError as error:
            return NoContainerEngine(chosen, f"its work directory cannot be locked: {error}")
        # older layers of the project are removed by the executor's prepare, in a worker thread while
        # the build's lease is heartbeated (container.py), not here on the runner's event loop
        options = replace(
            self._options,
            privileged=privileged,
            docker_layers=docker_layers,
            cache_generation=generation,
            owner=self._lock.name,
        )
        return ContainerExecutor(self._base_dir, chosen, options, self._engine)

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


class NoContainerEngine:
    """The executor of a container build on a runner without a container engine: PROVISIONING fails,
    saying why."""

    def __init__(self, image: str, reason: str) -> None:
        self._image = image
        self._reason = reason

    def prepare(self, build_id: str) -> Workspace:
        raise ContainerError(
            f"this runner cannot run the image {self._image}: it runs non-CodeBuild images in "
            f"containers, and {self._reason}"
        )

    def start_session(
        self, workspace: Workspace, env: Mapping[str, str], shell: str | None, separate_shells: bool
    ) -> ShellSession:
        raise AssertionError("prepare always fails: no session can start")

    def cleanup(self, workspace: Workspace) -> None:
        """Nothing was made."""
