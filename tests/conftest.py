"""Fixtures shared by every suite: live servers on SQLite and PostgreSQL."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.postgres import PostgresCluster
from tests.support.server import Server

BACKENDS = ["sqlite", "postgres"]


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresCluster]:
    cluster = PostgresCluster().start()
    yield cluster
    cluster.stop()


def _database_url(request: pytest.FixtureRequest, backend: str) -> str:
    if backend == "sqlite":
        return ""
    cluster: PostgresCluster = request.getfixturevalue("postgres")
    return cluster.create_database("cy_" + uuid.uuid4().hex[:12])


@pytest.fixture(scope="session", params=BACKENDS)
def live_server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A test-mode server per database backend, shared by the session and reset per test."""
    backend: str = request.param
    server = Server(tmp_path_factory.mktemp(f"server-{backend}"), _database_url(request, backend))
    server.start()
    yield server
    server.stop()


@pytest.fixture
def server(live_server: Server) -> Server:
    live_server.reset()
    return live_server


@pytest.fixture(scope="session")
def strict_live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A server without test mode: unknown keys are refused, no reset endpoint."""
    server = Server(tmp_path_factory.mktemp("strict"), test_mode=False)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def make_server(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[object]:
    """Builds servers a test starts and stops itself (restart tests)."""
    servers: list[Server] = []

    def factory(backend: str = "sqlite", **kwargs: object) -> Server:
        server = Server(tmp_path / f"data-{len(servers)}", _database_url(request, backend), **kwargs)  # type: ignore[arg-type]
        servers.append(server)
        return server

    yield factory
    for server in servers:
        server.stop()
