"""What the CloudWatch Logs API tests share: times, groups with streams, and refusals."""

from __future__ import annotations

import time
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.support.server import Server

ACCOUNT = "000000000000"
GROUP = "/aws/codebuild/demo"


def now_ms() -> int:
    return int(time.time() * 1000)


def group_arn(name: str = GROUP) -> str:
    return f"arn:aws:logs:us-east-1:{ACCOUNT}:log-group:{name}"


def stream(server: Server, name: str = "build-1", group: str = GROUP, *, create_group: bool = True) -> Any:
    """A logs client with the group (when asked) and the stream created."""
    logs = server.client("logs")
    if create_group:
        logs.create_log_group(logGroupName=group)
    logs.create_log_stream(logGroupName=group, logStreamName=name)
    return logs


def put(logs: Any, messages: list[str], *, start: int, name: str = "build-1", group: str = GROUP) -> Any:
    """Puts one event per message, a millisecond apart from `start`."""
    events = [{"timestamp": start + i, "message": m} for i, m in enumerate(messages)]
    return logs.put_log_events(logGroupName=group, logStreamName=name, logEvents=events)


def refused(call: Any, code: str, **params: Any) -> str:
    """Asserts the call fails with `code`; returns the message."""
    with pytest.raises(ClientError) as caught:
        call(**params)
    error = caught.value.response["Error"]
    assert error["Code"] == code, error
    return str(error["Message"])
