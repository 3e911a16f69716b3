"""The runner's main loop: register, long-poll for builds, run each one, again."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os

from codeyard.runner.build_cache import docker_layers_of
from codeyard.runner.client import Refused, WorkClient
from codeyard.runner.engine.executors import Executor
from codeyard.runner.executor_choice import ExecutorChoice
from codeyard.runner.job import BuildJob

log = logging.getLogger(__name__)
UNAUTHORIZED = 401
PARENT_CHECK = 1.0  # seconds between looks at the parent process
FLEET_RETRY_SECONDS = 5  # between registrations while the fleet to serve does not exist


class RunnerLoop:
    """Runs builds one at a time until cancelled (or until `parent_pid` is no longer its parent)."""

    def __init__(
        self,
        server: str,
        registration_token: str,
        name: str,
        executor: Executor | ExecutorChoice,
        *,
        parent_pid: int | None = None,
        fleet: str = "",
        wait_for_fleet: bool = False,
    ) -> None:
        self._fleet = fleet
        self._wait_for_fleet = wait_for_fleet
        self._server = server
        self._registration_token = registration_token
        self._name = name
        self._executor = executor
        self._parent_pid = parent_pid

    async def run(self) -> None:
        """Runs builds until cancelled; with a parent pid, also ends (abandoning a build) once the
        parent is gone, even while calls are being retried."""
        work = asyncio.create_task(self._work())
        watchdog = asyncio.create_task(self._watch_parent())
        try:
            await asyncio.wait({work, watchdog}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in (work, watchdog):
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
        if work.done() and not work.cancelled() and (error := work.exception()) is not None:
            raise error

    async def _watch_parent(self) -> None:
        if self._parent_pid is None:
            await asyncio.Event().wait()
        while self._parent_alive():
            await asyncio.sleep(PARENT_CHECK)
        log.info("the server that started this runner is gone: stopping")

    async def _work(self) -> None:
        client = WorkClient(self._server)
        try:
            await self._register(client)
            while True:
                try:
                    job = await client.poll()
                except Refused as error:
                    if error.status != UNAUTHORIZED:
                        raise
                    # The server forgot this runner (a reset test server): register again.
                    await self._register(client)
                    continue
                if job is None:
                    continue
                log.info("running build %s", job.build_id)
                executor = self._executor
                if isinstance(executor, ExecutorChoice):  # by the project's image
                    executor = executor.for_image(
                        job.image, job.privileged_mode, docker_layers_of(job), job.cache_generation
                    )
                await BuildJob(client, job, executor).run()
                log.info("build %s done", job.build_id)
        finally:
            await client.close()

    async def _register(self, client: WorkClient) -> None:
        while True:
            try:
                registration = await client.register(self._registration_token, self._name, self._fleet)
                break
            except Refused as error:  # with wait_for_fleet, a fleet not made yet is waited for
                if not self._wait_for_fleet or error.code != "InvalidInputException":
                    raise
                log.warning("%s; registering again in %d s", error.reason, FLEET_RETRY_SECONDS)
                await asyncio.sleep(FLEET_RETRY_SECONDS)
        served = f" for fleet {registration.fleet}" if registration.fleet else ""
        log.info("registered with %s as %s%s", self._server, registration.runner_id, served)

    def _parent_alive(self) -> bool:
        return self._parent_pid is None or os.getppid() == self._parent_pid
