"""Reports through boto3: lists, batch get, test cases, code coverages, trends and deletion."""

from __future__ import annotations

import base64
import json
from typing import Any

from tests.api.codebuild.report_support import PASSING, big_buildspec, group_arn, report_buildspec, run_build
from tests.api.codebuild.support import refused
from tests.support.server import Server

REPORT_PREFIX = "arn:aws:codebuild:us-east-1:000000000000:report/"


def all_pages(call: Any, key: str, **params: Any) -> list[Any]:
    """Every item of a list operation, page by page through nextToken."""
    items: list[Any] = []
    token = None
    while True:
        answer = call(**params, **({"nextToken": token} if token else {}))
        items += answer[key]
        token = answer.get("nextToken")
        if not token:
            return items


def test_list_and_get_reports(server: Server) -> None:
    codebuild = server.client("codebuild")
    first = run_build(server, "app")
    second = run_build(server, "app", override=report_buildspec(PASSING))
    unit = group_arn("app-unit")

    newest = codebuild.list_reports()["reports"]
    assert newest == [*reversed(second["reportArns"]), *reversed(first["reportArns"])]
    assert codebuild.list_reports(sortOrder="ASCENDING")["reports"] == list(reversed(newest))
    failed = codebuild.list_reports(filter={"status": "FAILED"})["reports"]
    [failed_unit] = [arn for arn in first["reportArns"] if arn.startswith(REPORT_PREFIX + "app-unit:")]
    assert failed == [failed_unit]
    assert all_pages(codebuild.list_reports, "reports", maxResults=1) == newest
    paged = codebuild.list_reports(maxResults=3)
    code, _ = refused(codebuild.list_reports, sortOrder="ASCENDING", nextToken=paged["nextToken"])
    assert code == "InvalidInputException"

    in_group = codebuild.list_reports_for_report_group(reportGroupArn=unit)["reports"]
    assert len(in_group) == 2
    assert all(arn.startswith(REPORT_PREFIX + "app-unit:") for arn in in_group)
    assert (
        all_pages(codebuild.list_reports_for_report_group, "reports", reportGroupArn=unit, maxResults=1)
        == in_group
    )
    succeeded = codebuild.list_reports_for_report_group(reportGroupArn=unit, filter={"status": "SUCCEEDED"})
    assert succeeded["reports"] == [in_group[0]]
    code, message = refused(codebuild.list_reports_for_report_group, reportGroupArn=group_arn("nothing"))
    assert code == "ResourceNotFoundException"
    assert group_arn("nothing") in message

    missing = REPORT_PREFIX + "app-unit:00000000-0000-0000-0000-000000000000"
    got = codebuild.batch_get_reports(reportArns=[failed_unit, missing])
    assert [r["arn"] for r in got["reports"]] == [failed_unit]
    assert got["reports"][0]["status"] == "FAILED"
    assert got["reportsNotFound"] == [missing]


def test_describe_test_cases_pages_filters_and_refusals(server: Server) -> None:
    codebuild = server.client("codebuild")
    build = run_build(server, "big", big_buildspec(450, 250))
    [big] = [arn for arn in build["reportArns"] if arn.startswith(REPORT_PREFIX + "big-big:")]
    report = codebuild.batch_get_reports(reportArns=[big])["reports"][0]
    assert report["testSummary"]["total"] == 450
    assert report["testSummary"]["statusCounts"]["FAILED"] == 50

    cases = all_pages(codebuild.describe_test_cases, "testCases", reportArn=big)
    assert [c["name"] for c in cases] == [f"case{i}" for i in range(1, 451)]
    first = codebuild.describe_test_cases(reportArn=big)
    assert len(first["testCases"]) == 100  # the default page
    failed = all_pages(
        codebuild.describe_test_cases, "testCases", reportArn=big, filter={"status": "FAILED"}, maxResults=7
    )
    assert [c["name"] for c in failed] == [f"case{i}" for i in range(9, 451, 9)]
    # the keyword is matched in the name or the prefix, ignoring case
    by_prefix = all_pages(
        codebuild.describe_test_cases, "testCases", reportArn=big, filter={"keyword": "pkg.c3"}
    )
    assert [c["name"] for c in by_prefix] == [f"case{i}" for i in range(3, 451, 4)]
    both = codebuild.describe_test_cases(reportArn=big, filter={"keyword": "CASE45", "status": "FAILED"})
    assert [c["name"] for c in both["testCases"]] == ["case45", "case450"]
    assert codebuild.describe_test_cases(reportArn=big, filter={"keyword": "%"})["testCases"] == []

    code, message = refused(codebuild.describe_test_cases, reportArn=big, filter={"status": "BROKEN"})
    assert code == "InvalidInputException"
    assert "BROKEN" in message
    code, _ = refused(
        codebuild.describe_test_cases,
        reportArn=big,
        filter={"status": "FAILED"},
        nextToken=first["nextToken"],
    )
    assert code == "InvalidInputException"
    code, _ = refused(codebuild.describe_test_cases, reportArn=big, nextToken="garbage")
    assert code == "InvalidInputException"
    # a forged token of this very list, with text where the row id goes, never reaches the database
    forged = base64.urlsafe_b64encode(json.dumps([f"test-cases:{big}::", ["x"]]).encode()).decode()
    code, _ = refused(codebuild.describe_test_cases, reportArn=big, nextToken=forged)
    assert code == "InvalidInputException"
    code, _ = refused(codebuild.describe_test_cases, reportArn=REPORT_PREFIX + "big-big:nope")
    assert code == "ResourceNotFoundException"


