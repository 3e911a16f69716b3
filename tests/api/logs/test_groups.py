"""Log groups through boto3: create with tags, describe by prefix or pattern in pages, retention, delete."""

from __future__ import annotations

from tests.api.logs.support import ACCOUNT, GROUP, group_arn, now_ms, put, refused, stream
from tests.support.server import Server


def test_create_describe_and_delete(server: Server) -> None:
    logs = server.client("logs")
    before = now_ms()
    logs.create_log_group(logGroupName=GROUP, tags={"team": "ci", "env": "dev"})
    (group,) = logs.describe_log_groups()["logGroups"]
    assert group["logGroupName"] == GROUP
    assert group["arn"] == group_arn() + ":*"
    assert group["logGroupArn"] == group_arn()
    assert before - 1000 <= group["creationTime"] <= now_ms() + 1000
    assert group["storedBytes"] == 0
    assert group["logGroupClass"] == "STANDARD"
    assert "retentionInDays" not in group
    assert logs.list_tags_log_group(logGroupName=GROUP)["tags"] == {"team": "ci", "env": "dev"}
    assert logs.list_tags_for_resource(resourceArn=group_arn())["tags"] == {"team": "ci", "env": "dev"}

    refused(logs.create_log_group, "ResourceAlreadyExistsException", logGroupName=GROUP)
    logs.delete_log_group(logGroupName=GROUP)
    assert logs.describe_log_groups()["logGroups"] == []
    refused(logs.delete_log_group, "ResourceNotFoundException", logGroupName=GROUP)


def test_delete_takes_streams_and_events_along(server: Server) -> None:
    logs = stream(server)
    put(logs, ["one", "two"], start=now_ms())
    logs.delete_log_group(logGroupName=GROUP)
    logs.create_log_group(logGroupName=GROUP)
    assert logs.describe_log_streams(logGroupName=GROUP)["logStreams"] == []
    assert logs.filter_log_events(logGroupName=GROUP)["events"] == []
    assert logs.describe_log_groups()["logGroups"][0]["storedBytes"] == 0


def test_prefix_pattern_and_pages(server: Server) -> None:
    logs = server.client("logs")
    names = [f"/aws/codebuild/p{i:02d}" for i in range(7)] + ["/other/Build-logs", "plain"]
    for name in names:
        logs.create_log_group(logGroupName=name)

    seen, token = [], None
    while True:
        page = logs.describe_log_groups(
            logGroupNamePrefix="/aws/codebuild/", limit=3, **({"nextToken": token} if token else {})
        )
        assert len(page["logGroups"]) <= 3
        seen += [g["logGroupName"] for g in page["logGroups"]]
        token = page.get("nextToken")
        if not token:
            break
    assert seen == names[:7]

    by_pattern = logs.describe_log_groups(logGroupNamePattern="build")["logGroups"]
    assert [g["logGroupName"] for g in by_pattern] == sorted([*names[:7], "/other/Build-logs"])
    assert [g["logGroupName"] for g in logs.describe_log_groups()["logGroups"]] == sorted(names)
    refused(
        logs.describe_log_groups,
        "InvalidParameterException",
        logGroupNamePrefix="/aws",
        logGroupNamePattern="aws",
    )
    refused(logs.describe_log_groups, "InvalidParameterException", nextToken="not-a-token")


def test_paginator_walks_every_page(server: Server) -> None:
    logs = server.client("logs")
    for i in range(120):
        logs.create_log_group(logGroupName=f"g{i:03d}")
    pages = list(logs.get_paginator("describe_log_groups").paginate())
    assert [len(p["logGroups"]) for p in pages] == [50, 50, 20]
    assert [g["logGroupName"] for p in pages for g in p["logGroups"]] == [f"g{i:03d}" for i in range(120)]


def test_retention_policy(server: Server) -> None:
    logs = server.client("logs")
    logs.create_log_group(logGroupName=GROUP)
    logs.put_retention_policy(logGroupName=GROUP, retentionInDays=14)
    assert logs.describe_log_groups()["logGroups"][0]["retentionInDays"] == 14
    message = refused(
        logs.put_retention_policy, "InvalidParameterException", logGroupName=GROUP, retentionInDays=2
    )
    assert "retentionInDays" in message
    logs.delete_retention_policy(logGroupName=GROUP)
    assert "retentionInDays" not in logs.describe_log_groups()["logGroups"][0]
    refused(logs.put_retention_policy, "ResourceNotFoundException", logGroupName="nope", retentionInDays=7)
    refused(logs.delete_retention_policy, "ResourceNotFoundException", logGroupName="nope")


def test_names_are_checked(server: Server) -> None:
    logs = server.client("logs")
    refused(logs.create_log_group, "InvalidParameterException", logGroupName="has space")
    refused(logs.create_log_group, "InvalidParameterException", logGroupName="x" * 513)
    logs.create_log_group(logGroupName="a.b-c_d/e#f")
    assert logs.describe_log_groups()["logGroups"][0]["logGroupName"] == "a.b-c_d/e#f"


def test_regions_are_apart(server: Server) -> None:
    east = server.client("logs")
    west = server.client("logs", region_name="us-west-2")
    east.create_log_group(logGroupName=GROUP)
    west.create_log_group(logGroupName=GROUP)
    (group,) = west.describe_log_groups()["logGroups"]
    assert group["logGroupArn"] == f"arn:aws:logs:us-west-2:{ACCOUNT}:log-group:{GROUP}"
    west.delete_log_group(logGroupName=GROUP)
    assert [g["logGroupName"] for g in east.describe_log_groups()["logGroups"]] == [GROUP]
