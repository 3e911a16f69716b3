"""An S3-type cache the server cannot serve (it refuses, or cannot be reached) is best effort: the
build is told, and goes on."""

from __future__ import annotations

import asyncio
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import cast

import httpx
import pytest

from codeyard.runner.build_cache import BuildCache
from codeyard.runner.buildspec.parser import parse
from codeyard.runner.engine.executors import Workspace
from codeyard.runner.engine.hooks import ArtifactStep
from codeyard.runner.engine.session import ShellSession
from codeyard.runner.remote_cache import WorkApiCacheStore

BUILDSPEC = "version: 0.2\nphases:\n  build:\n    commands: [echo]\ncache:\n  paths: ['deps/**/*']\n"


class _Refusing(BaseHTTPRequestHandler):
    """Answers every request with a 500, as a server whose artifact store fails."""

    def handle_one_request(self) -> None:
        self.raw_requestline = self.rfile.readline(65537)
        if not self.raw_requestline or not self.parse_request():
            return
        self.send_response(500)
        self.send_header("content-length", "0")
        self.send_header("connection", "close")
        self.end_headers()
        self.close_connection = True

    def log_message(self, format: str, *args: object) -> None:
        """Quiet."""


@pytest.fixture
def refusing_server() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Refusing)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def _closed_port() -> str:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{probe.getsockname()[1]}"  # nothing listens once it is closed


def _step(tmp_path: Path) -> ArtifactStep:
    src = tmp_path / "src"
    (src / "deps").mkdir(parents=True)
    (src / "deps" / "a.txt").write_text("dep\n")
    workspace = Workspace(tmp_path, src, tmp_path / "control", str(src), str(tmp_path / "control"))
    # without a cache key the session is never used
    return ArtifactStep(workspace, parse(BUILDSPEC), {}, cast(ShellSession, None), True)


@pytest.mark.parametrize("where", ["refused", "unreachable"])
def test_a_cache_the_server_cannot_serve_is_noted_and_the_build_goes_on(
    tmp_path: Path, refusing_server: str, where: str
) -> None:
    base = refusing_server if where == "refused" else _closed_port()
    notes: list[str] = []

    async def note(line: str) -> None:
        notes.append(line)

    with httpx.Client(base_url=base, timeout=10) as client:
        cache = BuildCache(
            "S3",
            [],
            "demo",
            local_root=tmp_path / "local",
            remote=lambda: WorkApiCacheStore(client, "demo:1"),
            note=note,
        )
        step = _step(tmp_path)
        assert asyncio.run(cache.restore(step)) is False
        asyncio.run(cache.save(step))
    assert notes[0] == "Restoring the S3 cache"
    assert notes[1].startswith("Cannot restore the cache, the build goes on without it: ")
    assert notes[2].startswith("Cannot save the cache: ")
    assert len(notes) == 3