def test_describe_code_coverages_sorted_bounded_and_paged(server: Server) -> None:
    codebuild = server.client("codebuild")
    build = run_build(server, "big", big_buildspec(1, 250))
    [cover] = [arn for arn in build["reportArns"] if arn.startswith(REPORT_PREFIX + "big-cover:")]
    report = codebuild.batch_get_reports(reportArns=[cover])["reports"][0]
    assert report["codeCoverageSummary"]["linesCovered"] == 500  # 50 files each of 0..4 covered lines

    files = all_pages(codebuild.describe_code_coverages, "codeCoverages", reportArn=cover, maxResults=30)
    assert len(files) == 250
    percentages = [f["lineCoveragePercentage"] for f in files]
    assert percentages == sorted(percentages)
    assert len({f["id"] for f in files}) == 250
    assert files[0]["linesCovered"] + files[0]["linesMissed"] == 4

    by_path = all_pages(
        codebuild.describe_code_coverages,
        "codeCoverages",
        reportArn=cover,
        sortBy="FILE_PATH",
        sortOrder="DESCENDING",
        minLineCoveragePercentage=25.0,
        maxLineCoveragePercentage=50.0,
        maxResults=40,
    )
    expected = [f"src/f{i:04}.py" for i in range(250, 0, -1) if i % 5 in (1, 2)]
    assert [f["filePath"] for f in by_path] == expected
    assert {f["lineCoveragePercentage"] for f in by_path} == {25.0, 50.0}

    code, _ = refused(
        codebuild.describe_code_coverages,
        reportArn=cover,
        minLineCoveragePercentage=60.0,
        maxLineCoveragePercentage=50.0,
    )
    assert code == "InvalidInputException"
    first = codebuild.describe_code_coverages(reportArn=cover, maxResults=10)
    code, _ = refused(
        codebuild.describe_code_coverages, reportArn=cover, sortBy="FILE_PATH", nextToken=first["nextToken"]
    )
    assert code == "InvalidInputException"
    # a report that does not exist has no coverage
    assert (
        codebuild.describe_code_coverages(reportArn=REPORT_PREFIX + "big-cover:nope")["codeCoverages"] == []
    )


def test_report_group_trends(server: Server) -> None:
    codebuild = server.client("codebuild")
    first = run_build(server, "app")
    second = run_build(server, "app", override=report_buildspec(PASSING))
    unit, coverage = group_arn("app-unit"), group_arn("app-coverage")
    newest_unit = next(a for a in second["reportArns"] if "report/app-unit:" in a)
    oldest_unit = next(a for a in first["reportArns"] if "report/app-unit:" in a)

    def trend(group: str, field: str, **params: Any) -> tuple[dict[str, str], list[tuple[str, str]]]:
        answer = codebuild.get_report_group_trend(reportGroupArn=group, trendField=field, **params)
        return answer["stats"], [(d["reportArn"], d["data"]) for d in answer["rawData"]]

    stats, raw = trend(unit, "PASS_RATE")
    assert raw == [(newest_unit, "100"), (oldest_unit, "33.33")]
    assert stats == {"average": "66.67", "max": "100", "min": "33.33"}
    assert trend(unit, "DURATION")[1] == [(newest_unit, "2000000000"), (oldest_unit, "750000000")]
    assert trend(unit, "TOTAL")[0] == {"average": "2.5", "max": "3", "min": "2"}
    assert trend(unit, "TOTAL", numOfReports=1)[1] == [(newest_unit, "2")]
    for field, value in [
        ("LINE_COVERAGE", "66.67"),
        ("LINES_COVERED", "4"),
        ("LINES_MISSED", "2"),
        ("BRANCH_COVERAGE", "50"),
        ("BRANCHES_COVERED", "1"),
        ("BRANCHES_MISSED", "1"),
    ]:
        stats, raw = trend(coverage, field)
        assert [data for _, data in raw] == [value, value], field
        assert stats == {"average": value, "max": value, "min": value}, field
    # a test field on a coverage group: no report has it
    assert trend(coverage, "PASS_RATE") == ({}, [])
    code, _ = refused(codebuild.get_report_group_trend, reportGroupArn=group_arn("none"), trendField="TOTAL")
    assert code == "ResourceNotFoundException"


def test_delete_report(server: Server) -> None:
    codebuild = server.client("codebuild")
    build = run_build(server, "app")
    unit = next(a for a in build["reportArns"] if "report/app-unit:" in a)

    codebuild.delete_report(arn=unit)
    assert codebuild.batch_get_reports(reportArns=[unit])["reportsNotFound"] == [unit]
    assert codebuild.list_reports_for_report_group(reportGroupArn=group_arn("app-unit"))["reports"] == []
    code, _ = refused(codebuild.describe_test_cases, reportArn=unit)
    assert code == "ResourceNotFoundException"
    codebuild.delete_report(arn=unit)  # a missing report: nothing to do
    # an emptied group can be deleted without deleteReports
    codebuild.delete_report_group(arn=group_arn("app-unit"))
    assert codebuild.list_report_groups()["reportGroups"] == [group_arn("app-coverage")]
