"""Two calls at once with one idempotency token make one build (StartBuild) or one batch
(StartBuildBatch) and both answer it. On PostgreSQL the test holds the project's row locked while
both calls run in threads, and lets go once both wait (seen in pg_stat_activity): one call waits for
the project, the other for the first's token row, whose insert then fails and which answers the
first call's result. On SQLite, whose writes are serialised, the two simply run at once."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine

from codeyard.accounts import RequestContext
from codeyard.clock import FakeClock
from codeyard.ids import IdGenerator, SeededRandomness
from codeyard.services.codebuild.api import CodeBuildApi
from codeyard.services.iam.arns import root_principal
from codeyard.store.sql.engine import make_engine
from codeyard.store.sql.schema import upgrade
from codeyard.store.sql.unit_of_work import SqlStore
from tests.support.postgres import PostgresCluster

ACCOUNT = "000000000000"
NOW = datetime(2026, 3, 1, tzinfo=UTC)
BOUND = 60.0  # seconds a call may take to start waiting or to finish before the test calls it stuck
WAITING = (
    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
)
SPEC = "version: 0.2\nbatch:\n  build-list:\n    - identifier: only\nphases: {build: {commands: [echo]}}"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/cb"


@dataclass
class World:
    engine: Engine
    store: SqlStore
    api: CodeBuildApi
    ctx: RequestContext
    postgres: bool

    def counts(self) -> tuple[int, int, int]:
        """Builds, batches and token rows stored."""
        with self.store.reader() as uow:
            return uow.builds.count(), uow.build_batches.count(), uow.idempotency_tokens.count()


def _world(url: str, postgres: bool) -> Iterator[World]:
    engine = make_engine(url)
    upgrade(engine)
    store = SqlStore(engine)
    api = CodeBuildApi(store, FakeClock(NOW), IdGenerator(SeededRandomness(7)), clone_url_base="http://h")
    ctx = RequestContext(root_principal(ACCOUNT), "us-east-1", ACCOUNT, "r")
    api.create_project(
        ctx,
        name="app",
        source={"type": "NO_SOURCE", "buildspec": SPEC},
        artifacts={"type": "NO_ARTIFACTS"},
        environment={"type": "LINUX_CONTAINER", "image": "img", "computeType": "BUILD_GENERAL1_SMALL"},
        service_role=ROLE,
        build_batch_config={"serviceRole": ROLE},
    )
    yield World(engine, store, api, ctx, postgres)
    store.dispose()


@pytest.fixture(params=["sqlite", "postgres"])
def world(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[World]:
    if request.param == "sqlite":
        yield from _world(f"sqlite:///{tmp_path / 'db.sqlite'}", False)
        return
    cluster: PostgresCluster = request.getfixturevalue("postgres")
    yield from _world(cluster.create_database("tokens_" + uuid.uuid4().hex[:12]), True)


def at_once(world: World, call: Callable[[], Any]) -> list[Any]:
    """`call` twice in two threads; on PostgreSQL both are made to wait for a lock first (the
    project's row held), then let go together. Answers both results."""
    pool = ThreadPoolExecutor(2)
    try:
        if not world.postgres:
            futures = [pool.submit(call), pool.submit(call)]
            return [f.result(timeout=BOUND) for f in futures]
        with world.store.unit_of_work() as uow, world.engine.connect() as watcher:
            assert uow.projects.get(region="us-east-1", name="app", for_update=True) is not None
            futures = [pool.submit(call), pool.submit(call)]
            watching = watcher.execution_options(isolation_level="AUTOCOMMIT")
            deadline = time.monotonic() + BOUND
            while watching.exec_driver_sql(WAITING).scalar_one() < 2:
                assert not any(f.done() for f in futures), "a call did not wait"
                assert time.monotonic() < deadline, "the calls did not both wait"
            uow.commit()
        return [f.result(timeout=BOUND) for f in futures]
    finally:
        pool.shutdown(wait=False)


def test_two_start_builds_with_one_token_make_one_build(world: World) -> None:
    def start() -> Future[Any]:
        answer: Any = world.api.start_build(world.ctx, project_name="app", idempotency_token="once")
        return answer

    first, second = at_once(world, start)

    assert first["build"]["id"] == second["build"]["id"]
    assert first["build"]["buildNumber"] == 1
    assert world.counts() == (1, 0, 1)


def test_two_start_build_batches_with_one_token_make_one_batch(world: World) -> None:
    def start() -> Future[Any]:
        answer: Any = world.api.start_build_batch(world.ctx, project_name="app", idempotency_token="once")
        return answer

    first, second = at_once(world, start)

    assert first["buildBatch"]["id"] == second["buildBatch"]["id"]
    assert first["buildBatch"]["buildBatchNumber"] == 1
    assert first["buildBatch"]["buildBatchStatus"] == "IN_PROGRESS"
    assert world.counts() == (1, 1, 1)  # the batch and its one member build


def test_different_tokens_at_once_make_two_builds(world: World) -> None:
    tokens = iter(["a", "b"])

    def start() -> Future[Any]:
        answer: Any = world.api.start_build(world.ctx, project_name="app", idempotency_token=next(tokens))
        return answer

    first, second = at_once(world, start)

    assert first["build"]["id"] != second["build"]["id"]
    assert {first["build"]["buildNumber"], second["build"]["buildNumber"]} == {1, 2}
    assert world.counts() == (2, 0, 2)
