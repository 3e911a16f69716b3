"""Codeyard's own HTTP API under /_codeyard/v1: health and, in test mode, reset, the outbox, the
clock's offset and the housekeeping sweep (expired reports, quiet runners)."""

from __future__ import annotations

import math
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any
from urllib.parse import parse_qs

import anyio.to_thread

from codeyard import __version__
from codeyard.clock import OffsetClock
from codeyard.router import Receive, Scope, Send, not_found, send_json

MAX_OFFSET = timedelta(days=3650)


class AdminApi:
    def __init__(
        self,
        reset: Callable[[], None] | None,
        is_ready: Callable[[], bool],
        events: Callable[[str | None], list[dict[str, Any]]] | None = None,
        clock: OffsetClock | None = None,
        sweep: Callable[[], Awaitable[dict[str, int]]] | None = None,
    ) -> None:
        self._clock = clock
        self._sweep = sweep
        self._reset = reset
        self._is_ready = is_ready
        self._events = events

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path: str = scope["path"]
        method: str = scope["method"]
        if path == "/_codeyard/v1/health" and method == "GET":
            if not self._is_ready():
                await send_json(send, 503, {"status": "starting", "version": __version__})
                return
            await send_json(send, 200, {"status": "ok", "version": __version__})
            return
        if path in ("/_codeyard/v1/reset", "/moto-api/reset") and self._reset is not None:
            if method != "POST":
                await send_json(send, 405, {"__type": "MethodNotAllowed", "message": "Use POST."})
                return
            await anyio.to_thread.run_sync(self._reset)
            await send_json(send, 200, {"status": "reset"})
            return
        if path == "/_codeyard/v1/events" and method == "GET" and self._events is not None:
            query = parse_qs(scope.get("query_string", b"").decode())
            source = query.get("source", [None])[0]
            events = await anyio.to_thread.run_sync(self._events, source)
            await send_json(send, 200, {"events": events})
            return
        if path == "/_codeyard/v1/clock" and method == "POST" and self._clock is not None:
            await self._set_clock(scope, send, self._clock)
            return
        if path == "/_codeyard/v1/sweep" and method == "POST" and self._sweep is not None:
            await send_json(send, 200, await self._sweep())
            return
        await send_json(send, 404, not_found(path))

    async def _set_clock(self, scope: Scope, send: Send, clock: OffsetClock) -> None:
        """`?offset=<seconds>` puts the server's clock that far from the wall clock (0: back on it)."""
        given = parse_qs(scope.get("query_string", b"").decode()).get("offset", [""])[0]
        try:
            seconds = float(given)
        except ValueError:
            seconds = math.nan
        if not math.isfinite(seconds) or abs(seconds) > MAX_OFFSET.total_seconds():
            message = f"offset must be a number of seconds within {MAX_OFFSET.days} days, not {given!r}"
            await send_json(send, 400, {"__type": "BadRequest", "message": message})
            return
        clock.set_offset(timedelta(seconds=seconds))
        await send_json(send, 200, {"offset": seconds, "now": clock.now().isoformat()})
