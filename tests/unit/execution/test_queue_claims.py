"""Claims and leases on the work queue, on SQLite and PostgreSQL: each job goes to one runner, on
PostgreSQL a claim skips the jobs other claims hold locked instead of waiting for them, and a log
chunk renews the lease as a heartbeat does."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

from codeyard.accounts import RequestContext
from codeyard.clock import FakeClock
from codeyard.execution.messages import Job, LogChunk
from codeyard.execution.queue import QUEUED, Expired, WorkQueue
from codeyard.execution.registry import RunnerRegistry
from codeyard.ids import IdGenerator, SeededRandomness
from codeyard.services.codebuild.api import CodeBuildApi
from codeyard.services.codebuild.build_shapes import BuildEvents
from codeyard.services.codebuild.progress import BuildProgress
from codeyard.services.iam.arns import root_principal
from codeyard.store.sql.engine import make_engine
from codeyard.store.sql.schema import upgrade
from codeyard.store.sql.unit_of_work import SqlStore
from tests.support.postgres import PostgresCluster

ACCOUNT = "000000000000"
LEASE = 30
TOKEN = "registration-token"
BOUND = 60.0  # seconds a claim may take before the test calls it stuck


@dataclass
class Queue:
    api: CodeBuildApi
    queue: WorkQueue
    registry: RunnerRegistry
    store: SqlStore
    clock: FakeClock

    def start(self, count: int) -> list[str]:
        ctx = RequestContext(root_principal(ACCOUNT), "us-east-1", ACCOUNT, "r")
        self.api.create_project(
            ctx,
            name="p",
            source={"type": "NO_SOURCE", "buildspec": "version: 0.2\nphases: {build: {commands: [true]}}"},
            artifacts={"type": "NO_ARTIFACTS"},
            environment={"type": "LINUX_CONTAINER", "image": "img", "computeType": "BUILD_GENERAL1_SMALL"},
            service_role=f"arn:aws:iam::{ACCOUNT}:role/cb",
        )
        return [self.api.start_build(ctx, project_name="p")["build"]["id"] for _ in range(count)]

    def runner(self) -> str:
        registration = self.registry.register(TOKEN, "test")
        assert registration is not None
        return registration.runner_id


def _queue(url: str) -> Iterator[Queue]:
    engine = make_engine(url)
    upgrade(engine)
    store = SqlStore(engine)
    clock = FakeClock()
    ids = IdGenerator(SeededRandomness(7))
    api = CodeBuildApi(store, clock, ids, clone_url_base="http://h")
    queue = WorkQueue(store, clock, BuildProgress(BuildEvents(clock, ids)), LEASE)
    yield Queue(api, queue, RunnerRegistry(store, clock, ids, TOKEN), store, clock)
    store.dispose()


@pytest.fixture(params=["sqlite", "postgres"])
def work(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Queue]:
    if request.param == "sqlite":
        yield from _queue("sqlite:///" + str(tmp_path / "codeyard.sqlite"))
        return
    cluster: PostgresCluster = request.getfixturevalue("postgres")
    yield from _queue(cluster.create_database("claims_" + uuid.uuid4().hex[:12]))


@pytest.fixture
def pg_work(postgres: PostgresCluster) -> Iterator[Queue]:
    yield from _queue(postgres.create_database("claims_" + uuid.uuid4().hex[:12]))


def test_concurrent_claims_each_get_a_job_of_their_own(work: Queue) -> None:
    builds = work.start(6)
    runners = [work.runner() for _ in range(6)]
    ready = threading.Barrier(len(runners))

    def claim(runner_id: str) -> Job | None:
        ready.wait(BOUND)
        return work.queue.claim(runner_id)

    with ThreadPoolExecutor(len(runners)) as pool:
        claimed = list(pool.map(claim, runners, timeout=BOUND))

    assert sorted(job.build_id for job in claimed if job is not None) == sorted(builds)
    with work.store.reader() as uow:
        leased = {job.id: job.runner_id or "" for job in uow.jobs.find(state="LEASED")}
    assert sorted(leased.values()) == sorted(runners)


def test_a_claim_on_postgres_skips_a_job_another_claim_holds_locked(pg_work: Queue) -> None:
    first, second = pg_work.start(2)
    holder, other = pg_work.runner(), pg_work.runner()
    with pg_work.store.unit_of_work() as held:
        # A claim in progress: the oldest queued job locked, its transaction still open.
        [locked] = held.jobs.find(state=QUEUED, order_by="created_at", limit=1, for_update=True)
        assert locked.id == first
        pool = ThreadPoolExecutor(1)
        try:
            claimed = pool.submit(pg_work.queue.claim, other).result(timeout=BOUND)
        finally:
            pool.shutdown(wait=False)  # a claim stuck on the lock ends once `held` rolls back
        # Left without commit: the lock goes, the job stays queued.

    assert claimed is not None
    assert claimed.build_id == second
    later = pg_work.queue.claim(holder)
    assert later is not None
    assert later.build_id == first
    assert pg_work.queue.claim(holder) is None


def test_a_log_chunk_renews_the_lease_as_a_heartbeat_does(work: Queue) -> None:
    [build_id] = work.start(1)
    runner_id = work.runner()
    assert work.queue.claim(runner_id) is not None
    for sequence in range(3):  # a long backlog of log lines, sent after the build's heartbeats ended
        work.clock.advance(LEASE - 1)
        assert work.queue.log(runner_id, build_id, LogChunk(sequence, 0, [f"line {sequence}"]))
        assert work.queue.expire() == Expired()

    work.clock.advance(LEASE + 1)
    assert work.queue.expire() == Expired(lost=1)
