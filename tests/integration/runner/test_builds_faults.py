"""Builds under abuse, through a live server, a runner process of the test's own and the APIs: a command
that prints 100 MB, a command that never ends, a secret printed in ten ways, the server killed with
SIGKILL while a build streams its log. (A runner killed mid-build: test_builds_resilience.py; a fork
bomb: test_engine_sandbox_processes.py, with a uid of its own that no concurrent build shares.)"""

from __future__ import annotations

import json
import signal
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.integration.runner.builds_support import (
    ENVIRONMENT,
    buildspec,
    finished,
    no_source_project,
    start_runner,
    until,
)
from tests.support.aws_cli import aws_v2
from tests.support.server import Server

# Builds' timeouts count one second per minute here: timeoutInMinutes 5 (AWS's least) lasts 5 s.
FAULT_ENV = {"CODEYARD_RUNNER": "false", "CODEYARD_BUILD_MINUTE_SECONDS": "1"}
MB = 1_000_000
LINE = "a" * 99  # with its newline, 100 bytes
LINES = 1_000_000  # 100 MB
MEMORY_GROWTH_LIMIT = 100 * MB  # 100 MB printed: the runner holds at most a few MB of it at once


@pytest.fixture(params=["sqlite", "postgres"])
def fault_server(make_server: Callable[..., Server], request: pytest.FixtureRequest) -> Server:
    return make_server(request.param, extra_env=FAULT_ENV).start()


@pytest.fixture
def runner(fault_server: Server, tmp_path: Path) -> Iterator[subprocess.Popen[bytes]]:
    process = start_runner(fault_server, tmp_path / "work")
    yield process
    process.terminate()
    process.wait(30)


def _memory(pid: int, field: str) -> int:
    """A figure of /proc/<pid>/status in bytes: VmRSS (resident now) or VmHWM (the most resident ever)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) * 1024
    raise AssertionError(f"no {field} for process {pid}")


def _stream_pages(server: Server, build: dict[str, Any]) -> Iterator[list[dict[str, Any]]]:
    """Every page of the build's log stream, read forward with GetLogEvents until the token stays."""
    logs = server.client("logs")
    request = {
        "logGroupName": build["logs"]["groupName"],
        "logStreamName": build["logs"]["streamName"],
        "startFromHead": True,
    }
    token = None
    while True:
        page = logs.get_log_events(**request, **({"nextToken": token} if token else {}))
        yield page["events"]
        if page["nextForwardToken"] == token:
            return
        token = page["nextForwardToken"]


