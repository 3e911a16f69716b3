"""Report calls under IAM: each is checked against its report group's ARN (a report's, its group's)."""

from __future__ import annotations

from tests.api.codebuild.report_support import ACCOUNT, group_arn
from tests.api.codebuild.support import refused
from tests.support.iam import allow, make_user
from tests.support.server import Server

NO_EXPORT = {"exportConfigType": "NO_EXPORT"}


def report_arn(group: str) -> str:
    return f"arn:aws:codebuild:us-east-1:{ACCOUNT}:report/{group}:00000000-0000-0000-0000-000000000000"


def test_policies_name_report_groups_by_arn(server: Server) -> None:
    server.client("codebuild").create_report_group(name="theirs", type="TEST", exportConfig=NO_EXPORT)
    user = make_user(
        server,
        "reporter",
        allow(["codebuild:CreateReportGroup", "codebuild:UpdateReportGroup"], group_arn("mine-*")),
        allow(["codebuild:DescribeTestCases", "codebuild:BatchGetReports"], group_arn("mine-a")),
    )
    cb = user.client("codebuild")
    created = cb.create_report_group(name="mine-a", type="TEST", exportConfig=NO_EXPORT)["reportGroup"]
    assert created["arn"] == group_arn("mine-a")
    assert cb.update_report_group(arn=group_arn("mine-a"), tags=[])["reportGroup"]["tags"] == []
    code, message = refused(cb.create_report_group, name="other", type="TEST", exportConfig=NO_EXPORT)
    assert code == "AccessDeniedException"
    assert group_arn("other") in message
    code, _ = refused(cb.update_report_group, arn=group_arn("theirs"), tags=[])
    assert code == "AccessDeniedException"
    # a report's calls are authorised on its group: allowed, then not found
    code, _ = refused(cb.describe_test_cases, reportArn=report_arn("mine-a"))
    assert code == "ResourceNotFoundException"
    code, _ = refused(cb.describe_test_cases, reportArn=report_arn("theirs"))
    assert code == "AccessDeniedException"
    assert cb.batch_get_reports(reportArns=[report_arn("mine-a")])["reportsNotFound"] == [
        report_arn("mine-a")
    ]
    code, _ = refused(cb.batch_get_reports, reportArns=[report_arn("mine-a"), report_arn("theirs")])
    assert code == "AccessDeniedException"
    code, _ = refused(cb.list_report_groups)
    assert code == "AccessDeniedException"
    code, _ = refused(cb.delete_report_group, arn=group_arn("mine-a"))
    assert code == "AccessDeniedException"
