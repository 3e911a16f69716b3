"""A project or a build naming a fleet while the fleet is being deleted, on PostgreSQL: the project's
CreateProject or UpdateProject, or StartBuild's fleetOverride, waits for the deletion's lock on the
fleet's row (real transactions in threads, the waiting one seen in pg_stat_activity) and then finds
no fleet, so nothing is left naming a deleted fleet. The other way round, builds being queued hold
the row shared: they do not wait for each other, DeleteFleet waits for them and then sees them."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import Engine

from codeyard.accounts import RequestContext
from codeyard.clock import FakeClock
from codeyard.ids import IdGenerator, SeededRandomness
from codeyard.services.codebuild.api import CodeBuildApi
from codeyard.services.codebuild.errors import InvalidInputException
from codeyard.services.codebuild.fleet_pool import find_fleet
from codeyard.services.iam.arns import root_principal
from codeyard.store.sql.engine import make_engine
from codeyard.store.sql.schema import upgrade
from codeyard.store.sql.unit_of_work import SqlStore
from tests.support.postgres import PostgresCluster

ACCOUNT = "000000000000"
NOW = datetime(2026, 3, 1, tzinfo=UTC)
BOUND = 60.0  # seconds the project's call may take to start waiting or to finish before it is stuck
WAITING = (
    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
)
ENVIRONMENT = {"type": "LINUX_CONTAINER", "image": "img", "computeType": "BUILD_GENERAL1_SMALL"}


@dataclass
class Fleets:
    engine: Engine
    store: SqlStore
    api: CodeBuildApi
    ctx: RequestContext
    arn: str

    def project(self, name: str, environment: dict[str, Any]) -> dict[str, Any]:
        answer: dict[str, Any] = self.api.create_project(
            self.ctx,
            name=name,
            source={"type": "NO_SOURCE", "buildspec": "version: 0.2\nphases: {build: {commands: [true]}}"},
            artifacts={"type": "NO_ARTIFACTS"},
            environment=environment,
            service_role=f"arn:aws:iam::{ACCOUNT}:role/cb",
        )
        return answer

    def start(self, project: str, fleet: str) -> dict[str, Any]:
        answer: dict[str, Any] = self.api.start_build(
            self.ctx, project_name=project, fleet_override={"fleetArn": fleet}
        )
        return answer

    def named(self) -> list[str]:
        """The projects whose environment names a fleet."""
        with self.store.reader() as uow:
            return sorted(p.name for p in uow.projects.find() if p.definition["environment"].get("fleet"))


@pytest.fixture
def fleets(postgres: PostgresCluster) -> Iterator[Fleets]:
    engine = make_engine(postgres.create_database("fleets_" + uuid.uuid4().hex[:12]))
    upgrade(engine)
    store = SqlStore(engine)
    api = CodeBuildApi(store, FakeClock(NOW), IdGenerator(SeededRandomness(5)), clone_url_base="http://h")
    ctx = RequestContext(root_principal(ACCOUNT), "us-east-1", ACCOUNT, "r")
    answer = api.create_fleet(
        ctx,
        name="pool",
        base_capacity=1,
        environment_type="LINUX_CONTAINER",
        compute_type="BUILD_GENERAL1_SMALL",
    )
    yield Fleets(engine, store, api, ctx, answer["fleet"]["arn"])
    store.dispose()


def _deletion_racing(fleets: Fleets, other: Callable[[], Any]) -> Future[Any]:
    """DeleteFleet's change (the fleet's row locked, no project naming it, the row removed), its
    transaction left open while `other` runs in a thread; asserts `other` waits for it before it
    commits; answers the future of `other`."""
    pool = ThreadPoolExecutor(1)
    try:
        with fleets.store.unit_of_work() as uow, fleets.engine.connect() as watcher:
            record = find_fleet(uow, "us-east-1", fleets.arn, for_update=True)
            assert record is not None
            uow.fleets.remove(region=record.region, name=record.name)
            future = pool.submit(other)
            watching = watcher.execution_options(isolation_level="AUTOCOMMIT")
            deadline = time.monotonic() + BOUND
            while not future.done() and not watching.exec_driver_sql(WAITING).scalar_one():
                assert time.monotonic() < deadline, "the project's call neither waited nor ended"
            assert not future.done(), "the project's call did not wait for the fleet's deletion"
            uow.commit()
        future.exception(timeout=BOUND)
        return future
    finally:
        pool.shutdown(wait=False)


def test_a_project_made_while_its_fleet_is_deleted_is_refused(fleets: Fleets) -> None:
    future = _deletion_racing(
        fleets, lambda: fleets.project("late", {**ENVIRONMENT, "fleet": {"fleetArn": fleets.arn}})
    )

    with pytest.raises(InvalidInputException, match="does not exist"):
        future.result()
    assert fleets.named() == []


def test_a_project_moved_onto_a_fleet_being_deleted_is_refused(fleets: Fleets) -> None:
    fleets.project("moving", ENVIRONMENT)

    future = _deletion_racing(
        fleets,
        lambda: fleets.api.update_project(
            fleets.ctx, name="moving", environment={**ENVIRONMENT, "fleet": {"fleetArn": "pool"}}
        ),
    )

    with pytest.raises(InvalidInputException, match="does not exist"):
        future.result()
    assert fleets.named() == []


def _waiting(fleets: Fleets, future: Future[Any], what: str) -> None:
    """Returns once `future`'s call waits for a lock; fails if it ends or does not wait in time."""
    with fleets.engine.connect() as watcher:
        watching = watcher.execution_options(isolation_level="AUTOCOMMIT")
        deadline = time.monotonic() + BOUND
        while not future.done() and not watching.exec_driver_sql(WAITING).scalar_one():
            assert time.monotonic() < deadline, f"{what} neither waited nor ended"
    assert not future.done(), f"{what} did not wait"


