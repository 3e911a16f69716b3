"""The scheduler tick: expires the leases of runners that stopped heartbeating (after a grace at start),
and now and then runs the housekeeping (expired reports deleted, quiet runners forgotten)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator

import anyio.to_thread

from codeyard.execution.housekeeping import Housekeeping
from codeyard.execution.queue import Expired, WorkQueue
from codeyard.execution.report_expiry import SWEEP_SECONDS
from codeyard.execution.wakeup import Wakeup
from codeyard.store.sql.notifications import WorkNotifications

log = logging.getLogger(__name__)


class Scheduler:
    """Runs `queue.expire()` every `interval` seconds while the server runs, and the housekeeping
    (when given) at start and every `sweep_seconds` after; stopping cancels a sweep between two of
    its batches."""

    def __init__(
        self,
        queue: WorkQueue,
        wakeup: Wakeup,
        interval: float,
        notifications: WorkNotifications | None = None,
        housekeeping: Housekeeping | None = None,
        sweep_seconds: float = SWEEP_SECONDS,
    ) -> None:
        self._queue = queue
        self._housekeeping = housekeeping
        self._sweep_seconds = sweep_seconds
        self._wakeup = wakeup
        self._interval = interval
        self._notifications = notifications

    async def _loop(self) -> None:
        started = False
        next_sweep = time.monotonic()
        while True:
            try:
                if not started:
                    await anyio.to_thread.run_sync(self._queue.grace)
                    started = True
                expired = await anyio.to_thread.run_sync(self._queue.expire)
                _log_expired(expired)
                if self._housekeeping is not None and time.monotonic() >= next_sweep:
                    next_sweep = time.monotonic() + self._sweep_seconds
                    swept = await self._housekeeping.sweep()
                    if swept["reportsDeleted"]:
                        log.info("%d expired report(s) deleted", swept["reportsDeleted"])
                    if swept["runnersForgotten"]:
                        log.info("%d quiet runner(s) forgotten", swept["runnersForgotten"])
                    if swept["artifactLeftoversRemoved"]:
                        log.info("%d half-kept artifact(s) removed", swept["artifactLeftoversRemoved"])
            except Exception:  # a database hiccup must not end the tick
                log.exception("the scheduler tick failed")
            await asyncio.sleep(self._interval)

    @contextlib.asynccontextmanager
    async def running(self) -> AsyncIterator[None]:
        """Ticks in the background while the block runs; binds the long polls' wake-up to this loop."""
        self._wakeup.ticket()
        task = asyncio.create_task(self._loop())
        if self._notifications is not None:  # work queued through other servers wakes our polls too
            self._notifications.listen(self._wakeup.notify)
        try:
            yield
        finally:
            if self._notifications is not None:
                await anyio.to_thread.run_sync(self._notifications.close)
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task


def _log_expired(expired: Expired) -> None:
    if expired.lost:
        log.warning("%d build(s) ended: their runners stopped heartbeating", expired.lost)
    if expired.requeued:
        log.warning("%d build(s) queued again: their runners stopped heartbeating", expired.requeued)
    if expired.queued_timed_out:
        log.info("%d build(s) timed out in the queue", expired.queued_timed_out)
    if expired.batches_stopped:
        log.info("%d build batch(es) stopped: timed out, or failing fast", expired.batches_stopped)
