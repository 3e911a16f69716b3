"""One client connection: HTTP/1.1 requests parsed with httptools as bytes arrive, answered in order."""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from dataclasses import dataclass, field
from typing import Any, cast

import httptools

from codeyard.http import wire
from codeyard.http.cycle import App, Cycle
from codeyard.http.driver import Driver, in_task

log = logging.getLogger("codeyard.http")

EAGER_BODY = 64 * 1024  # bodies up to this size are read whole before the app starts
_METHODS = {m.encode(): m for m in ("GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS")}
_SPECIAL = frozenset((b"content-length", b"transfer-encoding", b"expect", b"upgrade"))


@dataclass(frozen=True, slots=True)
class Limits:
    """What a client may send and keep open."""

    max_header_bytes: int = 64 * 1024  # request line and header fields together
    max_headers: int = 100
    keep_alive_timeout: float = 5.0  # an idle connection is closed after this many seconds


@dataclass(slots=True, eq=False)
class ServerState:
    """What the connections of one server share."""

    app: App
    limits: Limits
    connections: set[HttpConnection] = field(default_factory=set)
    date_line: bytes = field(default_factory=wire.date_line)
    stopping: bool = False
    all_closed: asyncio.Future[None] | None = None

    def forget(self, conn: HttpConnection) -> None:
        self.connections.discard(conn)
        if not self.connections and self.all_closed is not None and not self.all_closed.done():
            self.all_closed.set_result(None)


class _Refused(Exception):
    """Raised in a parser callback to stop parsing a request that is refused."""


