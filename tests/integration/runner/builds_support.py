"""What the build tests share: projects, waiting for a build to end, its log, a runner process of their own."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tests.support.server import Server

ROLE = "arn:aws:iam::000000000000:role/codebuild-service"
ENVIRONMENT = {
    "type": "LINUX_CONTAINER",
    "image": "aws/codebuild/standard:7.0",
    "computeType": "BUILD_GENERAL1_SMALL",
}
TOKEN_FILE = "runner-registration-token"


def buildspec(*commands: str, phase: str = "build") -> str:
    lines = "".join(f"      - {command}\n" for command in commands)
    return f"version: 0.2\nphases:\n  {phase}:\n    commands:\n{lines}"


def no_source_project(server: Server, name: str, spec: str, **members: Any) -> None:
    params: dict[str, Any] = {
        "name": name,
        "source": {"type": "NO_SOURCE", "buildspec": spec},
        "artifacts": {"type": "NO_ARTIFACTS"},
        "environment": ENVIRONMENT,
        "serviceRole": ROLE,
    }
    server.client("codebuild").create_project(**{**params, **members})


def until(condition: Callable[[], Any], timeout: float = 60.0, what: str = "the condition") -> Any:
    """Polls `condition` until it answers something true; fails after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} did not happen within {timeout}s")
        time.sleep(0.05)


def build(server: Server, build_id: str) -> dict[str, Any]:
    found: dict[str, Any] = server.client("codebuild").batch_get_builds(ids=[build_id])["builds"][0]
    return found


def finished(server: Server, build_id: str, timeout: float = 60.0) -> dict[str, Any]:
    """The build once it completed."""
    done: dict[str, Any] = until(
        lambda: (b := build(server, build_id))["buildComplete"] and b, timeout, f"the end of {build_id}"
    )
    return done


def log_text(server: Server, build_id: str) -> str:
    """The build's log, read through CloudWatch Logs' GetLogEvents from the group and stream the build names."""
    logs = build(server, build_id)["logs"]
    client = server.client("logs")
    try:
        answer = client.get_log_events(
            logGroupName=logs["groupName"], logStreamName=logs["streamName"], startFromHead=True
        )
    except client.exceptions.ResourceNotFoundException:
        return ""  # no line yet
    return "\n".join(event["message"] for event in answer["events"])


def start_runner(
    server: Server, work_dir: Path, executor: str = "host", *extra: str
) -> subprocess.Popen[bytes]:
    """A `codeyard runner` process of the test's own, registered with the server's token; `extra`
    are more of its arguments (`--fleet <name>`)."""
    token = (server.data_dir / TOKEN_FILE).read_text().strip()
    env = {k: v for k, v in os.environ.items() if not k.startswith("CODEYARD_")}
    env["CODEYARD_RUNNER_TOKEN"] = token
    argv = [
        sys.executable,
        "-m",
        "codeyard",
        "runner",
        "--server",
        server.endpoint,
        "--work-dir",
        str(work_dir),
        "--executor",
        executor,
        *extra,
    ]
    with (work_dir.parent / f"runner-{work_dir.name}.log").open("ab") as log:
        return subprocess.Popen(argv, env=env, stdout=log, stderr=subprocess.STDOUT)
