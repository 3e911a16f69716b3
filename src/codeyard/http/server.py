"""The server: serves an ASGI app on listening sockets, closes idle connections, stops gracefully."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import socket
from collections.abc import Callable, Sequence
from contextlib import AbstractAsyncContextManager

from codeyard.http import wire
from codeyard.http.connection import HttpConnection, Limits, ServerState
from codeyard.http.cycle import App

log = logging.getLogger("codeyard.http")

GRACEFUL_TIMEOUT = 5.0  # seconds the requests in flight get to finish once the server stops
BACKLOG = 2048


class HttpServer:
    """Accepts connections until `stop()`, then lets the requests in flight finish, up to a limit."""

    def __init__(
        self,
        app: App,
        *,
        limits: Limits | None = None,
        graceful_timeout: float = GRACEFUL_TIMEOUT,
        backlog: int = BACKLOG,
    ) -> None:
        self.state = ServerState(app, limits or Limits())
        self._graceful_timeout = graceful_timeout
        self._backlog = backlog
        self._stop = asyncio.Event()
        self._hurry = asyncio.Event()
        self._ticker: asyncio.TimerHandle | None = None

    @property
    def connections(self) -> set[HttpConnection]:
        return self.state.connections

    @property
    def stopping(self) -> bool:
        return self._stop.is_set()

    async def serve(self, sockets: Sequence[socket.socket]) -> None:
        """Serves on the (bound) sockets until `stop()`; returns once stopped."""
        loop = asyncio.get_running_loop()
        state = self.state

        def connection() -> HttpConnection:
            return HttpConnection(state, loop)

        servers = [await loop.create_server(connection, sock=sock, backlog=self._backlog) for sock in sockets]
        self._tick()
        try:
            await self._stop.wait()
        finally:
            if self._ticker is not None:
                self._ticker.cancel()
            await self._shutdown(servers)

    def stop(self, *, hurry: bool = False) -> None:
        """Ends `serve`; with `hurry` the requests in flight are not waited for. Call on the loop."""
        self._stop.set()
        if hurry:
            self._hurry.set()

    def _tick(self) -> None:
        """Once a second (or a quarter of the keep-alive timeout): the Date header, idle connections."""
        loop = asyncio.get_running_loop()
        state = self.state
        state.date_line = wire.date_line()
        timeout = state.limits.keep_alive_timeout
        now = loop.time()
        for conn in list(state.connections):
            since = conn.idle_since
            if since is not None and now - since >= timeout:
                conn.close()
        self._ticker = loop.call_later(min(1.0, timeout / 4), self._tick)

    async def _shutdown(self, servers: list[asyncio.Server]) -> None:
        loop = asyncio.get_running_loop()
        state = self.state
        state.stopping = True
        for server in servers:
            server.close()
        for conn in list(state.connections):
            conn.stop()
        if state.connections and not self._hurry.is_set():
            state.all_closed = loop.create_future()
            hurry = loop.create_task(self._hurry.wait())
            await asyncio.wait(
                (state.all_closed, hurry),
                timeout=self._graceful_timeout,
                return_when=asyncio.FIRST_COMPLETED,
            )
            hurry.cancel()
        if state.connections:
            log.warning("stopping with %d connection(s) still busy", len(state.connections))
            tasks = [task for conn in list(state.connections) for task in conn.abort()]
            if tasks:
                await asyncio.wait(tasks, timeout=1.0)


def serve(
    app: App,
    sockets: Sequence[socket.socket],
    *,
    limits: Limits | None = None,
    graceful_timeout: float = GRACEFUL_TIMEOUT,
    alongside: AbstractAsyncContextManager[object] | None = None,
) -> None:
    """Serves `app` until SIGINT or SIGTERM (a second one does not wait), on uvloop when installed.

    `alongside` (another server on the same loop) is entered before serving and exited once stopped."""
    server = HttpServer(app, limits=limits, graceful_timeout=graceful_timeout)
    with asyncio.Runner(loop_factory=_loop_factory()) as runner:
        runner.run(_until_signalled(server, sockets, alongside or contextlib.nullcontext()))


async def _until_signalled(
    server: HttpServer, sockets: Sequence[socket.socket], alongside: AbstractAsyncContextManager[object]
) -> None:
    loop = asyncio.get_running_loop()
    signals = (signal.SIGINT, signal.SIGTERM)
    previous = {sig: signal.getsignal(sig) for sig in signals}

    def on_signal() -> None:
        server.stop(hurry=server.stopping)

    for sig in signals:
        loop.add_signal_handler(sig, on_signal)
    try:
        async with alongside:
            await server.serve(sockets)
    finally:
        for sig in signals:
            loop.remove_signal_handler(sig)
            handler = previous[sig]
            if handler is not None:
                signal.signal(sig, handler)


def _loop_factory() -> Callable[[], asyncio.AbstractEventLoop]:
    try:
        import uvloop
    except ImportError:  # pragma: no cover - uvloop is installed wherever it builds
        return asyncio.new_event_loop
    return uvloop.new_event_loop
