"""Log streams through boto3: create, describe by name or last event time, their figures, delete."""

from __future__ import annotations

from tests.api.logs.support import GROUP, group_arn, now_ms, put, refused, stream
from tests.support.server import Server


def test_create_describe_delete(server: Server) -> None:
    logs = stream(server, "build-1")
    (described,) = logs.describe_log_streams(logGroupName=GROUP)["logStreams"]
    assert described["logStreamName"] == "build-1"
    assert described["arn"] == f"{group_arn()}:log-stream:build-1"
    assert described["storedBytes"] == 0
    for absent in ("firstEventTimestamp", "lastEventTimestamp", "lastIngestionTime"):
        assert absent not in described
    refused(
        logs.create_log_stream, "ResourceAlreadyExistsException", logGroupName=GROUP, logStreamName="build-1"
    )
    logs.delete_log_stream(logGroupName=GROUP, logStreamName="build-1")
    assert logs.describe_log_streams(logGroupName=GROUP)["logStreams"] == []
    refused(logs.delete_log_stream, "ResourceNotFoundException", logGroupName=GROUP, logStreamName="build-1")
    refused(logs.create_log_stream, "ResourceNotFoundException", logGroupName="nope", logStreamName="s")
    refused(logs.describe_log_streams, "ResourceNotFoundException", logGroupName="nope")
    refused(logs.create_log_stream, "InvalidParameterException", logGroupName=GROUP, logStreamName="a:b")


def test_figures_follow_the_events(server: Server) -> None:
    logs = stream(server, "s")
    start = now_ms() - 60_000
    put(logs, ["ab", "cdé"], start=start, name="s")
    put(logs, ["x"], start=start - 5_000, name="s")
    (described,) = logs.describe_log_streams(logGroupName=GROUP)["logStreams"]
    assert described["firstEventTimestamp"] == start - 5_000
    assert described["lastEventTimestamp"] == start + 1
    assert described["lastIngestionTime"] >= start
    assert described["storedBytes"] == len(b"ab") + len("cdé".encode()) + 1
    assert described["uploadSequenceToken"].isdigit()
    assert logs.describe_log_groups()["logGroups"][0]["storedBytes"] == described["storedBytes"]
    logs.delete_log_stream(logGroupName=GROUP, logStreamName="s")
    assert logs.describe_log_groups()["logGroups"][0]["storedBytes"] == 0


def test_order_by_name_and_last_event_time(server: Server) -> None:
    logs = server.client("logs")
    logs.create_log_group(logGroupName=GROUP)
    for name in ("c", "a", "b", "idle"):
        logs.create_log_stream(logGroupName=GROUP, logStreamName=name)
    start = now_ms() - 60_000
    put(logs, ["late"], start=start + 2_000, name="a")
    put(logs, ["early"], start=start, name="c")
    put(logs, ["middle"], start=start + 1_000, name="b")

    def names(**params: object) -> list[str]:
        group = {} if "logGroupIdentifier" in params else {"logGroupName": GROUP}
        return [s["logStreamName"] for s in logs.describe_log_streams(**group, **params)["logStreams"]]

    assert names() == ["a", "b", "c", "idle"]
    assert names(descending=True) == ["idle", "c", "b", "a"]
    assert names(orderBy="LastEventTime") == ["idle", "c", "b", "a"]
    assert names(orderBy="LastEventTime", descending=True) == ["a", "b", "c", "idle"]
    assert names(logStreamNamePrefix="i") == ["idle"]
    assert names(logGroupIdentifier=group_arn()) == ["a", "b", "c", "idle"]
    refused(
        logs.describe_log_streams,
        "InvalidParameterException",
        logGroupName=GROUP,
        orderBy="LastEventTime",
        logStreamNamePrefix="a",
    )
    refused(logs.describe_log_streams, "InvalidParameterException", logGroupName=GROUP, orderBy="Size")


def test_pages(server: Server) -> None:
    logs = server.client("logs")
    logs.create_log_group(logGroupName=GROUP)
    for i in range(23):
        logs.create_log_stream(logGroupName=GROUP, logStreamName=f"build-{i:02d}")
    seen, token, pages = [], None, 0
    while True:
        page = logs.describe_log_streams(
            logGroupName=GROUP, limit=10, descending=True, **({"nextToken": token} if token else {})
        )
        pages += 1
        seen += [s["logStreamName"] for s in page["logStreams"]]
        token = page.get("nextToken")
        if not token:
            break
    assert pages == 3
    assert seen == [f"build-{i:02d}" for i in reversed(range(23))]
    refused(logs.describe_log_streams, "InvalidParameterException", logGroupName=GROUP, nextToken="x")
    paged = logs.get_paginator("describe_log_streams").paginate(
        logGroupName=GROUP, PaginationConfig={"PageSize": 5}
    )
    assert len([s for p in paged for s in p["logStreams"]]) == 23
