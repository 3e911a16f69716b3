"""Codeyard's own HTTP API under /_codeyard/v1: health and, in test mode, reset."""

from __future__ import annotations

from collections.abc import Callable

import anyio.to_thread

from codeyard import __version__
from codeyard.router import Receive, Scope, Send, not_found, send_json


class AdminApi:
    def __init__(self, reset: Callable[[], None] | None, is_ready: Callable[[], bool]) -> None:
        self._reset = reset
        self._is_ready = is_ready

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
        await send_json(send, 404, not_found(path))
