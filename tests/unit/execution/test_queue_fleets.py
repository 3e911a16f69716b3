"""Claims by fleet on the work queue, on SQLite and PostgreSQL, with a fake clock: a fleet's runner
takes its fleet's jobs only, an on-demand runner the others, and an ON_DEMAND fleet's jobs once the
fleet has no live idle runner (live: polled within 30 seconds, noted at most every 5)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from codeyard.accounts import RequestContext
from codeyard.clock import FakeClock
from codeyard.execution.queue import WorkQueue
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
TOKEN = "registration-token"
CTX = RequestContext(root_principal(ACCOUNT), "us-east-1", ACCOUNT, "r")
ENVIRONMENT = {"type": "LINUX_CONTAINER", "image": "img", "computeType": "BUILD_GENERAL1_SMALL"}


@dataclass
class Fleets:
    api: CodeBuildApi
    queue: WorkQueue
    registry: RunnerRegistry
    clock: FakeClock

    def fleet(self, name: str, overflow: str) -> str:
        answer = self.api.create_fleet(
            CTX,
            name=name,
            base_capacity=1,
            environment_type="LINUX_CONTAINER",
            compute_type="BUILD_GENERAL1_SMALL",
            overflow_behavior=overflow,
        )
        arn: str = answer["fleet"]["arn"]
        return arn

    def project(self, name: str, fleet: str | None = None) -> None:
        environment = {**ENVIRONMENT, **({"fleet": {"fleetArn": fleet}} if fleet else {})}
        self.api.create_project(
            CTX,
            name=name,
            source={"type": "NO_SOURCE", "buildspec": "version: 0.2\nphases: {build: {commands: [true]}}"},
            artifacts={"type": "NO_ARTIFACTS"},
            environment=environment,
            service_role=f"arn:aws:iam::{ACCOUNT}:role/cb",
        )

    def start(self, project: str) -> str:
        build_id: str = self.api.start_build(CTX, project_name=project)["build"]["id"]
        return build_id

    def runner(self, fleet: str = "") -> str:
        registration = self.registry.register(TOKEN, "test", fleet)
        assert registration is not None
        return registration.runner_id

    def claim(self, runner_id: str) -> str | None:
        job = self.queue.claim(runner_id)
        return job.build_id if job is not None else None


def _fleets(url: str) -> Iterator[Fleets]:
    engine = make_engine(url)
    upgrade(engine)
    store = SqlStore(engine)
    clock = FakeClock()
    ids = IdGenerator(SeededRandomness(11))
    api = CodeBuildApi(store, clock, ids, clone_url_base="http://h")
    queue = WorkQueue(store, clock, BuildProgress(BuildEvents(clock, ids)), 30)
    yield Fleets(api, queue, RunnerRegistry(store, clock, ids, TOKEN), clock)
    store.dispose()


@pytest.fixture(params=["sqlite", "postgres"])
def work(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Fleets]:
    if request.param == "sqlite":
        yield from _fleets("sqlite:///" + str(tmp_path / "codeyard.sqlite"))
        return
    cluster: PostgresCluster = request.getfixturevalue("postgres")
    yield from _fleets(cluster.create_database("fleets_" + uuid.uuid4().hex[:12]))


def test_each_runner_takes_the_oldest_job_of_its_own_kind(work: Fleets) -> None:
    work.fleet("pool", "QUEUE")
    work.project("pooled", "pool")
    work.project("plain")
    pooled = [work.start("pooled"), work.start("pooled")]
    plain = work.start("plain")
    in_pool, on_demand = work.runner("pool"), work.runner()

    assert work.claim(on_demand) == plain
    assert work.claim(on_demand) is None  # a QUEUE fleet's jobs are never its
    assert [work.claim(in_pool), work.claim(in_pool), work.claim(in_pool)] == [*pooled, None]


def test_a_queue_fleets_job_waits_even_with_no_runner_of_the_fleet(work: Fleets) -> None:
    work.fleet("pool", "QUEUE")
    work.project("pooled", "pool")
    build = work.start("pooled")
    on_demand = work.runner()

    work.clock.advance(3600)

    assert work.claim(on_demand) is None
    assert work.claim(work.runner("pool")) == build


def test_an_on_demand_fleets_job_overflows_once_its_runner_is_no_longer_live(work: Fleets) -> None:
    work.fleet("burst", "ON_DEMAND")
    work.project("bursty", "burst")
    in_pool, on_demand = work.runner("burst"), work.runner()
    build = work.start("bursty")

    assert work.claim(on_demand) is None  # the fleet's runner registered just now: live and idle
    work.clock.advance(20)
    assert work.claim(on_demand) is None
    work.clock.advance(11)  # 31 s since the fleet's runner was last seen

    assert work.claim(on_demand) == build
    assert work.claim(in_pool) is None


def test_a_fleet_runners_polls_keep_it_live(work: Fleets) -> None:
    work.fleet("burst", "ON_DEMAND")
    work.project("bursty", "burst")
    in_pool, on_demand = work.runner("burst"), work.runner()

    work.clock.advance(20)
    assert work.claim(in_pool) is None  # a poll, noted: seen 20 s after registering
    work.clock.advance(3)
    assert work.claim(in_pool) is None  # 3 s later: not noted again (at most every 5 s)
    build = work.start("bursty")
    work.clock.advance(27)  # 30 s after the noted poll: still live

    assert work.claim(on_demand) is None
    work.clock.advance(1)
    assert work.claim(on_demand) == build


def test_an_on_demand_fleets_job_overflows_while_its_runners_are_busy(work: Fleets) -> None:
    work.fleet("burst", "ON_DEMAND")
    work.project("bursty", "burst")
    in_pool, on_demand = work.runner("burst"), work.runner()
    first, second = work.start("bursty"), work.start("bursty")

    assert work.claim(in_pool) == first

    assert work.claim(on_demand) == second


def test_a_fleet_runner_busy_with_a_long_build_still_serves_the_fleet(work: Fleets) -> None:
    # A runner runs one build at a time and does not poll while it runs: its heartbeats keep it live
    # for the fleet's status until its lease runs out.
    arn = work.fleet("pool", "QUEUE")
    work.project("pooled", "pool")
    build = work.start("pooled")
    in_pool = work.runner("pool")
    assert work.claim(in_pool) == build

    for _ in range(3):  # a minute of the build, its lease renewed every 20 s
        work.clock.advance(20)
        assert work.queue.heartbeat(in_pool, build).leased
    busy = work.api.batch_get_fleets(CTX, names=[arn])["fleets"][0]["status"]
    work.clock.advance(31)  # the runner died: no heartbeat, its lease ran out
    gone = work.api.batch_get_fleets(CTX, names=[arn])["fleets"][0]["status"]

    assert busy == {"statusCode": "ACTIVE", "message": "1 runner(s) serve this fleet, 0 idle"}
    assert gone == {
        "statusCode": "ACTIVE",
        "context": "INSUFFICIENT_CAPACITY",
        "message": "0 runner(s) serve this fleet, 0 idle",
    }


def test_an_on_demand_runner_takes_the_oldest_overflowing_build_of_any_fleet(work: Fleets) -> None:
    work.fleet("alpha", "ON_DEMAND")
    work.fleet("bravo", "ON_DEMAND")
    work.project("on-alpha", "alpha")
    work.project("on-bravo", "bravo")
    older = work.start("on-bravo")
    work.clock.advance(1)
    newer = work.start("on-alpha")
    on_demand = work.runner()  # neither fleet has a runner: both overflow

    assert [work.claim(on_demand), work.claim(on_demand), work.claim(on_demand)] == [older, newer, None]
