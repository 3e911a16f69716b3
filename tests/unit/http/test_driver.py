"""Apps run on the spot until they wait, then in the connection's task: what they see must not differ."""

from __future__ import annotations

import asyncio
import contextvars
import json
import threading
from collections.abc import AsyncIterator, Callable
from typing import Any

import anyio
import httpx
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.base import BaseHTTPMiddleware, RequestResponseEndpoint
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response, StreamingResponse
from starlette.routing import Route

from tests.unit.http.conftest import Running, wait_for
from tests.unit.http.raw import Reader, request

Scope = dict[str, Any]
Serve = Callable[..., Running]
VAR: contextvars.ContextVar[str] = contextvars.ContextVar("VAR", default="unset")


async def answer(send: Any, text: str) -> None:
    body = text.encode()
    await send(
        {
            "type": "http.response.start",
            "status": 200,
            "headers": [(b"content-length", str(len(body)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": body})


def get_all(server: Running, paths: list[str]) -> list[str]:
    """GETs on one keep-alive connection."""
    with httpx.Client(base_url=server.url) as client:
        return [client.get(path).text for path in paths]


def test_the_app_always_runs_in_a_task(serve: Serve) -> None:
    async def app(scope: Scope, receive: Any, send: Any) -> None:
        before = asyncio.current_task()
        if scope["path"] == "/wait":
            await asyncio.sleep(0)
        after = asyncio.current_task()
        await answer(send, json.dumps([before is not None, before is after]))

    server = serve(app)
    assert get_all(server, ["/", "/wait", "/", "/wait"]) == ["[true, true]"] * 4


def test_context_variables_stay_with_their_request(serve: Serve) -> None:
    async def app(scope: Scope, receive: Any, send: Any) -> None:
        seen = VAR.get()
        VAR.set(scope["path"])
        if scope["path"] == "/wait":
            await asyncio.sleep(0)
        await answer(send, f"{seen} {VAR.get()}")

    server = serve(app)
    assert get_all(server, ["/a", "/wait", "/b"]) == ["unset /a", "unset /wait", "unset /b"]


def test_anyio_task_groups_cancel_scopes_and_threads(serve: Serve) -> None:
    async def app(scope: Scope, receive: Any, send: Any) -> None:
        results: list[str] = []
        with anyio.move_on_after(0.05) as scope_:
            await anyio.sleep(10)
        results.append(f"moved on {scope_.cancelled_caught}")
        async with anyio.create_task_group() as group:
            group.start_soon(lambda: anyio.to_thread.run_sync(results.append, "thread"))
        await answer(send, ", ".join(results))

    server = serve(app)
    assert get_all(server, ["/", "/"]) == ["moved on True, thread"] * 2


def test_an_app_that_cancels_its_own_task(serve: Serve) -> None:
    async def app(scope: Scope, receive: Any, send: Any) -> None:
        task = asyncio.current_task()
        assert task is not None
        if scope["path"] == "/cancel-and-wait":
            task.cancel()
            try:
                await asyncio.sleep(0)
            except asyncio.CancelledError:
                task.uncancel()
                await answer(send, "cancelled")
                return
        if scope["path"] == "/cancel-and-return":
            task.cancel()  # and never waits: the cancellation ends with the request
            await answer(send, "returned")
            return
        await asyncio.sleep(0)
        await answer(send, "ran")

    server = serve(app)
    paths = ["/cancel-and-wait", "/", "/cancel-and-return", "/", "/cancel-and-wait", "/"]
    assert get_all(server, paths) == ["cancelled", "ran", "returned", "ran", "cancelled", "ran"]


def test_timeouts_reach_the_app(serve: Serve) -> None:
    async def app(scope: Scope, receive: Any, send: Any) -> None:
        try:
            async with asyncio.timeout(0.02):
                await asyncio.Event().wait()
        except TimeoutError:
            await answer(send, "timed out")

    server = serve(app)
    assert get_all(server, ["/", "/", "/"]) == ["timed out"] * 3


def test_work_after_the_response_does_not_hold_up_the_next_request(serve: Serve) -> None:
    release = threading.Event()
    finished: list[str] = []

    async def app(scope: Scope, receive: Any, send: Any) -> None:
        await answer(send, scope["path"])
        if scope["path"] == "/tail":
            await asyncio.get_running_loop().run_in_executor(None, release.wait, 10)
            finished.append("tail")

    server = serve(app)
    try:
        assert get_all(server, ["/tail", "/next", "/again"]) == ["/tail", "/next", "/again"]
        assert finished == []
    finally:
        release.set()
    wait_for(lambda: finished == ["tail"], what="the work after the response")


def starlette_app() -> Starlette:
    async def plain(request: Request) -> Response:
        return PlainTextResponse(f"hello {request.query_params.get('name', 'you')}")

    async def stream(request: Request) -> Response:
        async def parts() -> AsyncIterator[bytes]:
            for i in range(3):
                yield f"part {i}\n".encode()
                await anyio.sleep(0)

        return StreamingResponse(parts(), media_type="text/plain")

    async def endless(request: Request) -> Response:
        async def forever() -> AsyncIterator[bytes]:
            try:
                while True:
                    yield b"data: tick\n\n"
                    await anyio.sleep(0.01)
            finally:
                request.app.state.endless_stopped = True

        return StreamingResponse(forever(), media_type="text/event-stream")

    class Tagged(BaseHTTPMiddleware):
        async def dispatch(self, request: Request, call_next: RequestResponseEndpoint) -> Response:
            response = await call_next(request)
            response.headers["x-tag"] = "middleware"
            return response

    app = Starlette(
        routes=[Route("/", plain), Route("/stream", stream), Route("/events", endless)],
        middleware=[Middleware(Tagged)],
    )
    app.state.endless_stopped = False
    return app


def test_a_starlette_app(serve: Serve) -> None:
    app = starlette_app()
    server = serve(app)
    with httpx.Client(base_url=server.url) as client:
        response = client.get("/", params={"name": "codeyard"})
        assert response.text == "hello codeyard"
        assert response.headers["x-tag"] == "middleware"
        assert client.get("/stream").text == "part 0\npart 1\npart 2\n"
        assert client.get("/").text == "hello you"
    with server.connect() as sock:
        sock.sendall(request("GET", "/events"))
        assert b"data: tick" in Reader(sock).read_until(b"\n\n")
    wait_for(lambda: app.state.endless_stopped, what="the event stream to stop when its client left")


def test_an_exception_after_the_app_waited_is_a_500(serve: Serve) -> None:
    async def app(scope: Scope, receive: Any, send: Any) -> None:
        await asyncio.sleep(0)
        if scope["path"] == "/broken":
            raise ValueError("broken after waiting")
        await answer(send, "fine")

    server = serve(app)
    with httpx.Client(base_url=server.url) as client:
        assert client.get("/broken").status_code == 500
        assert client.get("/").text == "fine"
