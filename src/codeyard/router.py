"""The one port: routes each request by path to the AWS API, git, console or Codeyard's own API."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

Scope = dict[str, Any]
Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]
AsgiApp = Callable[[Scope, Receive, Send], Awaitable[None]]
RESERVED = ("/_codeyard/", "/moto-api/")


async def send_json(send: Send, status: int, payload: object) -> None:
    body = json.dumps(payload).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": body})


class Router:
    """Dispatches on path prefixes; everything else goes to the AWS API endpoint."""

    def __init__(
        self,
        api: AsgiApp,
        mounts: Sequence[tuple[str, AsgiApp]] = (),
        lifespan: AsgiApp | None = None,
    ) -> None:
        self._api = api
        self._mounts = list(mounts)
        self._lifespan = lifespan

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        kind = scope["type"]
        if kind == "lifespan":
            if self._lifespan is not None:
                await self._lifespan(scope, receive, send)
            return
        if kind != "http":
            return
        path: str = scope["path"]
        for prefix, app in self._mounts:
            if path.startswith(prefix):
                await app(scope, receive, send)
                return
        # AWS calls are POSTs (any path: an endpoint URL may carry a prefix) or, for the query
        # protocol and presigned URLs, GETs of "/" with a query string. Paths of servers we stand
        # in for (moto's /moto-api/) are 404 unless mounted: never mistaken for an AWS call.
        method = scope["method"]
        if path.startswith(RESERVED):
            await send_json(send, 404, not_found(path))
            return
        if method == "POST" or (method == "GET" and path == "/" and scope.get("query_string")):
            await self._api(scope, receive, send)
            return
        await send_json(send, 404, not_found(path))


def not_found(path: str) -> dict[str, str]:
    """The body of a 404, shaped like an AWS JSON error."""
    return {"__type": "NotFound", "message": f"Nothing is served at {path}."}
