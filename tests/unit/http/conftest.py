"""The HTTP server in process: a thread runs its event loop, tests talk to it over loopback sockets."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from typing import Any, TypeVar

import pytest
import uvloop

from codeyard.http import HttpServer, Limits
from codeyard.http.cycle import App

T = TypeVar("T")
LOOPS: dict[str, Callable[[], asyncio.AbstractEventLoop]] = {
    "uvloop": uvloop.new_event_loop,
    "asyncio": asyncio.new_event_loop,
}


@dataclass
class Running:
    """A server serving in a thread of its own."""

    server: HttpServer
    loop: asyncio.AbstractEventLoop
    port: int
    thread: threading.Thread
    errors: list[BaseException] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def connect(self, timeout: float = 10.0) -> socket.socket:
        return socket.create_connection(("127.0.0.1", self.port), timeout=timeout)

    def call(self, function: Callable[[], T]) -> T:
        """Runs `function` on the server's loop (where its state may be read) and returns its result."""
        result: Future[T] = Future()

        def run() -> None:
            try:
                result.set_result(function())
            except BaseException as error:
                result.set_exception(error)

        self.loop.call_soon_threadsafe(run)
        return result.result(10)

    def stop(self, *, hurry: bool = False) -> None:
        if self.thread.is_alive():
            self.loop.call_soon_threadsafe(lambda: self.server.stop(hurry=hurry))

    def join(self, timeout: float = 15.0) -> None:
        self.thread.join(timeout)
        assert not self.thread.is_alive(), "the server did not stop"
        if self.errors:
            raise self.errors[0]


@contextmanager
def running(
    app: App, *, limits: Limits | None = None, graceful_timeout: float = 5.0, loop: str = "uvloop"
) -> Iterator[Running]:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen()
    server = HttpServer(app, limits=limits, graceful_timeout=graceful_timeout)
    runner = asyncio.Runner(loop_factory=LOOPS[loop])
    errors: list[BaseException] = []

    def serve() -> None:
        try:
            runner.run(server.serve([sock]))
        except BaseException as error:
            errors.append(error)
        finally:
            runner.close()

    event_loop = runner.get_loop()
    thread = threading.Thread(target=serve, name="http-server", daemon=True)
    handle = Running(server, event_loop, sock.getsockname()[1], thread, errors)
    thread.start()
    try:
        yield handle
    finally:
        handle.stop()
        handle.join()
        sock.close()


@pytest.fixture(params=sorted(LOOPS))
def loop_name(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def serve(loop_name: str) -> Iterator[Callable[..., Running]]:
    """Starts servers for a test (on uvloop and on asyncio's own loop); stops them after it."""
    with ExitStack() as stack:

        def start(app: App, **kwargs: Any) -> Running:
            return stack.enter_context(running(app, loop=loop_name, **kwargs))

        yield start


def wait_for(condition: Callable[[], bool], timeout: float = 10.0, what: str = "condition") -> None:
    """Polls `condition` until it holds (a bounded loop: no fixed sleeps)."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.005)
