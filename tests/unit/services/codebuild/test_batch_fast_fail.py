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
from pathlib import Path

import pytest

from tests.support.postgres import PostgresCluster
from tests.unit.services.codebuild.batch_world import Batches, batches

BOUND = 60.0  # seconds the failing member's end may take before it is stuck
WAITING = (
    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
)


@pytest.fixture
def on_sqlite(tmp_path: Path) -> Iterator[Batches]:
    yield from batches("sqlite:///" + str(tmp_path / "codeyard.sqlite"))


@pytest.fixture
def on_postgres(postgres: PostgresCluster) -> Iterator[Batches]:
    yield from batches(postgres.create_database("fastfail_" + uuid.uuid4().hex[:12]))


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
