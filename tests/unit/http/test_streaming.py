"""Large and endless bodies: backpressure both ways, streaming through receive(), disconnects."""

from __future__ import annotations

import asyncio
import hashlib
import json
import socket
import threading
from collections.abc import Callable
from typing import Any

from tests.unit.http.conftest import Running, wait_for
from tests.unit.http.raw import Reader, request

Scope = dict[str, Any]
Serve = Callable[..., Running]
MB = 1 << 20
TOTAL = 50 * MB
BLOCK = bytes(range(256)) * 4096  # 1 MiB


def test_slow_reader_gets_all_of_a_large_streamed_response(serve: Serve) -> None:
    progress = {"sent": 0, "done": False}

    async def stream(scope: Scope, receive: Any, send: Any) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": []})
        piece = BLOCK[: 64 * 1024]
        while progress["sent"] < TOTAL:
            await send({"type": "http.response.body", "body": piece, "more_body": True})
            progress["sent"] += len(piece)
        await send({"type": "http.response.body", "body": b""})
        progress["done"] = True

    server = serve(stream)
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 64 * 1024)
        sock.settimeout(30)
        sock.connect(("127.0.0.1", server.port))
        sock.sendall(request())

        def writing_paused() -> bool:
            return server.call(lambda: any(conn.write_paused for conn in server.server.connections))

        wait_for(writing_paused, what="the server to stop writing to a client that does not read")
        held_back = progress["sent"]
        assert held_back < 16 * MB, "the app was not held back while the client did not read"
        assert not progress["done"]
        response = Reader(sock).response()
    assert response.header("transfer-encoding") == "chunked"
    assert len(response.body) == TOTAL
    assert hashlib.sha256(response.body).digest() == hashlib.sha256(BLOCK[: 64 * 1024] * 800).digest()
    assert progress["done"]


def test_large_upload_is_streamed_through_receive(serve: Serve) -> None:
    state: dict[str, Any] = {}

    async def upload(scope: Scope, receive: Any, send: Any) -> None:
        state["go"] = go = asyncio.Event()
        await go.wait()  # the app does not read yet: the server must stop reading
        size, largest, digest = 0, 0, hashlib.sha256()
        while True:
            message = await receive()
            body = message["body"]
            size, largest = size + len(body), max(largest, len(body))
            digest.update(body)
            if not message["more_body"]:
                break
        answer = json.dumps({"size": size, "largest": largest, "sha256": digest.hexdigest()}).encode()
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": answer})

    server = serve(upload)
    sent = {"bytes": 0}
    expected = hashlib.sha256()
    with server.connect(timeout=30) as sock:
        sock.sendall(request("PUT", "/", headers={"Content-Length": str(TOTAL)}))

        def client() -> None:
            for _ in range(TOTAL // len(BLOCK)):
                sock.sendall(BLOCK)
                sent["bytes"] += len(BLOCK)

        for _ in range(TOTAL // len(BLOCK)):
            expected.update(BLOCK)
        sender = threading.Thread(target=client)
        sender.start()
        wait_for(lambda: "go" in state, what="the app to start")

        def reading_paused() -> bool:
            return server.call(lambda: any(not conn.reading for conn in server.server.connections))

        wait_for(reading_paused, what="the server to stop reading for an app that does not read")
        assert sent["bytes"] < TOTAL, "the client could send everything: nothing held it back"
        server.loop.call_soon_threadsafe(state["go"].set)
        sender.join(60)
        result = json.loads(Reader(sock).response().body)
    assert result["size"] == TOTAL
    assert result["sha256"] == expected.hexdigest()
    assert result["largest"] <= 4 * MB, "the body was buffered whole instead of streamed"


def test_disconnect_after_the_body_reaches_the_app(serve: Serve) -> None:
    seen: list[str] = []

    async def app(scope: Scope, receive: Any, send: Any) -> None:
        while (await receive()).get("more_body"):
            pass
        seen.append((await receive())["type"])

    server = serve(app)
    with server.connect() as sock:
        sock.sendall(request("POST", "/", b"body"))
        wait_for(lambda: server.call(lambda: len(server.server.connections)) == 1, what="the connection")
    wait_for(lambda: seen == ["http.disconnect"], what="the app to see the disconnect")


def test_disconnect_in_the_middle_of_the_body_reaches_the_app(serve: Serve) -> None:
    seen: list[Any] = []

    async def app(scope: Scope, receive: Any, send: Any) -> None:
        received = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                seen.append(received)
                return
            received += len(message["body"])

    server = serve(app)
    with server.connect() as sock:
        sock.sendall(request("POST", "/", headers={"Content-Length": str(10 * MB)}) + b"x" * 100_000)
        wait_for(lambda: server.call(lambda: len(server.server.connections)) == 1, what="the connection")
    wait_for(lambda: bool(seen), what="the app to see the disconnect")
    assert seen[0] <= 100_000


def test_client_gone_while_the_app_waits_to_write(serve: Serve) -> None:
    finished = threading.Event()

    async def stream(scope: Scope, receive: Any, send: Any) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": []})
        for _ in range(TOTAL // len(BLOCK)):
            await send({"type": "http.response.body", "body": BLOCK, "more_body": True})
        await send({"type": "http.response.body", "body": b""})
        finished.set()

    server = serve(stream)
    with server.connect() as sock:
        sock.sendall(request())
        wait_for(
            lambda: server.call(lambda: any(conn.write_paused for conn in server.server.connections)),
            what="the server to stop writing",
        )
        assert not finished.is_set()
    assert finished.wait(10), "the app stayed blocked on a client that is gone"
    wait_for(lambda: server.call(lambda: len(server.server.connections)) == 0, what="the connection to go")


def test_the_head_goes_out_when_the_app_waits_before_its_body(serve: Serve) -> None:
    state: dict[str, Any] = {}

    async def events(scope: Scope, receive: Any, send: Any) -> None:
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [(b"content-type", b"text/event-stream")],
            }
        )
        state["go"] = go = asyncio.Event()
        await go.wait()  # the client must have the head by now, with no body yet
        await send({"type": "http.response.body", "body": b"data: one\n\n"})

    server = serve(events)
    with server.connect() as sock:
        sock.sendall(request())
        reader = Reader(sock)
        head = reader.read_until(b"\r\n\r\n")
        assert head.startswith(b"HTTP/1.1 200 OK\r\n")
        assert b"content-type: text/event-stream" in head
        wait_for(lambda: "go" in state, what="the app to wait")
        server.loop.call_soon_threadsafe(state["go"].set)
        assert reader.read_until(b"\r\n0\r\n\r\n").endswith(b"data: one\n\n\r\n0\r\n\r\n")
