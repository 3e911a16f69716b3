"""Builds collect their reports: a real build writes JUnit and Cobertura files, the API then shows them."""

from __future__ import annotations

from tests.api.codebuild.report_support import (
    group_arn,
    report_buildspec,
    reports_by_name,
    run_build,
)
from tests.integration.runner.builds_support import log_text
from tests.support.server import Server


def test_a_failing_build_uploads_its_test_and_coverage_reports(server: Server) -> None:
    codebuild = server.client("codebuild")
    # the build fails after writing its reports: AWS still uploads them
    build = run_build(server, "app", report_buildspec(extra_commands=("exit 2",)))

    assert build["buildStatus"] == "FAILED"
    assert len(build["reportArns"]) == 2
    reports = reports_by_name(server, build)
    assert set(reports) == {"app-unit", "app-coverage"}

    unit = reports["app-unit"]
    assert unit["arn"].startswith("arn:aws:codebuild:us-east-1:000000000000:report/app-unit:")
    assert unit["type"] == "TEST"
    assert unit["status"] == "FAILED"  # one case failed
    assert unit["reportGroupArn"] == group_arn("app-unit")
    assert unit["executionId"] == build["arn"]
    assert unit["exportConfig"] == {"exportConfigType": "NO_EXPORT"}
    assert unit["truncated"] is False
    assert unit["expired"] > unit["created"]
    assert unit["testSummary"] == {
        "total": 3,
        "statusCounts": {"SUCCEEDED": 1, "FAILED": 1, "ERROR": 0, "SKIPPED": 1, "UNKNOWN": 0},
        "durationInNanoSeconds": 750_000_000,
    }
    cases = codebuild.describe_test_cases(reportArn=unit["arn"])["testCases"]
    assert [(c["prefix"], c["name"], c["status"]) for c in cases] == [
        ("app.Math", "adds", "SUCCEEDED"),
        ("app.Math", "divides", "FAILED"),
        ("app.Text", "skips", "SKIPPED"),
    ]
    assert cases[1]["message"].startswith("boom")
    assert cases[0]["testRawDataPath"] == "junit.xml"
    assert cases[0]["testSuiteName"] == "unit"
    assert cases[0]["reportArn"] == unit["arn"]

    coverage = reports["app-coverage"]
    assert coverage["type"] == "CODE_COVERAGE"
    assert coverage["status"] == "SUCCEEDED"
    assert coverage["codeCoverageSummary"] == {
        "lineCoveragePercentage": 66.66666666666667,
        "linesCovered": 4,
        "linesMissed": 2,
        "branchCoveragePercentage": 50.0,
        "branchesCovered": 1,
        "branchesMissed": 1,
    }
    files = codebuild.describe_code_coverages(reportArn=coverage["arn"])["codeCoverages"]
    assert [(f["filePath"], f["lineCoveragePercentage"]) for f in files] == [
        ("app/text.py", 50.0),
        ("app/math.py", 75.0),
    ]
    assert files[1]["reportARN"] == coverage["arn"]

    groups = codebuild.batch_get_report_groups(
        reportGroupArns=[group_arn("app-unit"), group_arn("app-coverage")]
    )
    assert [(g["name"], g["type"]) for g in groups["reportGroups"]] == [
        ("app-unit", "TEST"),
        ("app-coverage", "CODE_COVERAGE"),
    ]
    trend = codebuild.get_report_group_trend(reportGroupArn=group_arn("app-unit"), trendField="PASS_RATE")
    assert trend["rawData"] == [{"reportArn": unit["arn"], "data": "33.33"}]
    assert "uploaded" in log_text(server, build["id"])


def test_a_report_group_arn_must_exist_and_have_the_reports_type(server: Server) -> None:
    codebuild = server.client("codebuild")
    codebuild.create_report_group(
        name="shared", type="CODE_COVERAGE", exportConfig={"exportConfigType": "NO_EXPORT"}
    )
    groups = (
        f"  {group_arn('shared')}:\n"
        "    files: ['reports/junit.xml']\n"
        f"  {group_arn('missing')}:\n"
        "    files: ['reports/junit.xml']\n"
        "  broken:\n"
        "    files: ['reports/coverage.xml']\n"
        "    file-format: JUNITXML\n"
        "  empty:\n"
        "    files: ['nothing/*.xml']\n"
        "    file-format: JACOCOXML\n"
    )
    build = run_build(server, "arns", report_buildspec(reports=groups))

    # FINALIZING fails, naming the reports the server refused, and so does the build
    assert build["buildStatus"] == "FAILED"
    assert all(p["phaseStatus"] == "SUCCEEDED" for p in build["phases"] if p["phaseType"] == "BUILD")
    finalizing = next(p for p in build["phases"] if p["phaseType"] == "FINALIZING")
    assert finalizing["phaseStatus"] == "FAILED"
    message = finalizing["contexts"][0]["message"]
    assert f"{group_arn('shared')} is of type CODE_COVERAGE" in message
    assert f"{group_arn('missing')} does not exist" in message
    # a file of another format makes a FAILED report; no file at all an INCOMPLETE one
    reports = reports_by_name(server, build)
    assert set(reports) == {"arns-broken", "arns-empty"}
    broken, empty = reports["arns-broken"], reports["arns-empty"]
    assert broken["status"] == "FAILED"
    assert broken["testSummary"]["total"] == 0
    assert empty["status"] == "INCOMPLETE"
    assert empty["type"] == "CODE_COVERAGE"
    assert empty["codeCoverageSummary"] == {
        "linesCovered": 0,
        "linesMissed": 0,
        "branchesCovered": 0,
        "branchesMissed": 0,
    }
    assert "coverage.xml" in log_text(server, build["id"])
    listed = codebuild.list_reports_for_report_group(reportGroupArn=group_arn("shared"))
    assert listed["reports"] == []