def test_a_command_printing_100_mb_logs_every_line_in_bounded_memory(
    fault_server: Server, runner: subprocess.Popen[bytes]
) -> None:
    assert fault_server.process is not None
    codebuild = fault_server.client("codebuild")
    no_source_project(fault_server, "quiet", buildspec("echo warming up"))
    no_source_project(fault_server, "loud", buildspec(f"yes {LINE} | head -n {LINES}", "echo printed-all"))
    finished(fault_server, codebuild.start_build(projectName="quiet")["build"]["id"])  # both warmed up
    processes = {"server": fault_server.process.pid, "runner": runner.pid}
    before = {name: _memory(pid, "VmRSS") for name, pid in processes.items()}
    build_id = codebuild.start_build(projectName="loud")["build"]["id"]

    done = finished(fault_server, build_id, timeout=600)
    peaks = {name: _memory(pid, "VmHWM") for name, pid in processes.items()}

    assert done["buildStatus"] == "SUCCEEDED", str(
        [(p["phaseType"], p.get("contexts")) for p in done["phases"]]
    )
    logs = fault_server.client("logs")
    [stream] = logs.describe_log_streams(
        logGroupName=done["logs"]["groupName"], logStreamNamePrefix=done["logs"]["streamName"]
    )["logStreams"]
    # Every line stored once: the printed lines' bytes plus a few thousand of the engine's own lines.
    assert LINES * len(LINE) < stream["storedBytes"] < LINES * len(LINE) + 20_000
    pages = 0
    if fault_server.database_url:
        # PostgreSQL: the stored bytes say it all; its last page shows the build went on after the
        # flood (paging 100 MB through the API is tested once, on SQLite, for the suite's time).
        last = logs.get_log_events(
            logGroupName=done["logs"]["groupName"], logStreamName=stream["logStreamName"]
        )
        messages = [e["message"] for e in last["events"]]
        assert messages.count(LINE) > 1000
        assert "printed-all" in messages
    else:
        printed = 0
        others: list[str] = []
        for events in _stream_pages(fault_server, done):
            pages += 1
            for event in events:
                if event["message"] == LINE:
                    printed += 1
                else:
                    others.append(event["message"])
        assert printed == LINES
        assert pages > 100  # GetLogEvents answers at most 1 MiB per page
        command = next(
            i
            for i, line in enumerate(others)
            if line.endswith(f"Running command yes {LINE} | head -n {LINES}")
        )
        assert others[command + 1 : command + 3][-1] == "printed-all"
    growth = {name: (peaks[name] - before[name]) // MB for name in peaks}
    print(f"memory growth in MB: {growth}, {pages} pages")
    for name, peak in peaks.items():
        assert peak - before[name] < MEMORY_GROWTH_LIMIT, f"{name} grew {growth[name]} MB"


def test_a_command_that_never_ends_times_out_and_its_processes_are_gone(
    fault_server: Server, runner: subprocess.Popen[bytes], tmp_path: Path
) -> None:
    pids = tmp_path / "pids"
    no_source_project(
        fault_server,
        "endless",
        buildspec(
            f"sleep 1000 & echo $! >> {pids}",
            f"setsid sleep 1000 & echo $! >> {pids}",
            "echo waiting forever",
            f"sleep 1000 & echo $! >> {pids}; wait $!",
        ),
        timeoutInMinutes=5,  # 5 s here (FAULT_ENV)
    )
    build_id = fault_server.client("codebuild").start_build(projectName="endless")["build"]["id"]

    done = finished(fault_server, build_id, timeout=120)

    assert done["buildStatus"] == "TIMED_OUT"
    by_type = {p["phaseType"]: p for p in done["phases"]}
    assert by_type["BUILD"]["phaseStatus"] == "TIMED_OUT"
    assert by_type["BUILD"]["contexts"] == [{"statusCode": "BUILD_TIMED_OUT", "message": "Build timed out"}]
    assert "POST_BUILD" not in by_type
    assert by_type["FINALIZING"]["phaseStatus"] == "SUCCEEDED"
    started = [int(pid) for pid in pids.read_text().split()]
    assert len(started) == 3
    until(lambda: not any(_alive(pid) for pid in started), timeout=30, what="the build's processes ending")


def _alive(pid: int) -> bool:
    """Whether the build's `sleep 1000` of that pid runs (a zombie has ended; a reused pid runs another program)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
        command = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False
    state = next(line for line in status.splitlines() if line.startswith("State:"))
    return "zombie" not in state and command == b"sleep\x001000\x00"


PASSWORD = "pw-Xq7!dF93kLm"  # a PARAMETER_STORE project variable
API_KEY = "key-8sJ2mQ0vRt"  # a SECRETS_MANAGER project variable (a JSON key)
TOKEN = "tok-Zc4Wn6pYe1"  # a parameter-store reference of the buildspec
CERT = "-----BEGIN CERT-----\nMIIBszCCAVmgAwIBAgIU\nQ2xvdWRZYXJkVGVzdA==\n-----END CERT-----"  # multi-line
SECRETS = [PASSWORD, API_KEY, TOKEN, *CERT.splitlines()]
# The ten ways: alone; inside other text; several times on a line, touching; on stderr; in a `set -x`
# trace; in `env`; a multi-line value; in a command's error message; copied into an exported
# variable; across the 256 KiB cut of a very long line (and piped to stdout and stderr at once).
# Secrets written literally into a buildspec are not among them: the buildspec is shown as given.
TEN_WAYS_SPEC = """version: 0.2
env:
  parameter-store:
    TOKEN: /ci/token
  secrets-manager:
    CERT: ci-cert
  exported-variables:
    - COPY_OF_KEY
phases:
  build:
    commands:
      - echo "$PASSWORD"
      - echo "the password is $PASSWORD, keep it"
      - echo "$PASSWORD$PASSWORD and $PASSWORD"
      - echo "$API_KEY" >&2
      - set -x; true "$TOKEN"; set +x
      - env | sort
      - printf '%s\\n' "$CERT"
      - ls "/nonexistent/$API_KEY" || true
      - export COPY_OF_KEY="$API_KEY"
      - printf '%*s%s after the cut\\n' 262140 '' "$PASSWORD"
  post_build:
    commands:
      - echo "$TOKEN" | tee /dev/stderr; false
"""


def test_a_secret_printed_in_ten_ways_is_never_visible(server: Server) -> None:
    server.client("ssm").put_parameter(Name="/ci/password", Value=PASSWORD, Type="SecureString")
    server.client("ssm").put_parameter(Name="/ci/token", Value=TOKEN, Type="SecureString")
    secrets = server.client("secretsmanager")
    secrets.create_secret(Name="ci-api", SecretString=json.dumps({"key": API_KEY}))
    secrets.create_secret(Name="ci-cert", SecretString=CERT)
    variables = [
        {"name": "PASSWORD", "value": "/ci/password", "type": "PARAMETER_STORE"},
        {"name": "API_KEY", "value": "ci-api:key", "type": "SECRETS_MANAGER"},
    ]
    no_source_project(
        server, "secretive", TEN_WAYS_SPEC, environment={**ENVIRONMENT, "environmentVariables": variables}
    )
    build_id = server.client("codebuild").start_build(projectName="secretive")["build"]["id"]

    done = finished(server, build_id)

    assert done["buildStatus"] == "FAILED"  # post_build fails
    logs = server.client("logs")
    group, stream = done["logs"]["groupName"], done["logs"]["streamName"]
    lines = [e["message"] for page in _stream_pages(server, done) for e in page]
    text = "\n".join(lines)
    assert "the password is ***, keep it" in lines  # the build ran and printed, masked
    assert "****** and ***" in lines
    assert any(line.endswith("+ true ***") for line in lines)  # set -x
    assert "COPY_OF_KEY=***" not in lines  # env ran before the export
    assert "API_KEY=***" in lines
    assert lines.count("***") >= 8  # PASSWORD, API_KEY on stderr, CERT's four lines, TOKEN twice
    assert any(line.endswith("*** after the cut") for line in lines)  # a line over 256 KiB, in pieces
    assert done["exportedEnvironmentVariables"] == [{"name": "COPY_OF_KEY", "value": "***"}]
    filtered = logs.filter_log_events(logGroupName=group, logStreamNames=[stream])["events"]
    searched = [logs.filter_log_events(logGroupName=group, filterPattern=f'"{s}"')["events"] for s in SECRETS]
    tail = _tail(server, group)
    visible = {
        "GetLogEvents": text,
        "FilterLogEvents": json.dumps(filtered),
        "BatchGetBuilds": json.dumps(
            server.client("codebuild").batch_get_builds(ids=[build_id]), default=str
        ),
        "aws codebuild batch-get-builds": server.aws(
            "codebuild", "batch-get-builds", "--ids", build_id
        ).stdout,
        "events": json.dumps(server.events("aws.codebuild")),
        "aws logs tail": tail,
    }
    assert searched == [[]] * len(SECRETS)
    for where, shown in visible.items():
        for secret in SECRETS:
            at = shown.find(secret)
            assert at < 0, f"{secret!r} is visible in {where}: …{shown[max(0, at - 200) : at + 50]}…"
    assert "the password is ***, keep it" in tail


def _tail(server: Server, group: str) -> str:
    """What `aws logs tail` (AWS CLI v2) prints of the group."""
    aws = aws_v2()
    assert aws is not None, (
        "needs AWS CLI v2 on PATH (scripts/install-system-deps.sh installs Debian's awscli)"
    )
    command = [str(aws), "--endpoint-url", server.endpoint, "logs", "tail", group, "--since", "1d"]
    shown = subprocess.run(
        command, capture_output=True, text=True, env=server.aws_env(), timeout=120, check=True
    )
    return shown.stdout


def test_a_server_killed_mid_log_and_restarted_loses_no_line(
    fault_server: Server, runner: subprocess.Popen[bytes]
) -> None:
    count = 100_000
    no_source_project(
        fault_server, "streaming", buildspec(f"seq -f 'line %.0f' 1 {count}", "echo after-the-flood")
    )
    build_id = fault_server.client("codebuild").start_build(projectName="streaming")["build"]["id"]
    logs = fault_server.client("logs")

    def some_lines() -> bool:
        try:
            found = logs.filter_log_events(logGroupName="/aws/codebuild/streaming", filterPattern='"line 1"')
        except logs.exceptions.ResourceNotFoundException:
            return False  # no line yet
        return bool(found["events"])

    until(some_lines, what="the first lines stored")
    fault_server.stop(signal.SIGKILL)  # mid-stream or just after: the runner holds what it has not sent
    fault_server.start()

    done = finished(fault_server, build_id, timeout=300)

    assert done["buildStatus"] == "SUCCEEDED", done["phases"]
    numbers = set()
    for page in _stream_pages(fault_server, done):
        numbers |= {int(e["message"][5:]) for e in page if e["message"].startswith("line ")}
    # A chunk stored but not recorded when the server died is stored again: twice, never zero times.
    assert numbers == set(range(1, count + 1))
    assert runner.poll() is None  # the runner went on through the restart
