"""One request and its response on a connection: the ASGI `receive` and `send` of an HTTP request."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any

from codeyard.http import wire

if TYPE_CHECKING:
    from codeyard.http.connection import HttpConnection

log = logging.getLogger("codeyard.http")

Scope = dict[str, Any]
Message = dict[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
App = Callable[[Scope, Receive, Send], Awaitable[None]]

HIGH_WATER = 64 * 1024  # request body held for the app before the connection stops reading
NO_BODY = frozenset({204, 304, *range(100, 200)})


class ResponseAborted(Exception):
    """Raised by an app to break its response off on purpose, having logged why itself: the
    connection closes (a started body is left incomplete, else the client gets a 500), and
    nothing more is logged."""


class Cycle:
    """Hands the request body to the app as it arrives and frames the app's response.

    The response head from `http.response.start` is held back and written with the first body
    message, so that a small response leaves in one write. It is flushed on its own whenever the
    app suspends before sending a body (see `flush_head`).
    """

    # State every request starts with, as class attributes: an instance stores only what changes.
    _buffered = 0
    _request_done = False
    _waiter: asyncio.Future[None] | None = None
    _head: bytes | None = None
    _chunked = False
    _no_body = False
    _remaining: int | None = None
    message_complete = False
    disconnected = False
    response_started = False
    response_complete = False
    head_written = False

    def __init__(
        self,
        conn: HttpConnection,
        scope: Scope,
        *,
        keep_alive: bool,
        expect_continue: bool,
        streaming: bool,
    ) -> None:
        self.conn = conn
        self.scope = scope
        self.keep_alive = keep_alive
        # Started as soon as its head is in (large, chunked or 100-continue bodies), not once complete.
        self.streaming = streaming
        self._expect_continue = expect_continue
        self._head_only = scope["method"] == "HEAD"
        self._chunks: list[bytes] = []

    # --- from the parser and the connection ---------------------------------------------------

    def feed(self, body: bytes) -> None:
        if self.response_complete or self.disconnected:
            return  # the app answered without reading it all: the rest is dropped
        self._chunks.append(body)
        self._buffered += len(body)
        if self._buffered > HIGH_WATER:
            self.conn.pause_reading()
        if self._waiter is not None:
            self._wake()

    def complete(self) -> None:
        self.message_complete = True
        if self._waiter is not None:
            self._wake()

    def disconnect(self) -> None:
        self.disconnected = True
        self._head = None
        self._wake()

    def _wake(self) -> None:
        waiter = self._waiter
        if waiter is not None:
            self._waiter = None
            if not waiter.done():
                waiter.set_result(None)

    # --- ASGI ----------------------------------------------------------------------------------

    async def receive(self) -> Message:
        if self._expect_continue:
            self._expect_continue = False
            if not self.message_complete and not self.disconnected:
                self.conn.write(wire.CONTINUE)
        while not self.disconnected and not self.response_complete:
            if self._chunks or (self.message_complete and not self._request_done):
                return self._body_message()
            if not self.message_complete:
                self.conn.resume_reading()
            waiter = self._waiter = self.conn.loop.create_future()
            await waiter
        return {"type": "http.disconnect"}

    def _body_message(self) -> Message:
        chunks = self._chunks
        if not chunks:
            body = b""
        elif len(chunks) == 1:
            body = chunks[0]
            chunks.clear()
        else:
            body = b"".join(chunks)
            chunks.clear()
        self._buffered = 0
        more = not self.message_complete
        self._request_done = not more
        return {"type": "http.request", "body": body, "more_body": more}

    async def send(self, message: Message) -> None:
        kind = message["type"]
        if not self.response_started:
            if kind != "http.response.start":
                raise RuntimeError(f"Expected ASGI message 'http.response.start', but got {kind!r}.")
            self._start(message["status"], message.get("headers", ()))
            return
        if kind != "http.response.body":
            raise RuntimeError(f"Expected ASGI message 'http.response.body', but got {kind!r}.")
        if self.response_complete:
            raise RuntimeError("Unexpected ASGI message after the response completed.")
        conn = self.conn
        if conn.write_paused and not self.disconnected:
            await conn.drain()
        if self.disconnected:
            return
        body: bytes = message.get("body", b"")
        more: bool = message.get("more_body", False)
        if self._no_body:
            body = b""
        elif self._remaining is not None:
            remaining = self._remaining - len(body)
            if remaining < 0 or (remaining and not more):
                raise RuntimeError(
                    f"Response body {'longer' if remaining < 0 else 'shorter'} than its Content-Length."
                )
            self._remaining = remaining
        if self._chunked:
            if body:
                pieces = [b"%x\r\n" % len(body), body, b"\r\n" if more else b"\r\n0\r\n\r\n"]
            else:
                pieces = [] if more else [wire.LAST_CHUNK]
        else:
            pieces = [body] if body else []
        head = self._head
        if head is not None:
            self._head = None
            self.head_written = True
            pieces.insert(0, head)
        if pieces:
            conn.write_pieces(pieces)
        if not more:
            self._finish()

    def _start(self, status: int, headers: Iterable[Sequence[bytes]]) -> None:
        status_line = wire.STATUS_LINES.get(status)
        if status_line is None:
            raise RuntimeError(f"Invalid HTTP status {status!r}.")
        conn = self.conn
        parts = [status_line, conn.state.date_line]
        lines = 3  # the status line, the date and the blank line
        length: int | None = None
        chunked = close = False
        for name, value in headers:
            lowered = name.lower()
            if lowered == b"content-length":
                length = int(value)
                if length < 0:
                    raise RuntimeError("Negative Content-Length.")
            elif lowered == b"transfer-encoding":
                chunked = b"chunked" in value.lower()
            elif lowered == b"connection" and b"close" in value.lower():
                close = True
            parts += (name, b": ", value, b"\r\n")
            lines += 1
        self.response_started = True
        if self._expect_continue:
            # Answered before the client was told to send its body: the body never comes.
            self._expect_continue = False
            if not self.message_complete:
                self.keep_alive = False
        if close or conn.last_request:
            self.keep_alive = False
        self._no_body = self._head_only or status in NO_BODY
        if self._no_body:
            chunked = False
        elif length is None and not chunked:
            if self.scope["http_version"] == "1.1":
                chunked = True
                parts.append(wire.CHUNKED)
                lines += 1
            else:
                self.keep_alive = False  # an HTTP/1.0 body without a length ends with the connection
        if not self.keep_alive and not close:
            parts.append(wire.CLOSE)
            lines += 1
        elif self.keep_alive and self.scope["http_version"] == "1.0":
            parts.append(wire.KEEP_ALIVE)
            lines += 1
        parts.append(wire.END)
        head = b"".join(parts)
        if head.count(b"\n") != lines or head.count(b"\r") != lines:
            raise RuntimeError("Invalid HTTP header name or value (line breaks are not allowed).")
        self._chunked = chunked
        self._remaining = None if self._no_body or chunked else length
        self._head = head

    def _finish(self) -> None:
        self.response_complete = True
        self._wake()
        self.conn.response_done(self)

    def flush_head(self) -> None:
        """Writes a held-back head: the app is about to wait, and the client should see it now."""
        head = self._head
        if head is not None:
            self._head = None
            self.head_written = True
            self.conn.write(head)

    # --- running the app -----------------------------------------------------------------------

    async def run(self, app: App) -> None:
        try:
            await app(self.scope, self.receive, self.send)
        except ResponseAborted:
            self._fail(None)
        except (Exception, asyncio.CancelledError) as error:
            self._fail(error)
        except BaseException as error:  # KeyboardInterrupt, SystemExit: the connection goes with them
            self._fail(error)
            raise
        else:
            if not self.response_complete and not self.disconnected:
                what = "completing" if self.response_started else "starting"
                log.error("ASGI application returned without %s the response to %s", what, self._target())
                self._fail(None)

    def _fail(self, error: BaseException | None) -> None:
        if isinstance(error, asyncio.CancelledError):
            log.warning("request cancelled: %s", self._target())
        elif error is not None:
            log.error("Exception in ASGI application serving %s", self._target(), exc_info=error)
        if self.response_complete or self.disconnected:
            return
        self.response_complete = True
        if not self.head_written:
            self._head = None
            self.head_written = True
            self.conn.write(wire.INTERNAL_ERROR)
        self.conn.close_after(self)

    def _target(self) -> str:
        return f"{self.scope['method']} {self.scope['path']}"
