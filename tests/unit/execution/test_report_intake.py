"""The report intake on a real SQLite store: lease checks, groups made or refused, resent reports filed once."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from codeyard.clock import FakeClock
from codeyard.execution.messages import ReportUpload
from codeyard.execution.queue import LeaseLost
from codeyard.execution.report_intake import ReportIntake, ReportRefused
from codeyard.ids import IdGenerator, SeededRandomness
from codeyard.store.ports.codebuild import BuildRecord
from codeyard.store.ports.codebuild_reports import ReportGroupRecord
from codeyard.store.ports.work import JobRecord
from codeyard.store.sql.engine import make_engine
from codeyard.store.sql.schema import upgrade
from codeyard.store.sql.unit_of_work import SqlStore

NOW = datetime(2026, 3, 1, tzinfo=UTC)
BASE = "arn:aws:codebuild:us-east-1:000000000000:"
BUILD = "app:11111111-1111-1111-1111-111111111111"
CASE = {
    "testRawDataPath": "a.xml",
    "prefix": "p",
    "name": "n",
    "status": "SUCCEEDED",
    "durationInNanoSeconds": 5,
}
SUMMARY = {"total": 1, "statusCounts": {"SUCCEEDED": 1}, "durationInNanoSeconds": 5}


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SqlStore]:
    engine = make_engine(f"sqlite:///{tmp_path / 'db.sqlite'}")
    upgrade(engine)
    store = SqlStore(engine)
    with store.unit_of_work() as uow:
        uow.builds.add(
            BuildRecord(
                BUILD,
                "us-east-1",
                BASE + "build/" + BUILD,
                "app",
                1,
                "IN_PROGRESS",
                "BUILD",
                False,
                NOW,
                "me",
            )
        )
        uow.jobs.add(JobRecord(BUILD, "build", "us-east-1", "LEASED", NOW, {}, "runner-1", NOW))
        uow.report_groups.add(
            ReportGroupRecord(
                "us-east-1", "coverage", BASE + "report-group/coverage", "CODE_COVERAGE", NOW, NOW
            )
        )
        uow.commit()
    yield store
    store.dispose()


def intake(store: SqlStore) -> ReportIntake:
    return ReportIntake(store, FakeClock(NOW), IdGenerator(SeededRandomness(1)))


def test_a_report_is_filed_once_into_a_group_made_on_first_use(store: SqlStore) -> None:
    upload = ReportUpload("unit", "TEST", "SUCCEEDED", test_summary=SUMMARY, test_cases=[CASE])
    arn = intake(store).receive("runner-1", BUILD, upload)
    again = intake(store).receive_message("runner-1", BUILD, upload.to_dict())

    assert again == arn
    assert arn.startswith(BASE + "report/app-unit:")
    with store.reader() as uow:
        group = uow.report_groups.get(region="us-east-1", name="app-unit")
        assert group is not None
        assert (group.arn, group.type, group.export_config) == (
            BASE + "report-group/app-unit",
            "TEST",
            {"exportConfigType": "NO_EXPORT"},
        )
        assert uow.reports.count(execution_id=BASE + "build/" + BUILD) == 1
        assert uow.test_cases.count(report_arn=arn) == 1
        build = uow.builds.get(id=BUILD)
        assert build is not None
        assert build.details["reportArns"] == [arn]


def test_refusals(store: SqlStore) -> None:
    test = ReportUpload(BASE + "report-group/coverage", "TEST", "SUCCEEDED")
    with pytest.raises(ReportRefused, match="is of type CODE_COVERAGE"):
        intake(store).receive("runner-1", BUILD, test)
    with pytest.raises(ReportRefused, match="does not exist"):
        intake(store).receive("runner-1", BUILD, ReportUpload(BASE + "report-group/none", "TEST", "FAILED"))
    with pytest.raises(ReportRefused, match="Invalid report group name"):
        intake(store).receive("runner-1", BUILD, ReportUpload("bad/name", "TEST", "FAILED"))
    with pytest.raises(ReportRefused, match="Unknown report type"):
        intake(store).receive("runner-1", BUILD, ReportUpload("unit", "OTHER", "FAILED"))
    broken = {"total": "1", "statusCounts": {}, "durationInNanoSeconds": 0}
    with pytest.raises(ReportRefused, match="Malformed test summary"):
        intake(store).receive("runner-1", BUILD, ReportUpload("unit", "TEST", "FAILED", test_summary=broken))
    cover = {"linesCovered": 1, "linesMissed": 0, "branchesCovered": 0}  # branchesMissed missing
    with pytest.raises(ReportRefused, match="Malformed code coverage summary"):
        intake(store).receive(
            "runner-1", BUILD, ReportUpload("cov", "CODE_COVERAGE", "FAILED", coverage_summary=cover)
        )
    with pytest.raises(ReportRefused, match="Unknown report status"):
        intake(store).receive("runner-1", BUILD, ReportUpload("unit", "TEST", "NOT-A-REPORT-STATUS"))
    with pytest.raises(LeaseLost):
        intake(store).receive("runner-2", BUILD, ReportUpload("unit", "TEST", "SUCCEEDED"))
    with store.reader() as uow:
        assert uow.reports.count() == 0
        assert uow.report_groups.count() == 1  # nothing made by a refused report
