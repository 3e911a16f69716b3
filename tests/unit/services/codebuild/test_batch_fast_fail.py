"""A fast-fail batch's failing member stops the other members in the transaction that ends it; on
PostgreSQL a member whose row another transaction holds (its own end, a phase update) is not waited
for there, as the batch is locked by then and that member's end locks its build before the batch
(a cycle), but stopped by the next scheduler tick. StopBuild of a member locks its job before its
build, as the runner's completion does, so the two never wait on each other in a cycle."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
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
from codeyard.services.codebuild.batch_scheduler import BatchScheduler
from codeyard.services.codebuild.build_shapes import BuildEvents
from codeyard.services.iam.arns import root_principal
from codeyard.store.sql.engine import make_engine
from codeyard.store.sql.schema import upgrade
from codeyard.store.sql.unit_of_work import SqlStore
from tests.support.postgres import PostgresCluster

ACCOUNT = "000000000000"
NOW = datetime(2026, 3, 1, tzinfo=UTC)
BOUND = 60.0  # seconds the failing member's end may take before it is stuck
WAITING = (
    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
)
SPEC = (
    "version: 0.2\nbatch:\n  fast-fail: true\n  build-list:\n    - identifier: first\n"
    "    - identifier: second\nphases:\n  build:\n    commands:\n      - echo\n"
)


@dataclass
class Batches:
    engine: Engine
    store: SqlStore
    api: CodeBuildApi
    scheduler: BatchScheduler
    clock: FakeClock
    ctx: RequestContext

    def start(self) -> tuple[str, str, str]:
        """A fast-fail batch of two members, both queued: the batch id and the two builds' ids."""
        self.api.create_project(
            self.ctx,
            name="p",
            source={"type": "NO_SOURCE", "buildspec": SPEC},
            artifacts={"type": "NO_ARTIFACTS"},
            environment={"type": "LINUX_CONTAINER", "image": "img", "computeType": "BUILD_GENERAL1_SMALL"},
            service_role=f"arn:aws:iam::{ACCOUNT}:role/cb",
            build_batch_config={"serviceRole": f"arn:aws:iam::{ACCOUNT}:role/batch"},
        )
        batch = self.api.start_build_batch(self.ctx, project_name="p")["buildBatch"]
        first, second = (g["currentBuildSummary"]["arn"].rpartition("/")[2] for g in batch["buildGroups"])
        return batch["id"], first, second

    def tick(self) -> int:
        """The batch part of the scheduler tick (WorkQueue.expire): how many batches it changed."""
        with self.store.unit_of_work() as uow:
            changed = self.scheduler.expire(uow, self.clock.now())
            uow.commit()
        return changed

    def batch(self, batch_id: str) -> dict[str, Any]:
        found: dict[str, Any] = self.api.batch_get_build_batches(self.ctx, ids=[batch_id])["buildBatches"][0]
        return found

    def status(self, build_id: str) -> str:
        found: str = self.api.batch_get_builds(self.ctx, ids=[build_id])["builds"][0]["buildStatus"]
        return found


def _batches(url: str) -> Iterator[Batches]:
    engine = make_engine(url)
    upgrade(engine)
    store = SqlStore(engine)
    clock = FakeClock(NOW)
    ids = IdGenerator(SeededRandomness(5))
    api = CodeBuildApi(store, clock, ids, clone_url_base="http://h")
    scheduler = BatchScheduler(BuildEvents(clock, ids), ids)
    yield Batches(
        engine,
        store,
        api,
        scheduler,
        clock,
        RequestContext(root_principal(ACCOUNT), "us-east-1", ACCOUNT, "r"),
    )
    store.dispose()


@pytest.fixture
def on_sqlite(tmp_path: Path) -> Iterator[Batches]:
    yield from _batches("sqlite:///" + str(tmp_path / "codeyard.sqlite"))


@pytest.fixture
def on_postgres(postgres: PostgresCluster) -> Iterator[Batches]:
    yield from _batches(postgres.create_database("fastfail_" + uuid.uuid4().hex[:12]))


def test_a_failing_member_stops_the_others_at_once(on_sqlite: Batches) -> None:
    batch_id, first, second = on_sqlite.start()

    on_sqlite.api.stop_build(on_sqlite.ctx, id=first)

    assert on_sqlite.status(second) == "STOPPED"
    done = on_sqlite.batch(batch_id)
    assert (done["buildBatchStatus"], done["complete"]) == ("FAILED", True)


def test_a_member_held_elsewhere_is_not_waited_for_but_stopped_by_the_tick(on_postgres: Batches) -> None:
    batch_id, first, second = on_postgres.start()
    pool = ThreadPoolExecutor(1)
    try:
        with on_postgres.store.unit_of_work() as holder:
            # Another transaction holds the second member's build (as its own end or a phase
            # update would, before it locks the batch).
            assert holder.builds.get(id=second, for_update=True) is not None
            ending = pool.submit(on_postgres.api.stop_build, on_postgres.ctx, id=first)
            # Before the fix this waited on the held row (and with that member's end, deadlocked).
            assert ending.result(timeout=BOUND)["build"]["buildStatus"] == "STOPPED"
        assert on_postgres.status(second) == "IN_PROGRESS"  # still queued
        assert not on_postgres.batch(batch_id)["complete"]

        changed = on_postgres.tick()

        assert changed == 1
        assert on_postgres.status(second) == "STOPPED"
        done = on_postgres.batch(batch_id)
        assert (done["buildBatchStatus"], done["complete"]) == ("FAILED", True)
        assert on_postgres.tick() == 0
    finally:
        pool.shutdown(wait=False)


def test_stop_build_locks_a_member_s_job_before_its_build(on_postgres: Batches) -> None:
    _, first, _ = on_postgres.start()
    pool = ThreadPoolExecutor(1)
    try:
        with on_postgres.store.unit_of_work() as completion, on_postgres.engine.connect() as watcher:
            # The runner's completion of the member: its job first, then its build.
            assert completion.jobs.get(id=first, for_update=True) is not None
            stopping = pool.submit(on_postgres.api.stop_build, on_postgres.ctx, id=first)
            watching = watcher.execution_options(isolation_level="AUTOCOMMIT")
            deadline = time.monotonic() + BOUND
            while not stopping.done() and not watching.exec_driver_sql(WAITING).scalar_one():
                assert time.monotonic() < deadline, "StopBuild neither waited nor ended"
            assert not stopping.done(), "StopBuild did not wait for the job the completion holds"
            # With the build locked first, StopBuild held it here: a deadlock PostgreSQL broke.
            assert completion.builds.get(id=first, for_update=True) is not None
        assert stopping.result(timeout=BOUND)["build"]["buildStatus"] == "STOPPED"
    finally:
        pool.shutdown(wait=False)
