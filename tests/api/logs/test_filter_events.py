"""FilterLogEvents through boto3: streams, windows, filter patterns and nextToken pages."""

from __future__ import annotations

from typing import Any

from tests.api.logs.support import GROUP, group_arn, now_ms, put, refused, stream
from tests.support.server import Server

LINES = [
    "[Container] Running command make",
    "ERROR: build failed",
    "WARN disk almost full",
    "Build failed with exit code 2",
    "ERROR retrying",
    "all good",
]


def _filter(logs: Any, **params: Any) -> list[str]:
    return [e["message"] for e in logs.filter_log_events(logGroupName=GROUP, **params)["events"]]


def test_events_of_every_stream_in_time_order(server: Server) -> None:
    logs = stream(server, "b-2")
    logs.create_log_stream(logGroupName=GROUP, logStreamName="b-1")
    logs.create_log_stream(logGroupName=GROUP, logStreamName="x-1")
    start = now_ms() - 60_000
    put(logs, ["b2 first", "b2 third"], start=start, name="b-2")
    put(logs, ["b1 second"], start=start + 0, name="b-1")  # same time as "b2 first", stored later
    put(logs, ["x1 last"], start=start + 5, name="x-1")
    answer = logs.filter_log_events(logGroupName=GROUP)
    assert [(e["logStreamName"], e["message"]) for e in answer["events"]] == [
        ("b-2", "b2 first"),
        ("b-1", "b1 second"),
        ("b-2", "b2 third"),
        ("x-1", "x1 last"),
    ]
    assert len({e["eventId"] for e in answer["events"]}) == 4
    assert "nextToken" not in answer
    assert _filter(logs, logStreamNames=["b-1", "x-1"]) == ["b1 second", "x1 last"]
    assert _filter(logs, logStreamNamePrefix="b-") == ["b2 first", "b1 second", "b2 third"]
    assert _filter(logs, logStreamNames=["missing"]) == []
    assert _filter(logs, startTime=start + 1, endTime=start + 5) == ["b2 third"]
    events = logs.filter_log_events(logGroupIdentifier=group_arn())["events"]
    assert len(events) == 4
    refused(
        logs.filter_log_events,
        "InvalidParameterException",
        logGroupName=GROUP,
        logStreamNames=["b-1"],
        logStreamNamePrefix="b",
    )
    refused(logs.filter_log_events, "ResourceNotFoundException", logGroupName="nope")


def test_filter_patterns(server: Server) -> None:
    logs = stream(server)
    put(logs, LINES, start=now_ms() - 60_000)
    assert _filter(logs, filterPattern="ERROR") == ["ERROR: build failed", "ERROR retrying"]
    assert _filter(logs, filterPattern="error") == []  # terms are case-sensitive
    assert _filter(logs, filterPattern="ERROR failed") == ["ERROR: build failed"]
    assert _filter(logs, filterPattern='"Build failed"') == ["Build failed with exit code 2"]
    assert _filter(logs, filterPattern="?WARN ?retrying") == ["WARN disk almost full", "ERROR retrying"]
    assert _filter(logs, filterPattern="ERROR -retrying") == ["ERROR: build failed"]
    assert _filter(logs, filterPattern="%exit code [0-9]+%") == ["Build failed with exit code 2"]
    assert _filter(logs, filterPattern="  ") == LINES
    assert _filter(logs, filterPattern='"[Container] Running"') == [LINES[0]]
    for unsupported in ('{ $.level = "ERROR" }', "[ip, user, ...]", '"unclosed', "%(%"):
        refused(
            logs.filter_log_events, "InvalidParameterException", logGroupName=GROUP, filterPattern=unsupported
        )


def test_next_token_pages_and_tokens_are_checked(server: Server) -> None:
    logs = stream(server)
    put(logs, [f"line {i}" for i in range(25)], start=now_ms() - 60_000)
    seen: list[str] = []
    token = None
    calls = 0
    while True:
        answer = logs.filter_log_events(
            logGroupName=GROUP, limit=10, filterPattern="line", **({"nextToken": token} if token else {})
        )
        calls += 1
        seen += [e["message"] for e in answer["events"]]
        token = answer.get("nextToken")
        if not token:
            break
    assert seen == [f"line {i}" for i in range(25)]
    assert calls >= 3
    paged = logs.get_paginator("filter_log_events").paginate(
        logGroupName=GROUP, PaginationConfig={"PageSize": 7}
    )
    assert [e["message"] for p in paged for e in p["events"]] == seen
    refused(logs.filter_log_events, "InvalidParameterException", logGroupName=GROUP, nextToken="junk")
    logs.create_log_group(logGroupName="other")
    first = logs.filter_log_events(logGroupName=GROUP, limit=1)
    refused(
        logs.filter_log_events,
        "InvalidParameterException",
        logGroupName="other",
        nextToken=first["nextToken"],
    )


def test_a_call_looks_at_a_bounded_number_of_events(server: Server) -> None:
    logs = stream(server)
    start = now_ms() - 60_000
    for batch in range(3):
        put(logs, ["noise"] * 10_000, start=start + batch)
    put(logs, ["needle"], start=start + 10)
    found: list[str] = []
    answer = logs.filter_log_events(logGroupName=GROUP, filterPattern="needle")
    calls = 1
    while True:
        found += [e["message"] for e in answer["events"]]
        if "nextToken" not in answer:
            break
        answer = logs.filter_log_events(
            logGroupName=GROUP, filterPattern="needle", nextToken=answer["nextToken"]
        )
        calls += 1
    assert found == ["needle"]
    assert calls > 1
