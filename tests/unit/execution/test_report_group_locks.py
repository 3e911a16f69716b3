"""A report group's row is locked by the report filed into it, its deletion and its update: on
PostgreSQL the second of two such transactions waits for the first (real transactions in threads,
the waiting one seen in pg_stat_activity), so no report is left in a deleted group and no update is
lost; on both databases the outcome is the one of the two done one after the other."""

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
from codeyard.execution.messages import ReportUpload
from codeyard.execution.report_intake import ReportIntake, ReportRefused
from codeyard.ids import IdGenerator, SeededRandomness
from codeyard.services.codebuild.api import CodeBuildApi
from codeyard.services.codebuild.errors import InvalidInputException
from codeyard.services.codebuild.report_filing import ReportFiling
from codeyard.services.codebuild.report_groups import change_group, remove_group
from codeyard.services.iam.arns import root_principal
from codeyard.store.ports import UnitOfWork
from codeyard.store.ports.codebuild import BuildRecord
from codeyard.store.ports.work import JobRecord
from codeyard.store.sql.engine import make_engine
from codeyard.store.sql.schema import upgrade
from codeyard.store.sql.unit_of_work import SqlStore
from tests.support.postgres import PostgresCluster

ACCOUNT = "000000000000"
NOW = datetime(2026, 3, 1, tzinfo=UTC)
BASE = f"arn:aws:codebuild:us-east-1:{ACCOUNT}:"
BUILD = "app:11111111-1111-1111-1111-111111111111"
GROUP = BASE + "report-group/app-unit"
CASE = {"testRawDataPath": "a.xml", "prefix": "p", "name": "n", "status": "SUCCEEDED"}
SUMMARY = {"total": 1, "statusCounts": {"SUCCEEDED": 1}, "durationInNanoSeconds": 5}
S3_EXPORT = {"exportConfigType": "S3", "s3Destination": {"bucket": "b"}}
BOUND = 60.0  # seconds a transaction may take to start waiting or to finish before the test calls it stuck
WAITING = (
    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
)


@dataclass
class Reports:
    engine: Engine
    store: SqlStore
    api: CodeBuildApi
    intake: ReportIntake
    filing: ReportFiling
    ctx: RequestContext

    def upload(self, group: str = "unit") -> ReportUpload:
        return ReportUpload(group, "TEST", "SUCCEEDED", test_summary=SUMMARY, test_cases=[CASE])

    def file(self, group: str = "unit") -> str:
        return self.intake.receive("runner-1", BUILD, self.upload(group))

    def counts(self) -> tuple[int, int, int]:
        """Groups, reports and test cases stored."""
        with self.store.reader() as uow:
            return uow.report_groups.count(), uow.reports.count(), uow.test_cases.count()


def _reports(url: str) -> Iterator[Reports]:
    engine = make_engine(url)
    upgrade(engine)
    store = SqlStore(engine)
    clock = FakeClock(NOW)
    ids = IdGenerator(SeededRandomness(3))
    with store.unit_of_work() as uow:
        build = BuildRecord(
            BUILD, "us-east-1", BASE + "build/" + BUILD, "app", 1, "IN_PROGRESS", "BUILD", False, NOW, "me"
        )
        uow.builds.add(build)
        uow.jobs.add(JobRecord(BUILD, "build", "us-east-1", "LEASED", NOW, {}, "runner-1", NOW))
        uow.commit()
    api = CodeBuildApi(store, clock, ids, clone_url_base="http://h")
    ctx = RequestContext(root_principal(ACCOUNT), "us-east-1", ACCOUNT, "r")
    api.create_report_group(
        ctx, name="app-unit", type="TEST", export_config={"exportConfigType": "NO_EXPORT"}
    )
    yield Reports(engine, store, api, ReportIntake(store, clock, ids), ReportFiling(clock, ids), ctx)
    store.dispose()


@pytest.fixture(params=["sqlite", "postgres"])
def reports(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Reports]:
    if request.param == "sqlite":
        yield from _reports(f"sqlite:///{tmp_path / 'db.sqlite'}")
        return
    cluster: PostgresCluster = request.getfixturevalue("postgres")
    yield from _reports(cluster.create_database("locks_" + uuid.uuid4().hex[:12]))


@pytest.fixture
def pg_reports(postgres: PostgresCluster) -> Iterator[Reports]:
    yield from _reports(postgres.create_database("locks_" + uuid.uuid4().hex[:12]))


