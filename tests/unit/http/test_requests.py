"""Requests and responses over real sockets: scope, keep-alive, pipelining, bodies, HEAD, errors, limits."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from codeyard.http import Limits, ResponseAborted
from tests.unit.http.conftest import Running, wait_for
from tests.unit.http.raw import Reader, chunked, request

Scope = dict[str, Any]
Serve = Callable[..., Running]


async def read_all(receive: Any) -> tuple[bytes, int]:
    """The whole request body and how many messages it came in."""
    parts, messages = [], 0
    while True:
        message = await receive()
        assert message["type"] == "http.request"
        messages += 1
        parts.append(message.get("body", b""))
        if not message.get("more_body"):
            return b"".join(parts), messages


async def respond(
    send: Any, status: int, body: bytes, headers: list[tuple[bytes, bytes]] | None = None
) -> None:
    fields = [(b"content-type", b"text/plain"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": fields + (headers or [])})
    await send({"type": "http.response.body", "body": body})


async def echo(scope: Scope, receive: Any, send: Any) -> None:
    """Answers with what it was given: the scope's fields and the body."""
    body, messages = await read_all(receive)
    seen = {
        "method": scope["method"],
        "path": scope["path"],
        "raw_path": scope["raw_path"].decode(),
        "query_string": scope["query_string"].decode(),
        "http_version": scope["http_version"],
        "scheme": scope["scheme"],
        "root_path": scope["root_path"],
        "server": list(scope["server"]),
        "client": list(scope["client"]),
        "headers": [[k.decode(), v.decode()] for k, v in scope["headers"]],
        "body": body.decode("latin-1"),
        "messages": messages,
    }
    await respond(send, 200, json.dumps(seen).encode(), [(b"content-type", b"application/json")])


def test_scope(serve: Serve) -> None:
    server = serve(echo)
    response = httpx.post(
        f"{server.url}/a%20b/c%2Fd?x=1&y=%20", content=b"hello", headers={"X-Mixed-Case": "Value"}
    )
    assert response.status_code == 200
    seen = response.json()
    assert seen["method"] == "POST"
    assert seen["path"] == "/a b/c/d"
    assert seen["raw_path"] == "/a%20b/c%2Fd"
    assert seen["query_string"] == "x=1&y=%20"
    assert seen["http_version"] == "1.1"
    assert seen["scheme"] == "http"
    assert seen["root_path"] == ""
    assert seen["server"] == ["127.0.0.1", server.port]
    assert seen["client"][0] == "127.0.0.1"
    assert ["x-mixed-case", "Value"] in seen["headers"]
    assert seen["body"] == "hello"
    assert response.headers["date"].endswith(" GMT")


def test_keep_alive_reuses_the_connection(serve: Serve) -> None:
    server = serve(echo)
    with httpx.Client() as client:
        ports = {tuple(client.get(f"{server.url}/{i}").json()["client"]) for i in range(5)}
    assert len(ports) == 1
    with server.connect() as sock:
        reader = Reader(sock)
        for i in range(3):
            sock.sendall(request("POST", f"/{i}", b"x" * i))
            response = reader.response()
            assert response.status == 200
            assert json.loads(response.body)["path"] == f"/{i}"


def test_pipelined_requests_are_answered_in_order(serve: Serve) -> None:
    async def app(scope: Scope, receive: Any, send: Any) -> None:
        body, _ = await read_all(receive)
        if scope["path"] == "/slow":  # waits, so later requests are in before it answers
            await asyncio.get_running_loop().run_in_executor(None, lambda: None)
            for _ in range(5):
                await asyncio.sleep(0)
        await respond(send, 200, scope["path"].encode() + b":" + body)

    server = serve(app)
    paths = ["/slow", "/a", "/slow", "/b", "/c"]
    with server.connect() as sock:
        sock.sendall(b"".join(request("POST", path, path.encode() * 3) for path in paths))
        reader = Reader(sock)
        bodies = [reader.response().body for _ in paths]
    assert bodies == [f"{path}:{path * 3}".encode() for path in paths]


def test_pipelined_requests_after_connection_close_are_not_answered(serve: Serve) -> None:
    server = serve(echo)
    with server.connect() as sock:
        sock.sendall(request("GET", "/1") + request("GET", "/2", headers={"Connection": "close"}) + request())
        reader = Reader(sock)
        assert json.loads(reader.response().body)["path"] == "/1"
        last = reader.response()
        assert json.loads(last.body)["path"] == "/2"
        assert last.header("connection") == "close"
        assert reader.closed()


def test_chunked_request_body_is_reassembled(serve: Serve) -> None:
    server = serve(echo)
    with server.connect() as sock:
        head = request("POST", "/up", headers={"Transfer-Encoding": "chunked"})
        sock.sendall(head)
        body = chunked(b"first,", b"second,", b"x" * 70000, b"last")
        for start in range(0, len(body), 1000):  # in pieces that cut through the chunk framing
            sock.sendall(body[start : start + 1000])
        seen = json.loads(Reader(sock).response().body)
    assert seen["body"] == "first,second," + "x" * 70000 + "last"
    assert seen["messages"] >= 2, "a chunked body is handed over as it arrives"

    def chunks() -> Any:
        yield b"from "
        yield b"httpx"

    assert httpx.post(f"{server.url}/", content=chunks()).json()["body"] == "from httpx"


