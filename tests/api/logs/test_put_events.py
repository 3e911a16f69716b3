"""PutLogEvents through boto3: AWS's batch rules and the events it rejects."""

from __future__ import annotations

from botocore.config import Config

from tests.api.logs.support import GROUP, now_ms, refused, stream
from tests.support.server import Server

DAY = 24 * 3600 * 1000


def _messages(logs: object) -> list[str]:
    events = logs.get_log_events(logGroupName=GROUP, logStreamName="build-1", startFromHead=True)["events"]  # type: ignore[attr-defined]
    return [e["message"] for e in events]


def test_stored_and_read_back(server: Server) -> None:
    logs = stream(server)
    now = now_ms()
    answer = logs.put_log_events(
        logGroupName=GROUP,
        logStreamName="build-1",
        logEvents=[{"timestamp": now, "message": "first"}, {"timestamp": now, "message": "second"}],
    )
    assert "rejectedLogEventsInfo" not in answer
    assert answer["nextSequenceToken"]
    assert _messages(logs) == ["first", "second"]


def test_sequence_tokens_are_accepted_and_ignored(server: Server) -> None:
    logs = stream(server)
    now = now_ms()
    for token in (
        "49590302212938723456",
        "anything",
        "00000000000000000000000000000000000000000000000000000001",
    ):
        logs.put_log_events(
            logGroupName=GROUP,
            logStreamName="build-1",
            logEvents=[{"timestamp": now, "message": token}],
            sequenceToken=token,
        )
    assert len(_messages(logs)) == 3


def test_batch_rules(server: Server) -> None:
    logs = stream(server)
    now = now_ms()
    put = logs.put_log_events
    base = {"logGroupName": GROUP, "logStreamName": "build-1"}
    message = refused(
        put,
        "InvalidParameterException",
        logEvents=[{"timestamp": now, "message": "b"}, {"timestamp": now - 1, "message": "a"}],
        **base,
    )
    assert "chronological" in message
    refused(
        put,
        "InvalidParameterException",
        logEvents=[{"timestamp": now - DAY - 1, "message": "a"}, {"timestamp": now, "message": "b"}],
        **base,
    )
    refused(
        put,
        "InvalidParameterException",
        logEvents=[{"timestamp": now, "message": "x"}] * 10_001,
        **base,
    )
    # 1,048,576 bytes counts each message's UTF-8 bytes plus 26 per event.
    fits = [{"timestamp": now, "message": "x" * (1_048_576 // 4 - 26)}] * 4
    put(logEvents=fits, **base)
    refused(
        put,
        "InvalidParameterException",
        logEvents=[*fits, {"timestamp": now, "message": "y"}],
        **base,
    )
    unchecked = server.client("logs", config=Config(parameter_validation=False, retries={"max_attempts": 1}))
    refused(unchecked.put_log_events, "InvalidParameterException", logEvents=[], **base)
    refused(
        unchecked.put_log_events,
        "InvalidParameterException",
        logEvents=[{"timestamp": now, "message": ""}],
        **base,
    )
    put(logEvents=[{"timestamp": now, "message": "x"}] * 10_000, **base)
    assert logs.describe_log_streams(logGroupName=GROUP)["logStreams"][0]["storedBytes"] == (
        4 * (1_048_576 // 4 - 26) + 10_000
    )
    refused(put, "ResourceNotFoundException", logGroupName=GROUP, logStreamName="nope", logEvents=fits[:1])
    refused(put, "ResourceNotFoundException", logGroupName="nope", logStreamName="x", logEvents=fits[:1])


def test_too_old_and_too_new_events_are_rejected(server: Server) -> None:
    logs = stream(server)
    now = now_ms()
    answer = logs.put_log_events(
        logGroupName=GROUP,
        logStreamName="build-1",
        logEvents=[
            {"timestamp": now - 14 * DAY - 60_000, "message": "too old"},
            {"timestamp": now - 14 * DAY + 60_000, "message": "kept 1"},
            {"timestamp": now - 14 * DAY + 61_000, "message": "kept 2"},
        ],
    )
    assert answer["rejectedLogEventsInfo"] == {"tooOldLogEventEndIndex": 0}
    answer = logs.put_log_events(
        logGroupName=GROUP,
        logStreamName="build-1",
        logEvents=[
            {"timestamp": now, "message": "kept 3"},
            {"timestamp": now + 3 * 3600 * 1000, "message": "too new 1"},
            {"timestamp": now + 4 * 3600 * 1000, "message": "too new 2"},
        ],
    )
    assert answer["rejectedLogEventsInfo"] == {"tooNewLogEventStartIndex": 1}
    assert _messages(logs) == ["kept 1", "kept 2", "kept 3"]


def test_events_older_than_the_retention_are_expired(server: Server) -> None:
    logs = stream(server)
    logs.put_retention_policy(logGroupName=GROUP, retentionInDays=1)
    now = now_ms()
    answer = logs.put_log_events(
        logGroupName=GROUP,
        logStreamName="build-1",
        logEvents=[
            {"timestamp": now - DAY - 120_000, "message": "expired 1"},
            {"timestamp": now - DAY - 60_000, "message": "expired 2"},
            {"timestamp": now - DAY + 60_000, "message": "kept"},
        ],
    )
    assert answer["rejectedLogEventsInfo"] == {"expiredLogEventEndIndex": 1}
    assert _messages(logs) == ["kept"]