def waits_while(
    reports: Reports, held: Callable[[UnitOfWork], None], other: Callable[[], Any]
) -> Future[Any]:
    """Runs `held` in a transaction it leaves open, then `other` in a thread; asserts that `other`
    waits for a lock (rather than finishing alongside) before `held` commits; answers its future."""
    pool = ThreadPoolExecutor(1)
    try:
        with reports.store.unit_of_work() as uow, reports.engine.connect() as watcher:
            held(uow)
            future = pool.submit(other)
            watching = watcher.execution_options(isolation_level="AUTOCOMMIT")
            deadline = time.monotonic() + BOUND
            while not future.done() and not watching.exec_driver_sql(WAITING).scalar_one():
                assert time.monotonic() < deadline, "the other transaction neither waited nor ended"
            assert not future.done(), "the other transaction did not wait for the held one"
            uow.commit()
        future.exception(timeout=BOUND)
        return future
    finally:
        pool.shutdown(wait=False)


def _file_held(reports: Reports, group: str = "unit") -> Callable[[UnitOfWork], None]:
    """A report being filed as the intake files it (the build's row locked first)."""

    def held(uow: UnitOfWork) -> None:
        build = uow.builds.get(id=BUILD, for_update=True)
        assert build is not None
        reports.filing.file(uow, build, reports.upload(group))

    return held


def test_a_deletion_waits_for_the_report_being_filed_and_then_refuses(pg_reports: Reports) -> None:
    future = waits_while(
        pg_reports,
        _file_held(pg_reports),
        lambda: pg_reports.api.delete_report_group(pg_reports.ctx, arn=GROUP),
    )
    with pytest.raises(InvalidInputException, match="1 report"):
        future.result()
    assert pg_reports.counts() == (1, 1, 1)


def test_a_deletion_with_its_reports_waits_and_takes_the_new_report_too(pg_reports: Reports) -> None:
    future = waits_while(
        pg_reports,
        _file_held(pg_reports, GROUP),
        lambda: pg_reports.api.delete_report_group(pg_reports.ctx, arn=GROUP, delete_reports=True),
    )
    assert future.result() == {}
    assert pg_reports.counts() == (0, 0, 0)  # no report left in a deleted group


@pytest.mark.parametrize("named", ["by ARN", "by name"])
def test_a_report_waits_for_its_groups_deletion(pg_reports: Reports, named: str) -> None:
    def held(uow: UnitOfWork) -> None:
        remove_group(uow, pg_reports.ctx, GROUP, False, NOW)

    group = GROUP if named == "by ARN" else "unit"
    future = waits_while(pg_reports, held, lambda: pg_reports.file(group))
    if named == "by ARN":
        with pytest.raises(ReportRefused, match="does not exist"):
            future.result()
        assert pg_reports.counts() == (0, 0, 0)
        return
    arn = future.result()  # a plain name makes the group again, as on first use
    with pg_reports.store.reader() as uow:
        [report] = uow.reports.find()
        assert (report.arn, report.group_arn) == (arn, GROUP)
        assert uow.report_groups.get(region="us-east-1", name="app-unit") is not None


def test_two_updates_at_once_keep_both_changes(pg_reports: Reports) -> None:
    tags = [{"key": "team", "value": "core"}]

    def held(uow: UnitOfWork) -> None:
        change_group(uow, pg_reports.ctx, GROUP, NOW, None, tags)

    future = waits_while(
        pg_reports,
        held,
        lambda: pg_reports.api.update_report_group(pg_reports.ctx, arn=GROUP, export_config=S3_EXPORT),
    )
    answered = future.result()["reportGroup"]
    assert (answered["tags"], answered["exportConfig"]["exportConfigType"]) == (tags, "S3")
    with pg_reports.store.reader() as uow:
        group = uow.report_groups.get(region="us-east-1", name="app-unit")
    assert group is not None
    assert (group.tags, group.export_config["exportConfigType"]) == (tags, "S3")


def test_filing_and_deleting_one_after_the_other(reports: Reports) -> None:
    reports.file()
    with pytest.raises(InvalidInputException, match="deleteReports"):
        reports.api.delete_report_group(reports.ctx, arn=GROUP)
    assert reports.counts() == (1, 1, 1)
    reports.api.delete_report_group(reports.ctx, arn=GROUP, delete_reports=True)
    assert reports.counts() == (0, 0, 0)
    with pytest.raises(ReportRefused, match="does not exist"):
        reports.file(GROUP)
    arn = reports.file()  # by name: made again
    with reports.store.reader() as uow:
        [report] = uow.reports.find()
    assert (report.arn, report.group_arn) == (arn, GROUP)
    assert reports.counts() == (1, 1, 1)
