"""CloudWatch Logs through the real aws CLI: the everyday commands, and `aws logs tail --follow`
(AWS CLI v2's command) showing lines appended while it runs."""

from __future__ import annotations

import json
import queue
import subprocess
import threading
import time

import pytest

from tests.api.logs.support import GROUP, now_ms, put, stream
from tests.support.aws_cli import aws_v2
from tests.support.server import Server

FOLLOW_DEADLINE = 60.0  # seconds; tail polls every 5 s


def test_everyday_commands(server: Server) -> None:
    server.aws("logs", "create-log-group", "--log-group-name", GROUP, "--tags", "team=ci")
    server.aws("logs", "create-log-stream", "--log-group-name", GROUP, "--log-stream-name", "build-1")
    now = now_ms()
    events = json.dumps(
        [{"timestamp": now, "message": "hello"}, {"timestamp": now + 1, "message": "ERROR boom"}]
    )
    put = server.aws(
        "logs",
        "put-log-events",
        "--log-group-name",
        GROUP,
        "--log-stream-name",
        "build-1",
        "--log-events",
        events,
    )
    assert "nextSequenceToken" in json.loads(put.stdout)
    got = json.loads(
        server.aws(
            "logs",
            "get-log-events",
            "--log-group-name",
            GROUP,
            "--log-stream-name",
            "build-1",
            "--start-from-head",
        ).stdout
    )
    assert [e["message"] for e in got["events"]] == ["hello", "ERROR boom"]
    filtered = json.loads(
        server.aws("logs", "filter-log-events", "--log-group-name", GROUP, "--filter-pattern", "ERROR").stdout
    )
    assert [(e["logStreamName"], e["message"]) for e in filtered["events"]] == [("build-1", "ERROR boom")]
    server.aws("logs", "put-retention-policy", "--log-group-name", GROUP, "--retention-in-days", "30")
    groups = json.loads(server.aws("logs", "describe-log-groups", "--log-group-name-prefix", "/aws/").stdout)
    assert [(g["logGroupName"], g["retentionInDays"]) for g in groups["logGroups"]] == [(GROUP, 30)]
    streams = json.loads(
        server.aws(
            "logs",
            "describe-log-streams",
            "--log-group-name",
            GROUP,
            "--order-by",
            "LastEventTime",
            "--descending",
        ).stdout
    )
    assert streams["logStreams"][0]["lastEventTimestamp"] == now + 1
    missing = server.aws("logs", "describe-log-streams", "--log-group-name", "nope", check=False)
    assert missing.returncode != 0
    assert "ResourceNotFoundException" in missing.stderr


def _lines(process: subprocess.Popen[str]) -> tuple[queue.Queue[str], threading.Thread]:
    """The process's output lines, as they come, read by a thread that ends with the output."""
    lines: queue.Queue[str] = queue.Queue()

    def read() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            lines.put(line.rstrip("\n"))

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    return lines, reader


def _wait_for(lines: queue.Queue[str], seen: list[str], wanted: set[str]) -> None:
    """Collect lines until every wanted message was printed, or fail at the deadline."""
    deadline = time.monotonic() + FOLLOW_DEADLINE
    while not wanted <= {line.split(" ", 1)[-1] for line in seen}:
        left = deadline - time.monotonic()
        if left <= 0:
            pytest.fail(f"tail --follow printed {seen}, still missing {wanted}")
        try:
            seen.append(lines.get(timeout=min(left, 1.0)))
        except queue.Empty:
            continue


def test_tail_follow_shows_lines_appended_while_it_runs(server: Server) -> None:
    aws = aws_v2()
    if aws is None:
        pytest.skip("needs AWS CLI v2 on PATH (scripts/install-system-deps.sh installs Debian's awscli)")
    logs = stream(server, "build-1")
    put(logs, ["before the tail"], start=now_ms())
    env = {**server.aws_env(), "PYTHONUNBUFFERED": "1"}
    command = [
        str(aws),
        "--endpoint-url",
        server.endpoint,
        "logs",
        "tail",
        GROUP,
        "--follow",
        "--format",
        "short",
    ]
    seen: list[str] = []
    with subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env
    ) as process:
        lines, reader = _lines(process)
        try:
            _wait_for(lines, seen, {"before the tail"})
            put(logs, ["appended 1", "appended 2"], start=now_ms())
            logs.create_log_stream(logGroupName=GROUP, logStreamName="build-2")
            put(logs, ["from a new stream"], start=now_ms(), name="build-2")
            _wait_for(lines, seen, {"appended 1", "appended 2", "from a new stream"})
        finally:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            reader.join(timeout=20)
    messages = [line.split(" ", 1)[-1] for line in seen]
    assert messages == ["before the tail", "appended 1", "appended 2", "from a new stream"]
