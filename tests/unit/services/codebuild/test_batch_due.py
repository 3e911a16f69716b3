"""The scheduler tick reads only the batches that are due (cb_build_batches.due_at, indexed): one
past its timeoutInMins, or failing fast with members not yet asked to stop; a member already asked
to stop is not locked again, so a tick never waits on a batch that has nothing due."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest

from codeyard.store.ports.codebuild_reports import PageQuery
from tests.support.postgres import PostgresCluster
from tests.unit.services.codebuild.batch_world import NOW, Batches, batches

BOUND = 60.0  # seconds the tick may take before it counts as stuck behind the held row


@pytest.fixture
def on_sqlite(tmp_path: Path) -> Iterator[Batches]:
    yield from batches("sqlite:///" + str(tmp_path / "codeyard.sqlite"))


@pytest.fixture
def on_postgres(postgres: PostgresCluster) -> Iterator[Batches]:
    yield from batches(postgres.create_database("batchdue_" + uuid.uuid4().hex[:12]))


def _due(world: Batches) -> list[str]:
    """The batches the tick would read now."""
    query = PageQuery(order=("due_at", "id"), limit=10, at_most={"due_at": world.clock.now()})
    with world.store.unit_of_work() as uow:
        return [b.id for b in uow.build_batches.page(query)]


def _lease(world: Batches, build_id: str) -> None:
    """The member's job as a runner's claim leaves it (running)."""
    with world.store.unit_of_work() as uow:
        job = uow.jobs.get(id=build_id, for_update=True)
        assert job is not None
        uow.jobs.update(replace(job, state="LEASED", runner_id="r-1"))
        uow.commit()


def test_a_batch_is_due_at_the_end_of_its_timeout_and_not_before(on_sqlite: Batches) -> None:
    batch_id, _, _ = on_sqlite.start(timeoutInMins=5)
    with on_sqlite.store.unit_of_work() as uow:
        stored = uow.build_batches.get(id=batch_id)
        assert stored is not None
        assert stored.due_at == NOW + timedelta(minutes=5)
    on_sqlite.clock.advance(299)
    assert _due(on_sqlite) == []
    assert on_sqlite.tick() == 0

    on_sqlite.clock.advance(1)
    assert _due(on_sqlite) == [batch_id]
    assert on_sqlite.tick() == 1
    assert on_sqlite.batch(batch_id)["buildBatchStatus"] == "TIMED_OUT"  # its queued members ended
    assert _due(on_sqlite) == []


def test_an_open_batch_without_a_timeout_is_never_due(on_sqlite: Batches) -> None:
    batch_id, first, _ = on_sqlite.start()
    _lease(on_sqlite, first)
    on_sqlite.clock.advance(10 * 24 * 3600)
    assert _due(on_sqlite) == []
    assert on_sqlite.tick() == 0
    assert not on_sqlite.batch(batch_id)["complete"]


def test_a_failing_batch_whose_members_were_asked_to_stop_is_not_locked_by_the_tick(
    on_postgres: Batches,
) -> None:
    batch_id, first, second = on_postgres.start()
    _lease(on_postgres, second)
    on_postgres.api.stop_build(on_postgres.ctx, id=first)  # fails the batch: second is asked to stop
    with on_postgres.store.unit_of_work() as uow:
        job = uow.jobs.get(id=second)
        assert job is not None
        assert job.stop_requested
    assert not on_postgres.batch(batch_id)["complete"]
    assert _due(on_postgres) == []
    pool = ThreadPoolExecutor(1)
    try:
        with on_postgres.store.unit_of_work() as holder:
            # The running member's heartbeat or end holds its job: the tick has nothing to ask it.
            assert holder.jobs.get(id=second, for_update=True) is not None
            ticking = pool.submit(on_postgres.tick)
            # Before, every tick locked the failing batch's members again and waited here.
            assert ticking.result(timeout=BOUND) == 0
    finally:
        pool.shutdown(wait=False)
    assert not on_postgres.batch(batch_id)["complete"]


def test_a_member_held_when_the_batch_failed_leaves_it_due_until_the_tick_stops_it(
    on_postgres: Batches,
) -> None:
    batch_id, first, second = on_postgres.start()
    pool = ThreadPoolExecutor(1)
    try:
        with on_postgres.store.unit_of_work() as holder:
            assert holder.builds.get(id=second, for_update=True) is not None
            ending = pool.submit(on_postgres.api.stop_build, on_postgres.ctx, id=first)
            assert ending.result(timeout=BOUND)["build"]["buildStatus"] == "STOPPED"
    finally:
        pool.shutdown(wait=False)
    assert _due(on_postgres) == [batch_id]

    assert on_postgres.tick() == 1

    assert on_postgres.status(second) == "STOPPED"
    assert on_postgres.batch(batch_id)["buildBatchStatus"] == "FAILED"
    assert _due(on_postgres) == []
