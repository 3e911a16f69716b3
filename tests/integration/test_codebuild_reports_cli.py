"""The 12 CodeBuild report operations through the real aws CLI."""

from __future__ import annotations

import json
from typing import Any

from tests.api.codebuild.report_support import group_arn, run_build
from tests.support.server import Server


def aws(server: Server, *args: str) -> Any:
    output = server.aws("codebuild", *args).stdout
    return json.loads(output) if output.strip() else {}


def test_report_operations_through_the_aws_cli(server: Server) -> None:
    created = aws(
        server,
        "create-report-group",
        "--name",
        "cli-group",
        "--type",
        "TEST",
        "--export-config",
        "exportConfigType=NO_EXPORT",
        "--tags",
        "key=team,value=core",
    )["reportGroup"]
    assert created["arn"] == group_arn("cli-group")
    assert created["tags"] == [{"key": "team", "value": "core"}]
    updated = aws(
        server,
        "update-report-group",
        "--arn",
        created["arn"],
        "--export-config",
        "exportConfigType=S3,s3Destination={bucket=reports,packaging=NONE}",
    )["reportGroup"]
    assert updated["exportConfig"] == {
        "exportConfigType": "S3",
        "s3Destination": {"bucket": "reports", "packaging": "NONE"},
    }

    build = run_build(server, "cli")  # makes cli-unit (TEST) and cli-coverage (CODE_COVERAGE)
    unit, coverage = group_arn("cli-unit"), group_arn("cli-coverage")
    groups = aws(server, "list-report-groups", "--sort-by", "NAME")["reportGroups"]
    assert groups == [coverage, group_arn("cli-group"), unit]
    got = aws(server, "batch-get-report-groups", "--report-group-arns", unit, group_arn("gone"))
    assert [g["type"] for g in got["reportGroups"]] == ["TEST"]
    assert got["reportGroupsNotFound"] == [group_arn("gone")]

    reports = aws(server, "list-reports", "--filter", "status=FAILED")["reports"]
    [unit_report] = reports
    assert aws(server, "list-reports-for-report-group", "--report-group-arn", unit)["reports"] == [
        unit_report
    ]
    [coverage_report] = [arn for arn in build["reportArns"] if arn != unit_report]
    got_reports = aws(server, "batch-get-reports", "--report-arns", unit_report)["reports"]
    assert got_reports[0]["testSummary"]["total"] == 3

    cases = aws(
        server,
        "describe-test-cases",
        "--report-arn",
        unit_report,
        "--filter",
        "status=FAILED,keyword=divides",
    )["testCases"]
    assert [c["name"] for c in cases] == ["divides"]
    files = aws(
        server,
        "describe-code-coverages",
        "--report-arn",
        coverage_report,
        "--sort-by",
        "FILE_PATH",
        "--min-line-coverage-percentage",
        "60",
    )["codeCoverages"]
    assert [f["filePath"] for f in files] == ["app/math.py"]
    trend = aws(
        server, "get-report-group-trend", "--report-group-arn", coverage, "--trend-field", "LINES_COVERED"
    )
    assert trend["stats"] == {"average": "4", "max": "4", "min": "4"}

    refused = server.aws("codebuild", "delete-report-group", "--arn", unit, check=False)
    assert refused.returncode != 0
    assert "InvalidInputException" in refused.stderr
    aws(server, "delete-report", "--arn", unit_report)
    aws(server, "delete-report-group", "--arn", coverage, "--delete-reports")
    codebuild = server.client("codebuild")
    assert codebuild.list_report_groups()["reportGroups"] == [group_arn("cli-group"), unit]
    assert codebuild.list_reports()["reports"] == []
