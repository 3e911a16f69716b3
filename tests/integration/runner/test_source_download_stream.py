"""The server's side of a CODECOMMIT source download, over HTTP on loopback: a runner that goes away
mid-download ends tar and the scratch clone at once; a tar that fails part-way breaks the response
off with one line in the server's log, no traceback."""

from __future__ import annotations

import base64
import os
import socket
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest

from tests.integration.runner.builds_support import ENVIRONMENT, ROLE, TOKEN_FILE, until
from tests.support.git import seed
from tests.support.server import Server

WORK = "/_codeyard/v1/work"
BIG = 24 * 1024 * 1024  # far beyond what the pipe and the (small) socket buffers hold
# the client's receive buffer kept small (no autotuning up to tens of MB): the unread tar stays in tar
SMALL_BUFFER = [(socket.SOL_SOCKET, socket.SO_RCVBUF, 256 * 1024)]


def _runner(server: Server) -> dict[str, str]:
    token = (server.data_dir / TOKEN_FILE).read_text().strip()
    answer = httpx.post(
        f"{server.endpoint}{WORK}/register", json={"name": "r"}, headers={"authorization": f"Bearer {token}"}
    )
    assert answer.status_code == 200
    return {"authorization": f"Bearer {answer.json()['token']}"}


def _leased_build(server: Server, tmp_path: Path, depth: int) -> tuple[str, dict[str, str]]:
    """A build of a repository holding one big incompressible file, leased to a new runner."""
    server.client("codecommit").create_repository(repositoryName="big")
    content = base64.b64encode(os.urandom(BIG)).decode()
    seed(server, tmp_path / "big", "big", {"big.txt": content, "buildspec.yml": "version: 0.2\n"})
    codebuild = server.client("codebuild")
    codebuild.create_project(
        name="big",
        source={"type": "CODECOMMIT", "location": f"{server.endpoint}/v1/repos/big", "gitCloneDepth": depth},
        artifacts={"type": "NO_ARTIFACTS"},
        environment=ENVIRONMENT,
        serviceRole=ROLE,
    )
    headers = _runner(server)
    build_id = codebuild.start_build(projectName="big")["build"]["id"]
    job = httpx.post(f"{server.endpoint}{WORK}/poll?wait=10", headers=headers, timeout=30).json()
    assert job["build_id"] == build_id
    return build_id, headers


@contextmanager
def _download(server: Server, build_id: str, headers: dict[str, str]) -> Iterator[httpx.Response]:
    url = f"{server.endpoint}{WORK}/jobs/{quote(build_id, safe='')}/source"
    transport = httpx.HTTPTransport(socket_options=SMALL_BUFFER)
    with (
        httpx.Client(timeout=60, transport=transport) as client,
        client.stream("GET", url, headers=headers) as response,
    ):
        assert response.status_code == 200
        assert response.headers["content-type"] == "application/x-tar"
        yield response


def _tar_of(server: Server) -> int | None:
    """The pid of the tar the server runs in one of its scratch clones, if any."""
    scratch = str(server.data_dir / "git" / ".source-")
    for entry in Path("/proc").iterdir():
        try:
            argv = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if argv[0] == b"tar" and any(arg.decode(errors="replace").startswith(scratch) for arg in argv):
            return int(entry.name)
    return None


def _scratch_dirs(server: Server) -> list[Path]:
    return list((server.data_dir / "git").glob(".source-*"))


def _alive(pid: int) -> bool:
    try:
        state = (Path("/proc") / str(pid) / "stat").read_text().rpartition(")")[2].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_a_runner_going_away_mid_download_ends_tar_and_the_clone(
    make_server: Callable[..., Server], tmp_path: Path
) -> None:
    server = make_server("sqlite", extra_env={"CODEYARD_RUNNER": "false"}).start()
    build_id, headers = _leased_build(server, tmp_path, depth=0)

    with _download(server, build_id, headers) as response:
        chunks = response.iter_raw(4096)  # kept: a generator dropped would close the connection
        assert next(chunks)  # the tar is on its way
        pid = until(lambda: _tar_of(server), 30, "the server's tar")
        assert _scratch_dirs(server)
    # the connection is closed with most of the tar unread: tar stops and the clone goes at once
    until(lambda: not _alive(pid), 30, "the end of tar")
    until(lambda: not _scratch_dirs(server), 30, "the removal of the scratch clone")
    assert "Traceback" not in server.log()


def test_a_tar_failing_part_way_breaks_the_download_off_with_one_log_line(
    make_server: Callable[..., Server], tmp_path: Path
) -> None:
    server = make_server("sqlite", extra_env={"CODEYARD_RUNNER": "false"}).start()
    # a shallow clone fetches its objects (files of its own, not links to the repository's)
    build_id, headers = _leased_build(server, tmp_path, depth=1)

    def big_file_open() -> Path | None:
        pid = _tar_of(server)
        if pid is None:
            return None
        try:
            opened = [os.readlink(fd) for fd in (Path("/proc") / str(pid) / "fd").iterdir()]
        except OSError:
            return None
        big = [Path(p) for p in opened if "/.source-" in p and Path(p).is_file()]
        return next((p for p in big if p.stat().st_size > BIG // 2), None)

    with _download(server, build_id, headers) as response:
        chunks = response.iter_raw(4096)
        assert next(chunks)
        # tar is held by the unread response in the middle of the big object: it shrinks under it
        (until(big_file_open, 30, "tar reading the big object")).write_bytes(b"")
        with pytest.raises(httpx.RemoteProtocolError):
            for _ in chunks:
                pass
    until(lambda: not _scratch_dirs(server), 30, "the removal of the scratch clone")
    log = until(lambda: "broken off" in (text := server.log()) and text, 30, "the log line")
    assert "Traceback" not in log
    assert "Exception in ASGI" not in log
    assert "tar of the source failed" in log
