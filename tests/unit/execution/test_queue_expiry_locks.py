"""The scheduler tick's expiry on PostgreSQL, with real transactions in threads: it locks only the
jobs it ends (each in its own transaction), so a job another transaction holds and that is not due
neither stalls the tick nor closes a lock cycle with it (a batch's stop locks its members' jobs in
the batch's order; a tick that locked every queued and leased job in table order could deadlock
with it)."""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor

from codeyard.execution.queue import Expired
from codeyard.store.sql.engine import make_engine
from tests.support.postgres import PostgresCluster
from tests.unit.execution.test_queue_fleets import CTX, _fleets

BOUND = 60.0  # seconds the expiry may take before it counts as stuck behind the held row


def test_expiry_ends_a_lost_build_without_waiting_for_a_held_job_that_is_not_due(
    postgres: PostgresCluster,
) -> None:
    url = postgres.create_database("expiry_" + uuid.uuid4().hex[:12])
    holder_engine = make_engine(url)
    fleets = _fleets(url)
    work = next(fleets)
    pool = ThreadPoolExecutor(1)
    try:
        work.project("plain")
        lost = work.start("plain")
        waiting = work.start("plain")
        assert work.claim(work.runner()) == lost
        work.clock.advance(31)  # past the lease of 30 seconds; `waiting` has no queued timeout

        with holder_engine.connect() as holder:
            holder.exec_driver_sql("SELECT 1 FROM work_jobs WHERE id = %(id)s FOR UPDATE", {"id": waiting})
            expiring = pool.submit(work.queue.expire)
            try:
                assert expiring.result(timeout=BOUND) == Expired(lost=1)
            finally:
                holder.rollback()

        assert work.queue.expire() == Expired()
        builds = work.api.batch_get_builds(CTX, ids=[lost, waiting])["builds"]
        assert [b["buildStatus"] for b in builds] == ["FAILED", "IN_PROGRESS"]
    finally:
        pool.shutdown(wait=True)
        next(fleets, None)  # disposes of the store
        holder_engine.dispose()
