"""Runners gone quiet are forgotten, on SQLite and PostgreSQL with a fake clock: a runner that has not
polled for the forget time (a day) and holds no build is deleted, so its token no longer
authenticates; one that polls, or still holds a build's lease, stays."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Connection

from codeyard.execution.queue import Expired, UnknownRunner
from codeyard.store.sql.engine import make_engine
from tests.support.postgres import PostgresCluster
from tests.unit.execution.test_queue_fleets import TOKEN, Fleets, _fleets

DAY = 24 * 3600
BOUND = 60.0  # seconds a racing call may take to start waiting or to finish before it is stuck
WAITING = (
    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
)


@pytest.fixture(params=["sqlite", "postgres"])
def work(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Fleets]:
    if request.param == "sqlite":
        yield from _fleets("sqlite:///" + str(tmp_path / "codeyard.sqlite"))
        return
    cluster: PostgresCluster = request.getfixturevalue("postgres")
    yield from _fleets(cluster.create_database("forget_" + uuid.uuid4().hex[:12]))


def test_quiet_runners_holding_no_build_are_forgotten(work: Fleets) -> None:
    work.fleet("pool", "QUEUE")
    work.project("plain")
    quiet = work.registry.register(TOKEN, "quiet", "pool")
    polling = work.registry.register(TOKEN, "polling")
    holding = work.registry.register(TOKEN, "holding")
    assert quiet is not None
    assert polling is not None
    assert holding is not None
    build = work.start("plain")
    assert work.claim(holding.runner_id) == build

    work.clock.advance(DAY - 60)
    assert work.claim(polling.runner_id) is None  # its poll is noted
    work.clock.advance(120)  # the others last polled a day and a minute ago

    assert work.registry.forget_quiet() == 1
    assert work.registry.authenticate(quiet.token) is None
    assert work.registry.authenticate(polling.token) == polling.runner_id
    assert work.registry.authenticate(holding.token) == holding.runner_id  # its lease is live
    with pytest.raises(UnknownRunner):
        work.claim(quiet.runner_id)
    assert work.registry.forget_quiet() == 0

    work.clock.advance(DAY + 60)  # the build's lease expired long ago, and nobody polled
    assert work.queue.expire() == Expired(lost=1)
    assert work.registry.forget_quiet() == 2
    returned = work.registry.register(TOKEN, "quiet", "pool")  # a forgotten runner registers anew
    assert returned is not None
    assert work.registry.authenticate(returned.token) == returned.runner_id


def test_a_claim_racing_the_forgetting_of_its_runner_never_leases_to_a_forgotten_runner(
    postgres: PostgresCluster,
) -> None:
    """A quiet runner polls just as the sweep forgets it (PostgreSQL, real transactions in threads):
    the sweep takes the runner's row first (both wait, in that order, seen in pg_stat_activity,
    behind a transaction holding it), deletes the runner, and the claim then finds no runner instead
    of leasing the queued build to one that no longer exists."""
    url = postgres.create_database("forget_" + uuid.uuid4().hex[:12])
    holder_engine = make_engine(url)
    fleets = _fleets(url)
    work = next(fleets)
    pool = ThreadPoolExecutor(2)
    try:
        work.project("plain")
        runner = work.registry.register(TOKEN, "quiet")
        assert runner is not None
        build = work.start("plain")
        work.clock.advance(DAY + 60)

        with holder_engine.connect() as holder, holder_engine.connect() as watcher:
            watching = watcher.execution_options(isolation_level="AUTOCOMMIT")
            holder.exec_driver_sql(
                "SELECT 1 FROM work_runners WHERE runner_id = %(id)s FOR UPDATE", {"id": runner.runner_id}
            )
            forgot = pool.submit(work.registry.forget_quiet)
            _wait_for_waiters(watching, 1, forgot)
            claimed = pool.submit(work.claim, runner.runner_id)
            _wait_for_waiters(watching, 2, claimed)
            holder.rollback()

        assert forgot.result(timeout=BOUND) == 1
        with pytest.raises(UnknownRunner):
            claimed.result(timeout=BOUND)
        replacement = work.registry.register(TOKEN, "quiet")  # it registers again and takes the build
        assert replacement is not None
        assert work.claim(replacement.runner_id) == build
    finally:
        pool.shutdown(wait=True)
        next(fleets, None)  # disposes of the store
        holder_engine.dispose()


def _wait_for_waiters(watching: Connection, count: int, future: Future[Any]) -> None:
    """Until `count` sessions wait on a lock (or `future` ended, which the caller's asserts catch)."""
    deadline = time.monotonic() + BOUND
    while not future.done() and watching.exec_driver_sql(WAITING).scalar_one() < count:
        assert time.monotonic() < deadline, "the racing call neither waited nor ended"
    assert not future.done(), future.result()
