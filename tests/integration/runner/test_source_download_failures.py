"""A source download the server never answers (bounded by the runner's source read timeout) or
breaks off part-way ends DOWNLOAD_SOURCE FAILED with a CLIENT_ERROR context saying what happened,
not with an exception out of the runner. The server is a TCP peer on loopback that reads the request
and then says nothing, or sends the head and part of a chunked body and closes."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from codeyard.execution.messages import Job
from codeyard.runner.client import WorkClient
from codeyard.runner.engine.executors import Workspace
from codeyard.runner.engine.hooks import BuildHooks
from codeyard.runner.sources import download_sources, work_api_fetch
from tests.integration.runner.build_helper import Build, run_build

BUILDSPEC = "version: 0.2\nphases:\n  build:\n    commands:\n      - echo built\n"
TIMEOUT = 0.5  # the runner's source read timeout in these tests
PART_OF_A_BODY = (
    b"HTTP/1.1 200 OK\r\ncontent-type: application/x-tar\r\nx-codeyard-commit: abc\r\n"
    b"transfer-encoding: chunked\r\n\r\n400\r\n" + b"\0" * 100
)
JOB = Job(
    build_id="p:1",
    build_arn="arn:aws:codebuild:us-east-1:000000000000:build/p:1",
    build_number=1,
    project_name="p",
    project_arn="arn:aws:codebuild:us-east-1:000000000000:project/p",
    region="us-east-1",
    start_time_ms=0,
    initiator="root",
    image="aws/codebuild/standard:7.0",
    source_type="CODECOMMIT",
    source_location="https://git-codecommit.us-east-1.amazonaws.com/v1/repos/r",
    source_version="",
    buildspec=BUILDSPEC,
    buildspec_path="buildspec.yml",
    source_url="/jobs/p%3A1/source",
    timeout_seconds=300,
    lease_seconds=3600,
    log_group="/aws/codebuild/p",
    log_stream="1",
)


REGISTERED = b'{"runner_id": "runner-1", "token": "secret-token"}'


class LoopbackPeer:
    """Accepts connections on loopback; reads each request's head, then answers a registration, or
    sends `answer` and, with `close`, closes the connection (else keeps it open, saying nothing
    more)."""

    def __init__(self, answer: bytes, close: bool) -> None:
        self._answer = answer
        self._close = close
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self._listener.getsockname()[1]}"
        self._held: list[socket.socket] = []
        self.requests: list[bytes] = []
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while True:
            try:
                connection, _ = self._listener.accept()
            except OSError:  # the listener was shut down: the test is over
                return
            self._held.append(connection)
            self._answer_on(connection)

    def _answer_on(self, connection: socket.socket) -> None:
        received = b""
        while True:
            while b"\r\n\r\n" not in received:
                data = connection.recv(65536)
                if not data:
                    return
                received += data
            head, _, received = received.partition(b"\r\n\r\n")
            self.requests.append(head)
            if not head.startswith(b"POST /_codeyard/v1/work/register "):
                break
            length = int(head.lower().partition(b"content-length: ")[2].split(b"\r\n")[0])
            while len(received) < length:
                received += connection.recv(65536)
            received = received[length:]
            answer = b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: %d\r\n\r\n"
            connection.sendall(answer % len(REGISTERED) + REGISTERED)
        connection.sendall(self._answer)
        if self._close:
            connection.close()

    def stop(self) -> None:
        self._listener.shutdown(socket.SHUT_RDWR)  # wakes the accept (closing alone does not)
        self._thread.join()
        self._listener.close()
        for connection in self._held:
            connection.close()


@pytest.fixture
def peer(request: pytest.FixtureRequest) -> Iterator[LoopbackPeer]:
    answer, close = request.param
    server = LoopbackPeer(answer, close)
    yield server
    server.stop()


def _build(tmp_path: Path, peer: LoopbackPeer) -> Build:
    async def download(workspace: Workspace) -> str | None:
        client = WorkClient(peer.url, source_read_timeout=TIMEOUT)
        try:
            await client.register("registration-token", "runner")
            commit, _ = await download_sources(JOB, workspace, work_api_fetch(client, JOB.build_id))
        finally:
            await client.close()
        return commit

    return run_build(tmp_path, BUILDSPEC, hooks=BuildHooks(download_source=download))


@pytest.mark.parametrize("peer", [(b"", False)], indirect=True)
def test_a_server_that_never_answers_fails_download_source_after_the_timeout(
    tmp_path: Path, peer: LoopbackPeer
) -> None:
    build = _build(tmp_path, peer)

    assert peer.requests[1].startswith(b"GET /_codeyard/v1/work/jobs/p%3A1/source ")
    assert b"\r\nauthorization: Bearer secret-token" in peer.requests[1]
    assert str(build.ended.status) == "FAILED"
    assert build.statuses["DOWNLOAD_SOURCE"] == "FAILED"
    assert "BUILD" not in build.statuses
    [context] = build.record("DOWNLOAD_SOURCE").contexts
    assert (context.status_code, context.message) == (
        "CLIENT_ERROR",
        "Cannot download the source: the server sent nothing for 0.5 seconds (ReadTimeout)",
    )
    assert "built" not in build.output


@pytest.mark.parametrize("peer", [(PART_OF_A_BODY, True)], indirect=True)
def test_a_download_broken_off_part_way_fails_download_source(tmp_path: Path, peer: LoopbackPeer) -> None:
    build = _build(tmp_path, peer)

    assert str(build.ended.status) == "FAILED"
    assert build.statuses["DOWNLOAD_SOURCE"] == "FAILED"
    [context] = build.record("DOWNLOAD_SOURCE").contexts
    assert context.status_code == "CLIENT_ERROR"
    assert context.message.startswith("Cannot download the source: RemoteProtocolError: ")
    assert "BUILD" not in build.statuses
