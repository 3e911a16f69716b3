"""Wakes the long polls waiting on this server's event loop when a job is queued (from any thread)."""

from __future__ import annotations

import asyncio
import contextlib


class Wakeup:
    """A broadcast signal: `notify()` from any thread ends every `wait()` that began before it."""

    def __init__(self) -> None:
        self._loop: asyncio.AbstractEventLoop | None = None
        self._event: asyncio.Event | None = None

    def ticket(self) -> asyncio.Event:
        """The event the next notify() sets; take it before looking for work, then wait on it."""
        if self._event is None or self._loop is None:
            self._loop = asyncio.get_running_loop()
            self._event = asyncio.Event()
        return self._event

    def notify(self) -> None:
        loop = self._loop
        if loop is None or loop.is_closed():
            return
        with contextlib.suppress(RuntimeError):  # the loop closed in between
            loop.call_soon_threadsafe(self._fire)

    def _fire(self) -> None:
        if self._event is not None:
            self._event.set()
        self._event = asyncio.Event()

    @staticmethod
    async def wait(ticket: asyncio.Event, timeout: float) -> bool:
        """True when notified within `timeout` seconds."""
        try:
            await asyncio.wait_for(ticket.wait(), timeout)
        except TimeoutError:
            return False
        return True