class HttpConnection(asyncio.Protocol):
    """Parses requests, queues pipelined ones and starts each app once the one before has answered.

    `_cycle` is the request being answered, `_pending` those parsed after it, `_parsing` the one
    whose body is arriving. Reading pauses while the app is not reading (more than HIGH_WATER
    buffered) and while a pipelined request waits; it resumes when the app asks for more.
    """

    def __init__(self, state: ServerState, loop: asyncio.AbstractEventLoop) -> None:
        self.state = state
        self.loop = loop
        self.transport = cast(asyncio.Transport, None)
        self.write_paused = False
        self.idle_since: float | None = None
        self._limits = state.limits
        self._parser = httptools.HttpRequestParser(self)
        self._parser.set_dangerous_leniencies(lenient_data_after_close=True)
        self._driver = Driver(loop, self._run_pending)
        self._pending: deque[Cycle] = deque()
        self._cycle: Cycle | None = None
        self._parsing: Cycle | None = None
        self._server: tuple[str, int] | None = None
        self._client: tuple[str, int] | None = None
        self._drainers: list[asyncio.Future[None]] = []
        self._fatal: bytes | None = None  # the answer to a refused request, written when it is its turn
        self._parsed_all = False  # nothing more is parsed: what the client still sends is dropped
        self._lingering = False  # answered all it will: waits for the client to close
        self._refusal = wire.BAD_REQUEST
        self._ignore = False  # set once a request closes the connection: what follows is not answered
        self._reading = True
        self._closed = False
        self._eof = False
        self._running = False
        self._in_head = False
        self._fed = self._raw_head = self._head_bound = self._messages = 0
        self._url = b""
        self._headers: list[tuple[bytes, bytes]] = []
        self._length: int | None = None
        self._chunked = self._expect = self._websocket = False

    @property
    def reading(self) -> bool:
        """Whether bytes are being read from the client (no backpressure on the request)."""
        return self._reading

    # --- asyncio.Protocol ----------------------------------------------------------------------

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.Transport, transport)
        self.state.connections.add(self)
        self._server = _address(transport.get_extra_info("sockname"))
        self._client = _address(transport.get_extra_info("peername"))
        self.idle_since = self.loop.time()
        if self.state.stopping:
            self.close()

    def data_received(self, data: bytes) -> None:
        if self._closed or self._parsed_all:
            return
        size = self._fed = len(data)
        in_head, messages = self._in_head, self._messages
        if in_head:  # a head split over reads: httptools holds it whole until it ends
            self._raw_head += size
            self._head_bound += size
        try:
            self._parser.feed_data(data)
        except httptools.HttpParserUpgrade:
            self.pause_reading()  # what follows an upgrade request is another protocol: not read
        except httptools.HttpParserError:
            self._refuse(self._refusal)
        else:
            if self._in_head:
                if not in_head and self._messages == messages:
                    self._raw_head = size  # a head began this read, and no request ended in it
                if self._raw_head > self._limits.max_header_bytes:
                    self._refuse(wire.HEADERS_TOO_LARGE)
        self._run_pending()

    def eof_received(self) -> bool | None:
        """The client closed its end: it is taken as gone (the transport closes, the app sees a
        disconnect), as a client that closed the socket whole cannot be told from a half-close."""
        self._eof = True
        self._reading = False
        return None

    def connection_lost(self, exc: Exception | None) -> None:
        self._closed = True
        for cycle in (self._cycle, self._parsing, *self._pending):
            if cycle is not None:
                cycle.disconnect()
        self._pending.clear()
        self._release_drainers()
        self._driver.close()
        self.state.forget(self)

    def pause_writing(self) -> None:
        self.write_paused = True

    def resume_writing(self) -> None:
        self.write_paused = False
        self._release_drainers()

    # --- httptools callbacks -------------------------------------------------------------------

    def on_message_begin(self) -> None:
        self._in_head = True
        self._raw_head = 0  # bytes of reads that were all head: the head is at least this long
        self._head_bound = self._fed  # and at most this long
        self._url = b""
        self._headers = []
        self._length = None
        self._chunked = self._expect = self._websocket = False

    def on_url(self, url: bytes) -> None:
        self._url += url

    def on_header(self, name: bytes, value: bytes) -> None:
        name = name.lower()
        self._headers.append((name, value))
        if name in _SPECIAL:
            self._special_header(name, value)

    def _special_header(self, name: bytes, value: bytes) -> None:
        if name == b"content-length":
            self._length = int(value) if value.isdigit() else None
        elif name == b"transfer-encoding":
            self._chunked = True
        elif name == b"expect":
            self._expect = value.lower() == b"100-continue"
        else:
            self._websocket = b"websocket" in value.lower()

    def on_headers_complete(self) -> None:
        self._in_head = False
        if self._ignore:
            return
        headers = self._headers
        limits = self._limits
        if len(headers) > limits.max_headers or (
            self._head_bound > limits.max_header_bytes
            and len(self._url) + sum(len(n) + len(v) + 4 for n, v in headers) > limits.max_header_bytes
        ):
            self._refusal = wire.HEADERS_TOO_LARGE
            raise _Refused
        parser = self._parser
        method_bytes = parser.get_method()
        method = _METHODS.get(method_bytes) or method_bytes.decode("ascii")
        upgrade = parser.should_upgrade()
        if upgrade and (self._websocket or self._chunked or self._length or method == "CONNECT"):
            # No WebSocket here; and httptools skips the body of an upgrade request.
            raise _Refused
        url = self._url
        path, raw_path, query = ("/", url, b"") if url == b"/" else wire.split_target(url)
        version = parser.get_http_version()
        scope = {
            "type": "http",
            "asgi": {"version": "3.0", "spec_version": "2.3"},
            "http_version": version,
            "server": self._server,
            "client": self._client,
            "scheme": "http",
            "method": method,
            "root_path": "",
            "path": path,
            "raw_path": raw_path,
            "query_string": query,
            "headers": headers,
        }
        keep_alive = parser.should_keep_alive() and not upgrade and not self.state.stopping
        streaming = self._expect or self._chunked or (self._length or 0) > EAGER_BODY
        cycle = Cycle(self, scope, keep_alive=keep_alive, expect_continue=self._expect, streaming=streaming)
        if not keep_alive:
            self._ignore = True
        if self._pending or (self._cycle is not None and self._busy()):
            self.pause_reading()  # pipelined: held back until the requests before it are answered
        self._pending.append(cycle)
        self._parsing = cycle
        self.idle_since = None

    def on_body(self, body: bytes) -> None:
        cycle = self._parsing
        if cycle is not None:
            cycle.feed(body)

    def on_message_complete(self) -> None:
        self._messages += 1
        cycle = self._parsing
        if cycle is not None:
            self._parsing = None
            cycle.complete()

    # --- for the cycles ------------------------------------------------------------------------

    @property
    def last_request(self) -> bool:
        """Whether the server is stopping and no request waits after the one answering now."""
        return self.state.stopping and not self._pending

    def write(self, data: bytes) -> None:
        if not self._closed:
            self.transport.write(data)

    def write_pieces(self, pieces: list[bytes]) -> None:
        if self._closed:
            return
        if len(pieces) == 1:
            self.transport.write(pieces[0])
        elif sum(map(len, pieces)) < wire.COPY_LIMIT:
            self.transport.write(b"".join(pieces))
        else:
            self.transport.writelines(pieces)  # one system call, no copy of a large body

    async def drain(self) -> None:
        waiter = self.loop.create_future()
        self._drainers.append(waiter)
        await waiter

    def pause_reading(self) -> None:
        if self._reading and not self._closed:
            self._reading = False
            self.transport.pause_reading()

    def resume_reading(self) -> None:
        if not self._reading and not self._closed and not self._eof:
            self._reading = True
            self.transport.resume_reading()

    def response_done(self, cycle: Cycle) -> None:
        if not cycle.keep_alive:
            self.close_after(cycle)
        elif not self._running:  # answered from a task: the next request may start
            self.loop.call_soon(self._run_pending)

    def close_after(self, cycle: Cycle) -> None:
        """Closes once `cycle` is answered, lingering if the client may still be sending its body."""
        if cycle.message_complete:
            self.close()
        else:
            self._linger()

    def close(self) -> None:
        if not self._closed:
            self._closed = True
            self.transport.close()

    def _linger(self) -> None:
        """Ends the sending side only, then reads and drops what the client still sends until it
        closes (or the idle sweep closes it): closing at once while the client still sends would
        reset the connection, and the client could lose the response it has not read yet."""
        if self._closed:
            return
        if not self.transport.can_write_eof():
            self.close()
            return
        self._parsed_all = self._lingering = True
        self._pending.clear()
        self.transport.write_eof()
        self.idle_since = self.loop.time()
        self.resume_reading()

    # --- for the server ------------------------------------------------------------------------

    def stop(self) -> None:
        """Graceful shutdown: closes now if idle, else once the requests already in are answered."""
        if not self._busy() and not self._pending:
            self.close()
            return
        self._ignore = True  # requests that arrive from now on are not answered

    def abort(self) -> list[asyncio.Task[None]]:
        """Shutdown time is up: cancels what still runs and drops the connection."""
        tasks = self._driver.cancel()
        self._closed = True
        self.transport.abort()
        return tasks

    # --- internals -----------------------------------------------------------------------------

    def _busy(self) -> bool:
        cycle = self._cycle
        return cycle is not None and not (cycle.response_complete or cycle.disconnected)

    def _run_pending(self) -> None:
        """Starts the next requests whose turn it is; when none is left, the connection is idle."""
        if self._running or self._lingering:
            return
        if in_task(self.loop):  # after a request that ran in a task: start the next outside it
            self.loop.call_soon(self._run_pending)
            return
        pending = self._pending
        self._running = True
        try:
            while True:
                if self._closed:
                    return
                cycle = self._cycle
                if cycle is not None and not (cycle.response_complete or cycle.disconnected):
                    return
                if not pending:
                    break
                cycle = pending[0]
                if not (cycle.message_complete or cycle.streaming):  # its body is still coming
                    self.resume_reading()
                    return
                pending.popleft()
                self._cycle = cycle
                self._driver.start(cycle.run(self.state.app), cycle.flush_head)
        finally:
            self._running = False
        self._cycle = None
        if self._fatal is not None:
            self.write(self._fatal)
            self._linger()
        elif self._eof or self.state.stopping:
            self.close()
        else:
            self.idle_since = self.loop.time()
            self.resume_reading()

    def _refuse(self, response: bytes) -> None:
        """A request that cannot be parsed or is refused: answered in its turn, then the connection closes."""
        self._fatal = response
        self._parsed_all = True
        self.pause_reading()
        cycle = self._parsing
        self._parsing = None
        if cycle is not None and not cycle.message_complete:  # its body broke off
            if cycle.head_written:
                self.close()  # the response to it is already on its way: cut it off
            cycle.disconnect()
            if cycle in self._pending:
                self._pending.remove(cycle)
        log.debug("refused a request from %s: %s", self._client, response.split(b"\r\n", 1)[0])

    def _release_drainers(self) -> None:
        drainers, self._drainers = self._drainers, []
        for waiter in drainers:
            if not waiter.done():
                waiter.set_result(None)


def _address(value: Any) -> tuple[str, int] | None:
    return (str(value[0]), int(value[1])) if isinstance(value, tuple) and len(value) >= 2 else None
