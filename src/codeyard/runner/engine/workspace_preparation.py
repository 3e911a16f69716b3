"""Making a build's workspace: in a worker thread, so that the timeout, a stop and heartbeats go on."""

from __future__ import annotations

import asyncio
import threading

from codeyard.runner.engine.executors import Executor, Workspace


async def prepare_workspace(executor: Executor, build_id: str, *, in_thread: bool = True) -> Workspace:
    """The executor's workspace, made in a thread: pulling an image may take long, and the
    timeout, a stop and the heartbeats go on meanwhile. A workspace made after the build gave
    up waiting for it is cleaned up by whichever side comes second.

    Without `in_thread` (an executor whose workspace is a few directories, as the host's) it is
    made on the event loop: a worker thread, started and shut down, would cost more."""
    if not in_thread:
        return executor.prepare(build_id)
    lock = threading.Lock()
    made: list[Workspace] = []
    abandoned = False

    def make() -> Workspace:
        workspace = executor.prepare(build_id)
        with lock:
            made.append(workspace)
            if not abandoned:
                return workspace
        executor.cleanup(workspace)
        return workspace

    try:
        return await asyncio.to_thread(make)
    except asyncio.CancelledError:
        with lock:
            abandoned = True
            leftover = list(made)
        for workspace in leftover:  # made, but the build stopped waiting before it was handed over
            executor.cleanup(workspace)
        raise