def test_expect_100_continue_is_answered_when_the_app_reads(serve: Serve) -> None:
    server = serve(echo)
    with server.connect() as sock:
        sock.sendall(request("POST", "/", headers={"Content-Length": "5", "Expect": "100-continue"}))
        reader = Reader(sock)
        assert reader.read_until(b"\r\n\r\n") == b"HTTP/1.1 100 Continue\r\n\r\n"
        sock.sendall(b"hello")
        response = reader.response()
        assert json.loads(response.body)["body"] == "hello"
        sock.sendall(request("GET", "/again"))  # the connection goes on
        assert json.loads(reader.response().body)["path"] == "/again"


def test_expect_100_continue_refused_without_reading_closes(serve: Serve) -> None:
    async def refuse(scope: Scope, receive: Any, send: Any) -> None:
        await respond(send, 413, b"too large")

    server = serve(refuse)
    with server.connect() as sock:
        sock.sendall(request("POST", "/", headers={"Content-Length": "99999999", "Expect": "100-continue"}))
        reader = Reader(sock)
        response = reader.response()
        assert response.status == 413
        assert response.header("connection") == "close"
        assert reader.closed()


def test_streamed_response_without_length_is_chunked(serve: Serve) -> None:
    async def stream(scope: Scope, receive: Any, send: Any) -> None:
        await send(
            {"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/plain")]}
        )
        for part in (b"one,", b"", b"two,", b"three"):
            await send({"type": "http.response.body", "body": part, "more_body": True})
        await send({"type": "http.response.body", "body": b""})

    server = serve(stream)
    with server.connect() as sock:
        sock.sendall(request())
        reader = Reader(sock)
        response = reader.response()
        assert response.header("transfer-encoding") == "chunked"
        assert response.body == b"one,two,three"
        sock.sendall(request())
        assert reader.response().body == b"one,two,three"
    assert httpx.get(server.url).text == "one,two,three"


def test_head_has_no_body(serve: Serve) -> None:
    async def app(scope: Scope, receive: Any, send: Any) -> None:
        await respond(send, 200, b"a body that HEAD does not get")

    server = serve(app)
    with server.connect() as sock:
        sock.sendall(request("HEAD", "/") + request("GET", "/"))
        reader = Reader(sock)
        head = reader.response(head_request=True)
        assert head.status == 200
        assert head.header("content-length") == str(len(b"a body that HEAD does not get"))
        assert reader.response().body == b"a body that HEAD does not get"


def test_http_1_0_gets_a_response_that_ends_with_the_connection(serve: Serve) -> None:
    async def stream(scope: Scope, receive: Any, send: Any) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"old", "more_body": True})
        await send({"type": "http.response.body", "body": b" client"})

    server = serve(stream)
    with server.connect() as sock:
        sock.sendall(b"GET / HTTP/1.0\r\n\r\n")
        response = Reader(sock).response()
    assert response.header("transfer-encoding") is None
    assert response.body == b"old client"


@pytest.mark.parametrize(
    "data",
    [
        b"NOT HTTP AT ALL\r\n\r\n",
        b"GET / HTTP/1.1\r\nHost: x\r\nContent-Length: nope\r\n\r\n",
        b"GET / HTTP/1.1\r\nBad Header\r\n\r\n",
    ],
    ids=["garbage", "content-length", "header-line"],
)
def test_malformed_request_is_400_and_closed(serve: Serve, data: bytes) -> None:
    server = serve(echo)
    with server.connect() as sock:
        sock.sendall(data)
        reader = Reader(sock)
        assert reader.response().status == 400
        assert reader.closed()


def test_malformed_request_after_good_ones_is_answered_in_its_turn(serve: Serve) -> None:
    server = serve(echo)
    with server.connect() as sock:
        sock.sendall(request("GET", "/fine") + b"BROKEN\r\n\r\n")
        reader = Reader(sock)
        assert json.loads(reader.response().body)["path"] == "/fine"
        assert reader.response().status == 400
        assert reader.closed()


def test_broken_chunked_body_is_400(serve: Serve) -> None:
    server = serve(echo)
    with server.connect() as sock:
        sock.sendall(request("POST", "/", headers={"Transfer-Encoding": "chunked"}) + b"5\r\nabc")
        sock.sendall(b"zz\r\nnot-hex\r\n")
        reader = Reader(sock)
        assert reader.response().status == 400
        assert reader.closed()


@pytest.mark.parametrize(
    "head",
    [
        request(headers={"X-Big": "v" * 70_000}),
        request(headers={f"X-Many-{i}": "v" for i in range(101)}),
        b"GET /" + b"p" * 70_000 + b" HTTP/1.1\r\nHost: x\r\n\r\n",
    ],
    ids=["large-header", "many-headers", "long-url"],
)
def test_oversized_headers_are_431(serve: Serve, head: bytes) -> None:
    server = serve(echo)
    with server.connect() as sock:
        sock.sendall(head)
        reader = Reader(sock)
        assert reader.response().status == 431
        assert reader.closed()