def test_a_build_queued_while_its_fleet_is_deleted_is_refused(fleets: Fleets) -> None:
    fleets.project("app", ENVIRONMENT)

    future = _deletion_racing(fleets, lambda: fleets.start("app", fleets.arn))

    with pytest.raises(InvalidInputException, match="does not exist"):
        future.result()
    with fleets.store.reader() as uow:
        assert uow.builds.count() == 0
        assert uow.jobs.count() == 0


def test_builds_being_queued_share_the_fleet_and_its_deletion_waits_for_them(fleets: Fleets) -> None:
    fleets.project("app", ENVIRONMENT)
    pool = ThreadPoolExecutor(2)
    try:
        # a StartBuild's transaction, between its shared lock on the fleet and its commit
        with fleets.store.unit_of_work() as holder:
            assert find_fleet(holder, "us-east-1", fleets.arn, for_share=True) is not None
            other = pool.submit(fleets.start, "app", "pool")
            build = other.result(timeout=BOUND)  # another StartBuild does not wait for the first
            deletion = pool.submit(fleets.api.delete_fleet, fleets.ctx, arn=fleets.arn)
            _waiting(fleets, deletion, "DeleteFleet")
            holder.commit()
        with pytest.raises(InvalidInputException, match="1 build\\(s\\) are queued"):
            deletion.result(timeout=BOUND)
    finally:
        pool.shutdown(wait=False)

    with fleets.store.reader() as uow:
        assert [j.fleet for j in uow.jobs.find(state="QUEUED")] == [fleets.arn]
        assert uow.fleets.get(arn=fleets.arn) is not None
    fleets.api.stop_build(fleets.ctx, id=build["build"]["id"])
    fleets.api.delete_fleet(fleets.ctx, arn=fleets.arn)  # nothing queued for it now
    with fleets.store.reader() as uow:
        assert uow.fleets.get(arn=fleets.arn) is None
