"""Reports expire 30 days after they were made: gone from every operation at once, deleted by the sweep.

The test-mode server's clock is moved (POST /_codeyard/v1/clock?offset=<seconds>) instead of waiting,
and the sweep the scheduler runs now and then is run on request (POST /_codeyard/v1/sweep)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.api.codebuild.report_support import group_arn, report_buildspec, run_build
from tests.support.server import Server

DAY = 24 * 3600


def move_clock(server: Server, days: float) -> None:
    answer = httpx.post(f"{server.endpoint}/_codeyard/v1/clock", params={"offset": days * DAY}, timeout=30)
    assert answer.status_code == 200, answer.text


def sweep(server: Server) -> int:
    answer = httpx.post(f"{server.endpoint}/_codeyard/v1/sweep", timeout=60)
    assert answer.status_code == 200, answer.text
    deleted: int = answer.json()["reportsDeleted"]
    return deleted


def arns(build: dict[str, Any]) -> dict[str, str]:
    """The build's report ARNs by group name (`app-unit`, `app-coverage`)."""
    return {arn.split("/")[-1].split(":")[0]: arn for arn in build["reportArns"]}


def test_expired_reports_are_gone_at_once_and_deleted_by_the_sweep(server: Server) -> None:
    codebuild = server.client("codebuild")
    old = arns(run_build(server, "app", report_buildspec()))
    move_clock(server, 20)
    new = arns(run_build(server, "app"))
    created = codebuild.batch_get_reports(reportArns=[new["app-unit"]])["reports"][0]
    assert (created["expired"] - created["created"]).days == 30

    move_clock(server, 31)  # the first build's reports expired a day ago, the second's in 19 days
    listed = codebuild.list_reports()["reports"]
    assert listed == [new["app-coverage"], new["app-unit"]]
    in_group = codebuild.list_reports_for_report_group(reportGroupArn=group_arn("app-unit"))["reports"]
    assert in_group == [new["app-unit"]]
    found = codebuild.batch_get_reports(reportArns=[old["app-unit"], new["app-unit"]])
    assert [r["arn"] for r in found["reports"]] == [new["app-unit"]]
    assert found["reportsNotFound"] == [old["app-unit"]]
    with pytest.raises(codebuild.exceptions.ResourceNotFoundException):
        codebuild.describe_test_cases(reportArn=old["app-unit"])
    assert codebuild.describe_code_coverages(reportArn=old["app-coverage"])["codeCoverages"] == []
    trend = codebuild.get_report_group_trend(reportGroupArn=group_arn("app-unit"), trendField="TOTAL")
    assert trend["rawData"] == [{"reportArn": new["app-unit"], "data": "3"}]

    sweep(server)  # the scheduler may have swept them already: what is left is checked below
    assert sweep(server) == 0
    move_clock(server, 0)  # back to now: a report only hidden would show again, a deleted one does not
    found = codebuild.batch_get_reports(reportArns=[*old.values(), *new.values()])
    assert sorted(r["arn"] for r in found["reports"]) == sorted(new.values())
    assert sorted(found["reportsNotFound"]) == sorted(old.values())
    assert codebuild.list_reports(sortOrder="ASCENDING")["reports"] == [new["app-unit"], new["app-coverage"]]
    with pytest.raises(codebuild.exceptions.ResourceNotFoundException):
        codebuild.describe_test_cases(reportArn=old["app-unit"])
    assert len(codebuild.describe_test_cases(reportArn=new["app-unit"])["testCases"]) == 3
    assert len(codebuild.describe_code_coverages(reportArn=new["app-coverage"])["codeCoverages"]) == 2
    # the build keeps naming its reports, as after DeleteReport
    first = codebuild.list_builds_for_project(projectName="app", sortOrder="ASCENDING")["ids"][0]
    assert sorted(codebuild.batch_get_builds(ids=[first])["builds"][0]["reportArns"]) == sorted(old.values())


def test_the_sweep_leaves_reports_that_have_not_expired(server: Server) -> None:
    codebuild = server.client("codebuild")
    made = arns(run_build(server, "fresh", report_buildspec()))
    move_clock(server, 29.9)
    assert sweep(server) == 0
    found = codebuild.batch_get_reports(reportArns=list(made.values()))
    assert sorted(r["arn"] for r in found["reports"]) == sorted(made.values())
    assert len(codebuild.describe_test_cases(reportArn=made["fresh-unit"])["testCases"]) == 3


def test_the_clock_refuses_an_offset_that_is_not_a_number_of_seconds(server: Server) -> None:
    clock = f"{server.endpoint}/_codeyard/v1/clock"
    for offset in ("soon", "nan", "inf", str(4000 * DAY)):
        answer = httpx.post(clock, params={"offset": offset}, timeout=30)
        assert answer.status_code == 400
        assert answer.json()["__type"] == "BadRequest"


def test_delete_report_group_counts_only_live_reports_and_deletes_the_expired_ones(server: Server) -> None:
    codebuild = server.client("codebuild")
    old = arns(run_build(server, "keep", report_buildspec()))
    move_clock(server, 20)
    unit_only = report_buildspec(reports="  unit:\n    files: ['reports/junit.xml']\n")
    new = arns(run_build(server, "keep", override=unit_only))
    assert set(new) == {"keep-unit"}

    move_clock(server, 31)  # the first build's reports expired, the second's did not
    # keep-unit holds one live report and one expired: only the live one counts
    with pytest.raises(codebuild.exceptions.InvalidInputException, match="it has 1 report\\(s\\)"):
        codebuild.delete_report_group(arn=group_arn("keep-unit"))
    # keep-coverage holds only an expired report: it goes without deleteReports, and the report with it
    codebuild.delete_report_group(arn=group_arn("keep-coverage"))
    assert group_arn("keep-coverage") not in codebuild.list_report_groups()["reportGroups"]

    move_clock(server, 0)  # back to now: an expired report left in the store would show again
    found = codebuild.batch_get_reports(reportArns=[old["keep-coverage"], new["keep-unit"]])
    assert [r["arn"] for r in found["reports"]] == [new["keep-unit"]]
    assert found["reportsNotFound"] == [old["keep-coverage"]]
    assert codebuild.describe_code_coverages(reportArn=old["keep-coverage"])["codeCoverages"] == []