def test_a_head_that_never_ends_is_431(serve: Serve) -> None:
    server = serve(echo, limits=Limits(max_header_bytes=8192))
    with server.connect() as sock:
        sock.sendall(b"GET / HTTP/1.1\r\nX-Endless: ")
        reader = Reader(sock)
        for _ in range(20):
            try:
                sock.sendall(b"v" * 1024)
            except (BrokenPipeError, ConnectionResetError):
                break
        assert reader.response().status == 431


def test_headers_at_the_limit_are_fine(serve: Serve) -> None:
    server = serve(echo, limits=Limits(max_header_bytes=8192, max_headers=10))
    headers = {f"X-{i}": "v" for i in range(9)}  # with Host: 10
    with server.connect() as sock:
        sock.sendall(request(headers=headers))
        assert Reader(sock).response().status == 200


def test_websocket_upgrade_is_refused(serve: Serve) -> None:
    server = serve(echo)
    with server.connect() as sock:
        sock.sendall(
            request(
                headers={
                    "Connection": "Upgrade",
                    "Upgrade": "websocket",
                    "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==",
                    "Sec-WebSocket-Version": "13",
                }
            )
        )
        reader = Reader(sock)
        assert reader.response().status == 400
        assert reader.closed()


def test_other_upgrades_are_ignored_and_the_connection_closes_after(serve: Serve) -> None:
    server = serve(echo)
    with server.connect() as sock:
        sock.sendall(request(headers={"Connection": "Upgrade, HTTP2-Settings", "Upgrade": "h2c"}))
        reader = Reader(sock)
        assert reader.response().status == 200
        assert reader.closed()


def test_exception_before_the_response_is_500(serve: Serve, caplog: pytest.LogCaptureFixture) -> None:
    async def broken(scope: Scope, receive: Any, send: Any) -> None:
        if scope["path"] == "/started":
            await send({"type": "http.response.start", "status": 200, "headers": []})
        raise ValueError("the app is broken")

    server = serve(broken)
    with caplog.at_level(logging.ERROR, logger="codeyard.http"):
        for path in ("/", "/started"):  # a head not yet written is replaced by the 500
            with server.connect() as sock:
                sock.sendall(request("GET", path))
                reader = Reader(sock)
                response = reader.response()
                assert response.status == 500
                assert response.body == b"Internal Server Error"
                assert b"broken" not in response.head + response.body
                assert reader.closed()
    wait_for(lambda: sum("the app is broken" in str(r.exc_info) for r in caplog.records) == 2)


def test_exception_after_the_response_started_closes_the_connection(serve: Serve) -> None:
    async def broken(scope: Scope, receive: Any, send: Any) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"partial", "more_body": True})
        raise ValueError("broken halfway")

    server = serve(broken)
    with server.connect() as sock:
        sock.sendall(request())
        reader = Reader(sock)
        with pytest.raises(EOFError):
            reader.response()


def test_an_aborted_response_closes_the_connection_without_logging(
    serve: Serve, caplog: pytest.LogCaptureFixture
) -> None:
    async def aborting(scope: Scope, receive: Any, send: Any) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"partial", "more_body": True})
        raise ResponseAborted

    server = serve(aborting)
    with caplog.at_level(logging.DEBUG, logger="codeyard.http"), server.connect() as sock:
        sock.sendall(request())
        reader = Reader(sock)
        with pytest.raises(EOFError):  # the chunked body never ends
            reader.response()
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING] == []


@pytest.mark.parametrize(
    "headers",
    [
        [(b"x-evil", b"1\r\nset-cookie: stolen")],
        [(b"x-evil\r\n", b"1")],
        [(b"content-length", b"5")],  # and then a shorter body
    ],
    ids=["value-with-line-break", "name-with-line-break", "short-body"],
)
def test_bad_response_from_the_app(serve: Serve, headers: list[tuple[bytes, bytes]]) -> None:
    async def app(scope: Scope, receive: Any, send: Any) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": b"abc"})

    server = serve(app)
    with server.connect() as sock:
        sock.sendall(request())
        reader = Reader(sock)
        response = reader.response()
        assert response.status == 500
        assert b"stolen" not in response.head
        assert reader.closed()


def test_app_that_returns_without_answering_gets_a_500(serve: Serve) -> None:
    async def silent(scope: Scope, receive: Any, send: Any) -> None:
        return None

    server = serve(silent)
    assert httpx.get(server.url).status_code == 500


def test_body_the_app_does_not_read_is_skipped(serve: Serve) -> None:
    async def not_found(scope: Scope, receive: Any, send: Any) -> None:
        await respond(send, 404, scope["path"].encode())

    server = serve(not_found)
    with server.connect() as sock:
        reader = Reader(sock)
        for size in (10, 1 << 20):
            sock.sendall(request("POST", f"/{size}", b"b" * size))
            assert reader.response().body == f"/{size}".encode()
        sock.sendall(request("GET", "/after"))
        assert reader.response().body == b"/after"
