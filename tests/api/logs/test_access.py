"""CloudWatch Logs under IAM: calls are checked against the log group's ARN, or the stream's."""

from __future__ import annotations

from tests.api.logs.support import GROUP, group_arn, now_ms, put, refused, stream
from tests.support.iam import allow, make_user
from tests.support.server import Server


def test_a_codebuild_style_policy_reaches_its_group_only(server: Server) -> None:
    admin = stream(server, "build-1")
    admin.create_log_group(logGroupName="/aws/codebuild/other")
    admin.create_log_stream(logGroupName="/aws/codebuild/other", logStreamName="s")
    user = make_user(
        server,
        "builder",
        allow(
            ["logs:CreateLogStream", "logs:PutLogEvents", "logs:GetLogEvents", "logs:FilterLogEvents"],
            [group_arn(), group_arn() + ":*"],
        ),
    )
    logs = user.client("logs")
    logs.create_log_stream(logGroupName=GROUP, logStreamName="build-2")
    put(logs, ["from the builder"], start=now_ms(), name="build-2")
    events = logs.get_log_events(logGroupName=GROUP, logStreamName="build-2")["events"]
    assert [e["message"] for e in events] == ["from the builder"]
    assert [e["message"] for e in logs.filter_log_events(logGroupName=GROUP)["events"]] == [
        "from the builder"
    ]

    message = refused(
        logs.put_log_events,
        "AccessDeniedException",
        logGroupName="/aws/codebuild/other",
        logStreamName="s",
        logEvents=[{"timestamp": now_ms(), "message": "no"}],
    )
    assert "log-group:/aws/codebuild/other:log-stream:s" in message
    refused(logs.filter_log_events, "AccessDeniedException", logGroupName="/aws/codebuild/other")
    refused(logs.describe_log_groups, "AccessDeniedException")
    refused(logs.delete_log_group, "AccessDeniedException", logGroupName=GROUP)


def test_a_stream_scoped_policy(server: Server) -> None:
    admin = stream(server, "build-1")
    admin.create_log_stream(logGroupName=GROUP, logStreamName="build-2")
    put(admin, ["one"], start=now_ms(), name="build-1")
    put(admin, ["two"], start=now_ms(), name="build-2")
    user = make_user(server, "reader", allow("logs:GetLogEvents", f"{group_arn()}:log-stream:build-1"))
    logs = user.client("logs")
    assert [
        e["message"] for e in logs.get_log_events(logGroupName=GROUP, logStreamName="build-1")["events"]
    ] == ["one"]
    refused(logs.get_log_events, "AccessDeniedException", logGroupName=GROUP, logStreamName="build-2")
