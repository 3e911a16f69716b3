"""The server's life: idle connections timed out, graceful shutdown, shutdown that runs out of time."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from codeyard.http import Limits
from tests.unit.http.conftest import Running, running, wait_for
from tests.unit.http.raw import Reader, request

Scope = dict[str, Any]
Serve = Callable[..., Running]


async def hello(scope: Scope, receive: Any, send: Any) -> None:
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-length", b"5")]})
    await send({"type": "http.response.body", "body": b"hello"})


def test_idle_keep_alive_connections_are_closed(serve: Serve) -> None:
    server = serve(hello, limits=Limits(keep_alive_timeout=0.2))
    with server.connect() as used, server.connect() as silent:
        used.sendall(request())
        reader = Reader(used)
        assert reader.response().body == b"hello"
        assert reader.closed(), "an idle connection stays open"
        assert Reader(silent).closed(), "a connection that never sent a request stays open"
    wait_for(lambda: server.call(lambda: len(server.server.connections)) == 0, what="no connections")


def test_a_busy_connection_is_not_idle(serve: Serve) -> None:
    release = threading.Event()

    async def slow(scope: Scope, receive: Any, send: Any) -> None:
        await asyncio.get_running_loop().run_in_executor(None, release.wait, 10)
        await hello(scope, receive, send)

    server = serve(slow, limits=Limits(keep_alive_timeout=0.1))
    with server.connect() as sock:
        sock.sendall(request())
        # The Date line changes once a second: that is ten keep-alive timeouts (and forty sweeps).
        date = server.call(lambda: server.server.state.date_line)
        wait_for(lambda: server.call(lambda: server.server.state.date_line) != date, what="a second")
        release.set()
        assert Reader(sock).response().body == b"hello"


def test_graceful_shutdown_waits_for_the_request_in_flight(loop_name: str) -> None:
    entered, release = threading.Event(), threading.Event()

    async def slow(scope: Scope, receive: Any, send: Any) -> None:
        entered.set()
        await asyncio.get_running_loop().run_in_executor(None, release.wait, 10)
        await hello(scope, receive, send)

    with running(slow, loop=loop_name) as server:
        busy, idle = server.connect(), server.connect()
        with busy, idle:
            busy.sendall(request())
            assert entered.wait(10)
            server.stop()
            assert Reader(idle).closed(), "idle connections are closed at once"
            with pytest.raises(httpx.ConnectError):
                httpx.get(server.url, timeout=2)  # no longer accepting
            assert server.thread.is_alive(), "the server did not wait for the request in flight"
            release.set()
            reader = Reader(busy)
            response = reader.response()
            assert response.body == b"hello"
            assert response.header("connection") == "close"
            assert reader.closed()
            server.join()


def test_graceful_shutdown_gives_up_after_its_timeout(loop_name: str) -> None:
    outcome: list[str] = []

    async def endless(scope: Scope, receive: Any, send: Any) -> None:
        try:
            await asyncio.Event().wait()
        except asyncio.CancelledError:
            outcome.append("cancelled")
            raise

    with running(endless, loop=loop_name, graceful_timeout=0.2) as server, server.connect() as sock:
        sock.sendall(request())
        wait_for(lambda: server.call(lambda: len(server.server.connections)) == 1, what="the request")
        server.stop()
        server.join()
        assert Reader(sock).read_to_eof() == b""
    assert outcome == ["cancelled"]


def test_a_second_stop_does_not_wait(loop_name: str) -> None:
    async def endless(scope: Scope, receive: Any, send: Any) -> None:
        await asyncio.Event().wait()

    with running(endless, loop=loop_name, graceful_timeout=30) as server, server.connect() as sock:
        sock.sendall(request())
        wait_for(lambda: server.call(lambda: len(server.server.connections)) == 1, what="the request")
        server.stop()
        server.stop(hurry=True)
        server.join(timeout=5)
