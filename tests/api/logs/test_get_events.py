"""GetLogEvents through boto3: head or tail, windows, limits, and forward/backward tokens as AWS has them."""

from __future__ import annotations

from typing import Any

from tests.api.logs.support import GROUP, group_arn, now_ms, put, refused, stream
from tests.support.server import Server


def _get(logs: Any, **params: Any) -> dict[str, Any]:
    answer: dict[str, Any] = logs.get_log_events(logGroupName=GROUP, logStreamName="build-1", **params)
    return answer


def _messages(answer: dict[str, Any]) -> list[str]:
    return [e["message"] for e in answer["events"]]


def test_head_tail_and_limit(server: Server) -> None:
    logs = stream(server)
    start = now_ms() - 60_000
    put(logs, [f"line {i}" for i in range(10)], start=start)
    everything = _get(logs)
    assert _messages(everything) == [f"line {i}" for i in range(10)]
    assert everything["events"][0]["timestamp"] == start
    assert everything["events"][0]["ingestionTime"] >= start
    assert _messages(_get(logs, limit=3)) == ["line 7", "line 8", "line 9"]
    assert _messages(_get(logs, limit=3, startFromHead=True)) == ["line 0", "line 1", "line 2"]
    assert _messages(
        logs.get_log_events(logGroupIdentifier=group_arn(), logStreamName="build-1", limit=1)
    ) == ["line 9"]


def test_time_window_includes_start_and_excludes_end(server: Server) -> None:
    logs = stream(server)
    start = now_ms() - 60_000
    put(logs, [f"line {i}" for i in range(10)], start=start)
    window = _get(logs, startTime=start + 2, endTime=start + 5, startFromHead=True)
    assert _messages(window) == ["line 2", "line 3", "line 4"]


def test_forward_pages_then_the_same_token_until_something_new(server: Server) -> None:
    logs = stream(server)
    start = now_ms() - 60_000
    put(logs, [f"line {i}" for i in range(7)], start=start)
    seen: list[str] = []
    answer = _get(logs, startFromHead=True, limit=3)
    while answer["events"]:
        seen += _messages(answer)
        token = answer["nextForwardToken"]
        answer = _get(logs, nextToken=token, limit=3)
    assert seen == [f"line {i}" for i in range(7)]
    assert answer["nextForwardToken"] == token  # nothing new: the same token back
    assert _get(logs, nextToken=token)["nextForwardToken"] == token

    put(logs, ["line 7", "line 8"], start=start + 7)
    answer = _get(logs, nextToken=token)
    assert _messages(answer) == ["line 7", "line 8"]
    assert answer["nextForwardToken"] != token


def test_backward_pages(server: Server) -> None:
    logs = stream(server)
    start = now_ms() - 60_000
    put(logs, [f"line {i}" for i in range(7)], start=start)
    answer = _get(logs, limit=3)
    pages = [_messages(answer)]
    while True:
        token = answer["nextBackwardToken"]
        answer = _get(logs, nextToken=token, limit=3)
        if not answer["events"]:
            assert answer["nextBackwardToken"] == token
            break
        pages.append(_messages(answer))
    assert pages == [["line 4", "line 5", "line 6"], ["line 1", "line 2", "line 3"], ["line 0"]]


def test_an_empty_stream_gives_a_token_that_follows_it(server: Server) -> None:
    logs = stream(server)
    answer = _get(logs)
    assert answer["events"] == []
    put(logs, ["first"], start=now_ms())
    assert _messages(_get(logs, nextToken=answer["nextForwardToken"])) == ["first"]


def test_tokens_are_checked(server: Server) -> None:
    logs = stream(server)
    logs.create_log_stream(logGroupName=GROUP, logStreamName="other")
    put(logs, ["a", "b"], start=now_ms())
    token = _get(logs)["nextForwardToken"]
    for bad in ("junk", "f/junk", "x/" + token[2:], token[:-3]):
        refused(
            logs.get_log_events,
            "InvalidParameterException",
            logGroupName=GROUP,
            logStreamName="build-1",
            nextToken=bad,
        )
    refused(
        logs.get_log_events,
        "InvalidParameterException",
        logGroupName=GROUP,
        logStreamName="other",
        nextToken=token,
    )
    refused(logs.get_log_events, "ResourceNotFoundException", logGroupName=GROUP, logStreamName="nope")
    refused(logs.get_log_events, "ResourceNotFoundException", logGroupName="nope", logStreamName="build-1")
    refused(
        logs.get_log_events,
        "InvalidParameterException",
        logGroupName=GROUP,
        logGroupIdentifier=group_arn(),
        logStreamName="build-1",
    )
