"""Codeyard's own HTTP API under /_codeyard/v1: health and, in test mode, reset and the outbox."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs

import anyio.to_thread

from codeyard import __version__
from codeyard.router import Receive, Scope, Send, not_found, send_json


class AdminApi:
    def __init__(
        self,
        reset: Callable[[], None] | None,
        is_ready: Callable[[], bool],
        events: Callable[[str | None], list[dict[str, Any]]] | None = None,
    ) -> None:
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
        await send_json(send, 404, not_found(path))
