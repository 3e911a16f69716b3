"""Git smart HTTP at /v1/repos/<name>: IAM in front of the real `git http-backend`, streamed both
ways (the request body is handed to git as it arrives, git's answer to the client as git writes it)."""

from __future__ import annotations

import asyncio
import base64
import binascii
import logging
import re
import zlib
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from codeyard.accounts import Principal
from codeyard.git.access import GIT_PULL, GIT_PUSH, GitAccess, Refused, Target
from codeyard.git.base import git_environment
from codeyard.git.pktline import PktError, ReportScanner, rejection_report
from codeyard.git.processes import CHUNK, IDLE_TIMEOUT, GitProcess, GitTimeout, protocol_env
from codeyard.git.pushes import push_changes, read_commands
from codeyard.store.ports.git import GitRepositories

log = logging.getLogger("codeyard.git")

Scope = dict[str, Any]
Message = dict[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

PREFIX = "/v1/repos/"
_ROUTE = re.compile(r"/v1/repos/([^/]+)/(info/refs|git-upload-pack|git-receive-pack)")
_PASSED_HEADERS = frozenset((b"content-type", b"cache-control", b"expires", b"pragma", b"content-length"))
MAX_CGI_HEAD = 64 * 1024
CHALLENGE = (b"www-authenticate", b'Basic realm="Codeyard CodeCommit", charset="UTF-8"')


class ClientGone(Exception):
    """The client closed the connection."""


@dataclass(frozen=True)
class GitRequest:
    """What the path and headers of a git HTTP request say."""

    name: str
    rest: str
    service: str
    method: str
    query: str
    headers: dict[bytes, bytes]
    source_ip: str

    @property
    def action(self) -> str:
        return GIT_PUSH if self.service == "git-receive-pack" else GIT_PULL

    @property
    def is_push(self) -> bool:
        return self.method == "POST" and self.rest == "git-receive-pack"

    @property
    def gzip(self) -> bool:
        return self.headers.get(b"content-encoding", b"").lower() in (b"gzip", b"x-gzip")


def _request(scope: Scope) -> GitRequest | None:
    match = _ROUTE.fullmatch(scope["path"])
    if match is None:
        return None
    name, rest = match.groups()
    method: str = scope["method"]
    query = scope.get("query_string", b"").decode("latin-1")
    headers = {k.lower(): v for k, v in scope["headers"]}
    if rest == "info/refs":
        service = dict(p.split("=", 1) for p in query.split("&") if "=" in p).get("service", "")
        if method != "GET" or service not in ("git-upload-pack", "git-receive-pack"):
            return None
    elif method != "POST":
        return None
    else:
        service = rest
    client = scope.get("client") or ("",)
    return GitRequest(name, rest, service, method, query, headers, client[0] or "127.0.0.1")


class SmartHttp:
    """The ASGI app mounted at /v1/repos/."""

    def __init__(self, access: GitAccess, git: GitRepositories, root: Path) -> None:
        self._access = access
        self._git = git
        self._root = root

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        request = _request(scope)
        if request is None:
            await _text(send, 404, "Not a git smart HTTP request (dumb HTTP is not served).")
            return
        try:
            principal = await self._authenticate(request)
            target = await self._access.open(principal, request.name, request.action, request.source_ip)
        except Refused as refused:
            extra = [CHALLENGE] if refused.status == 401 else []
            await _text(send, refused.status, refused.message, extra)
            return
        if request.is_push:
            await self._push(target, request, receive, send)
            return
        # Fetches pass a gzip body on to git as it is: http-backend inflates it itself.
        env = self._environment(target, request, verbatim=True)
        await self._run(env, b"", _body(receive), receive, send, stop_on_gone=True)

    async def _authenticate(self, request: GitRequest) -> Principal:
        header = request.headers.get(b"authorization", b"")
        scheme, _, token = header.partition(b" ")
        if scheme.lower() != b"basic":
            raise Refused(401, "Authentication required: use the Git credentials of an IAM user.")
        try:
            user, _, password = base64.b64decode(token.strip(), validate=True).decode().partition(":")
        except (binascii.Error, UnicodeDecodeError):
            raise Refused(401, "Invalid HTTP Basic credentials.") from None
        principal = await self._access.password_principal(user, password)
        if principal is None:
            raise Refused(401, "Invalid username or password for Git credentials.")
        return principal

    def _environment(self, target: Target, request: GitRequest, *, verbatim: bool) -> dict[str, str]:
        """The CGI environment; `verbatim` when the body reaches git as the client sent it."""
        env = git_environment()
        env.update(
            GIT_PROJECT_ROOT=str(self._root),
            GIT_HTTP_EXPORT_ALL="1",
            PATH_INFO=f"/{target.repository_id}.git/{request.rest}",
            REQUEST_METHOD=request.method,
            QUERY_STRING=request.query,
            REMOTE_USER=target.principal.name,
            REMOTE_ADDR=request.source_ip,
        )
        headers = request.headers
        if b"content-type" in headers:
            env["CONTENT_TYPE"] = headers[b"content-type"].decode("latin-1")
        length = headers.get(b"content-length", b"")
        if verbatim and length.isdigit() and b"transfer-encoding" not in headers:
            env["CONTENT_LENGTH"] = length.decode()
        if verbatim and request.gzip:
            env["HTTP_CONTENT_ENCODING"] = "gzip"
        env.update(protocol_env(headers.get(b"git-protocol", b"").decode("latin-1")))
        return env

    async def _push(self, target: Target, request: GitRequest, receive: Receive, send: Send) -> None:
        """Reads the push's commands ahead of git: GitPush is decided for the refs they name."""
        # A gzip push is inflated here (the commands must be read) and reaches git plain.
        source = _gunzip(_body(receive)) if request.gzip else _body(receive)
        try:
            reader = await read_commands(source)
        except (PktError, zlib.error) as error:
            await _text(send, 400, f"Malformed push: {error}")
            return
        except ClientGone:
            return
        if reader.commands:
            denial = await self._access.push_denial(target, reader.refs)
            if denial is not None:
                try:
                    async for _ in source:  # the client sends its pack before it reads the answer
                        pass
                except (ClientGone, zlib.error):
                    return
                if not reader.wants_report:
                    await _text(send, 403, denial)
                    return
                body = rejection_report(reader, "denied by IAM policy (codecommit:GitPush)", denial)
                await _respond(send, 200, b"application/x-git-receive-pack-result", body)
                return
        before = self._git.refs(target.repository_id)
        scanner = ReportScanner(reader.sideband)

        async def record() -> None:
            after = self._git.refs(target.repository_id)
            await self._access.record_push(target, push_changes(reader.commands, scanner, before, after))

        env = self._environment(target, request, verbatim=not request.gzip)
        # A push whose body is in is not stopped when the client goes: it completes and is recorded.
        await self._run(
            env,
            bytes(reader.consumed),
            source,
            receive,
            send,
            scanner=scanner,
            finish=record,
            stop_on_gone=False,
        )

    async def _run(
        self,
        env: dict[str, str],
        head: bytes,
        rest: AsyncIterator[bytes],
        receive: Receive,
        send: Send,
        *,
        stop_on_gone: bool,
        scanner: ReportScanner | None = None,
        finish: Callable[[], Awaitable[None]] | None = None,
    ) -> None:
        """Runs http-backend: feeds it the body, relays its answer. `finish` runs once git has
        exited, before the response ends (a client that sees its push done sees it recorded)."""
        process = await GitProcess.start(["git", "http-backend"], env)
        exchange = _Exchange(process, receive, stop_on_gone)
        feeder = asyncio.get_running_loop().create_task(exchange.feed(head, rest))
        finished = False
        try:
            status, headers, chunk = await _cgi_head(process)
            relay = _Relay(send, status, headers)
            chunk = chunk or await process.read()
            while chunk:
                if scanner is not None:
                    scanner.feed(chunk)
                if not exchange.gone:
                    await relay.body(chunk)
                chunk = await process.read()
            code = await process.wait()
            if code != 0:
                log.warning("git http-backend exited with %s: %s", code, process.stderr.strip())
            finished = True
            if finish is not None:
                await finish()
            exchange.finished = True
            await relay.end()
            await feeder
        except GitTimeout as error:
            log.warning("%s", error)
        except _NoHead:
            log.error("git http-backend answered nothing: %s", process.stderr.strip())
            if not exchange.gone:
                await _text(send, 502, "The git backend failed.")
        finally:
            exchange.finished = True
            feeder.cancel()
            await process.stop()
            if finish is not None and not finished:  # cut short (a timeout, the server stopping)
                await finish()


class _Exchange:
    """The request side of one http-backend run: the body in, then a watch for the client leaving."""

    def __init__(self, process: GitProcess, receive: Receive, stop_on_gone: bool) -> None:
        self._process = process
        self._receive = receive
        self._stop_on_gone = stop_on_gone
        self.gone = False
        self.finished = False

    async def feed(self, head: bytes, rest: AsyncIterator[bytes]) -> None:
        try:
            await self._process.feed(head, rest)
            # Whatever git did not read is dropped; then receive() returns once the client is gone
            # or the response is complete.
            while (await self._receive())["type"] != "http.disconnect":
                pass
        except (ClientGone, zlib.error):
            pass  # git sees its input end early and fails on its own
        except GitTimeout as error:
            log.warning("%s", error)
        if not self.finished:
            self.gone = True
            if self._stop_on_gone:
                await self._process.stop()


class _NoHead(Exception):
    """http-backend ended without a CGI response head."""


async def _cgi_head(process: GitProcess) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
    """The CGI status and headers http-backend writes first, and the body bytes read past them."""
    data = b""
    while True:
        ends = [(i, len(sep)) for sep in (b"\r\n\r\n", b"\n\n") if (i := data.find(sep)) >= 0]
        if ends:
            index, size = min(ends)
            break
        if len(data) > MAX_CGI_HEAD:
            raise _NoHead
        chunk = await process.read()
        if not chunk:
            raise _NoHead
        data += chunk
    status = 200
    headers: list[tuple[bytes, bytes]] = []
    for line in data[:index].splitlines():
        name, _, value = line.partition(b":")
        name, value = name.strip().lower(), value.strip()
        if name == b"status":
            status = int(value.split(b" ", 1)[0] or b"200")
        elif name in _PASSED_HEADERS:
            headers.append((name, value))
    return status, headers, data[index + size :]


class _Relay:
    """The response: its head goes out with the first body bytes (git writes its headers before it
    has read the request, and the client should not see an answer while it is still sending)."""

    def __init__(self, send: Send, status: int, headers: list[tuple[bytes, bytes]]) -> None:
        self._send = send
        self._start: Message | None = {"type": "http.response.start", "status": status, "headers": headers}

    async def body(self, data: bytes) -> None:
        if self._start is not None:
            await self._send(self._start)
            self._start = None
        await self._send({"type": "http.response.body", "body": data, "more_body": True})

    async def end(self) -> None:
        if self._start is not None:
            await self._send(self._start)
            self._start = None
        await self._send({"type": "http.response.body", "body": b"", "more_body": False})


async def _body(receive: Receive) -> AsyncIterator[bytes]:
    """The request body as it arrives (a chunked one comes de-chunked from the HTTP server); a
    client that sends nothing for IDLE_TIMEOUT counts as gone."""
    while True:
        try:
            async with asyncio.timeout(IDLE_TIMEOUT):
                message = await receive()
        except TimeoutError:
            log.warning("a git client sent nothing for %.0f s", IDLE_TIMEOUT)
            raise ClientGone from None
        if message["type"] == "http.disconnect":
            raise ClientGone
        body: bytes = message.get("body", b"")
        if body:
            yield body
        if not message.get("more_body", False):
            return


async def _gunzip(source: AsyncIterator[bytes]) -> AsyncIterator[bytes]:
    """Inflates a gzip body as it streams, CHUNK bytes at a time (a small body cannot balloon)."""
    inflater = zlib.decompressobj(wbits=31)
    async for chunk in source:
        data = chunk
        while data:
            plain = inflater.decompress(data, CHUNK)
            if plain:
                yield plain
            data = inflater.unconsumed_tail
    tail = inflater.flush()
    if tail:
        yield tail
    if not inflater.eof:
        raise zlib.error("the gzip body is truncated")


async def _respond(
    send: Send, status: int, content_type: bytes, body: bytes, extra: list[tuple[bytes, bytes]] | None = None
) -> None:
    headers = [(b"content-type", content_type), (b"content-length", str(len(body)).encode())]
    headers += [(b"cache-control", b"no-cache"), *(extra or [])]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


async def _text(
    send: Send, status: int, message: str, extra: list[tuple[bytes, bytes]] | None = None
) -> None:
    """A plain-text answer: git shows it to the user as `remote: <message>`."""
    await _respond(send, status, b"text/plain; charset=utf-8", message.encode() + b"\n", extra)
