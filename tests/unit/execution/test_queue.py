"""The work queue over a real SQLite store and a fake clock: leases, heartbeats, expiry, retries, timeouts."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from codeyard.accounts import RequestContext
from codeyard.clock import FakeClock
from codeyard.execution.messages import Completion, PhaseUpdate
from codeyard.execution.queue import Expired, LeaseLost, UnknownRunner, WorkQueue
from codeyard.execution.registry import RunnerRegistry
from codeyard.ids import IdGenerator, SeededRandomness
from codeyard.services.codebuild.api import CodeBuildApi
from codeyard.services.codebuild.build_shapes import BuildEvents, to_ms
from codeyard.services.codebuild.build_states import IllegalTransition, phase_started
from codeyard.services.codebuild.errors import AccountLimitExceededException
from codeyard.services.codebuild.progress import BuildProgress
from codeyard.services.iam.arns import root_principal
from codeyard.store.sql.engine import make_engine
from codeyard.store.sql.schema import upgrade
from codeyard.store.sql.unit_of_work import SqlStore

ACCOUNT = "000000000000"
LEASE = 30
TOKEN = "registration-token"


@dataclass
class World:
    api: CodeBuildApi
    queue: WorkQueue
    registry: RunnerRegistry
    store: SqlStore
    clock: FakeClock
    wakes: list[int] = field(default_factory=list)

    def ctx(self) -> RequestContext:
        return RequestContext(root_principal(ACCOUNT), "us-east-1", ACCOUNT, "r")

    def start(self, **project: Any) -> str:
        self.api.create_project(
            self.ctx(),
            name="p",
            source={"type": "NO_SOURCE", "buildspec": "version: 0.2\nphases: {build: {commands: [true]}}"},
            artifacts={"type": "NO_ARTIFACTS"},
            environment={"type": "LINUX_CONTAINER", "image": "img", "computeType": "BUILD_GENERAL1_SMALL"},
            service_role=f"arn:aws:iam::{ACCOUNT}:role/cb",
            **project,
        )
        build_id: str = self.api.start_build(self.ctx(), project_name="p")["build"]["id"]
        return build_id

    def build(self, build_id: str) -> dict[str, Any]:
        found: dict[str, Any] = self.api.batch_get_builds(self.ctx(), ids=[build_id])["builds"][0]
        return found

    def runner(self) -> str:
        registration = self.registry.register(TOKEN, "test")
        assert registration is not None
        return registration.runner_id


@pytest.fixture
def world(tmp_path: Path) -> Iterator[World]:
    engine = make_engine("sqlite:///" + str(tmp_path / "codeyard.sqlite"))
    upgrade(engine)
    store = SqlStore(engine)
    clock = FakeClock()
    ids = IdGenerator(SeededRandomness(1))
    wakes: list[int] = []
    api = CodeBuildApi(store, clock, ids, clone_url_base="http://h", wake=lambda: wakes.append(1))
    queue = WorkQueue(
        store, clock, BuildProgress(BuildEvents(clock, ids)), LEASE, wake=lambda: wakes.append(1)
    )
    yield World(api, queue, RunnerRegistry(store, clock, ids, TOKEN), store, clock, wakes)
    store.dispose()


def test_a_claim_leases_the_oldest_job_once_and_ends_queued(world: World) -> None:
    build_id = world.start()
    runner = world.runner()
    assert world.wakes == [1]

    job = world.queue.claim(runner)

    assert job is not None
    assert (job.build_id, job.lease_seconds, job.buildspec is not None) == (build_id, LEASE, True)
    assert world.queue.claim(runner) is None
    queued = world.build(build_id)["phases"][1]
    assert (queued["phaseType"], queued["phaseStatus"]) == ("QUEUED", "SUCCEEDED")


def test_unknown_runners_and_bad_registration_tokens_are_refused(world: World) -> None:
    assert world.registry.register("wrong", "x") is None
    with pytest.raises(UnknownRunner):
        world.queue.claim("runner-nobody")


def test_heartbeats_keep_the_lease_and_silence_loses_it(world: World) -> None:
    build_id = world.start()
    runner = world.runner()
    world.queue.claim(runner)
    world.queue.phase(runner, build_id, PhaseUpdate("PROVISIONING", to_ms(world.clock.now())))

    world.clock.advance(LEASE - 1)
    assert world.queue.heartbeat(runner, build_id).leased
    world.clock.advance(LEASE - 1)
    assert world.queue.expire() == Expired()
    world.clock.advance(2)
    assert world.queue.expire() == Expired(lost=1)

    build = world.build(build_id)
    assert build["buildStatus"] == "FAILED"
    lost = build["phases"][-2]
    assert (lost["phaseType"], lost["phaseStatus"]) == ("PROVISIONING", "FAILED")
    assert lost["contexts"][0]["statusCode"] == "RUNNER_LOST"
    assert not world.queue.heartbeat(runner, build_id).leased
    with pytest.raises(LeaseLost):
        world.queue.complete(runner, build_id, Completion("SUCCEEDED", to_ms(world.clock.now())))


def test_a_lost_build_is_queued_again_while_the_project_retries_last(world: World) -> None:
    build_id = world.start(auto_retry_limit=1)
    first, second = world.runner(), world.runner()
    world.queue.claim(first)
    world.clock.advance(LEASE + 1)
    woken = len(world.wakes)
    assert world.queue.expire() == Expired(requeued=1)

    assert len(world.wakes) == woken + 1  # the waiting runners are told, as for a new build
    assert world.build(build_id)["buildStatus"] == "IN_PROGRESS"
    assert world.build(build_id)["currentPhase"] == "QUEUED"
    assert world.queue.claim(second) is not None
    world.clock.advance(LEASE + 1)
    assert world.queue.expire() == Expired(lost=1)

    build = world.build(build_id)
    assert build["buildStatus"] == "FAILED"
    assert [p["phaseType"] for p in build["phases"]].count("QUEUED") == 2


def test_a_build_queued_past_its_queued_timeout_times_out(world: World) -> None:
    build_id = world.start(queued_timeout_in_minutes=5)
    world.clock.advance(5 * 60 - 1)
    assert world.queue.expire() == Expired()
    world.clock.advance(1)
    assert world.queue.expire() == Expired(queued_timed_out=1)

    build = world.build(build_id)
    assert build["buildStatus"] == "TIMED_OUT"
    queued = build["phases"][1]
    assert (queued["phaseStatus"], queued["contexts"][0]["statusCode"]) == ("TIMED_OUT", "BUILD_TIMED_OUT")


def test_stop_build_ends_a_queued_build_at_once_and_asks_a_running_one(world: World) -> None:
    queued = world.start()
    assert world.api.stop_build(world.ctx(), id=queued)["build"]["buildStatus"] == "STOPPED"
    running = world.api.start_build(world.ctx(), project_name="p")["build"]["id"]
    runner = world.runner()
    job = world.queue.claim(runner)
    assert job is not None
    assert job.build_id == running

    world.api.stop_build(world.ctx(), id=running)

    assert world.queue.heartbeat(runner, running).stop
    world.queue.complete(runner, running, Completion("STOPPED", to_ms(world.clock.now())))
    assert world.build(running)["buildStatus"] == "STOPPED"
    world.queue.complete(runner, running, Completion("STOPPED", to_ms(world.clock.now())))  # resent: no error


def test_a_completed_build_takes_no_more_phases(world: World) -> None:
    build_id = world.start()
    world.api.stop_build(world.ctx(), id=build_id)
    with world.store.reader() as uow:
        record = uow.builds.get(id=build_id)
    assert record is not None
    with pytest.raises(IllegalTransition):
        phase_started(record, "BUILD", 0)


def test_a_build_asked_to_stop_whose_runner_is_lost_ends_stopped(world: World) -> None:
    build_id = world.start()
    world.queue.claim(world.runner())
    world.api.stop_build(world.ctx(), id=build_id)
    world.clock.advance(LEASE + 1)
    world.queue.expire()

    assert world.build(build_id)["buildStatus"] == "STOPPED"


def test_the_concurrent_build_limit_refuses_builds_beyond_it(world: World) -> None:
    first = world.start(concurrent_build_limit=1)
    with pytest.raises(AccountLimitExceededException, match="more than 1 active builds"):
        world.api.start_build(world.ctx(), project_name="p")
    world.api.stop_build(world.ctx(), id=first)

    assert world.api.start_build(world.ctx(), project_name="p")["build"]["buildNumber"] == 2
