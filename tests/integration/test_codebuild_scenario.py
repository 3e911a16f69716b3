"""A CodeBuild day with the real tools only: a repository made with the `aws` CLI and pushed to with
git, a project building it into an S3 artifact, the build followed with `aws logs tail --follow`,
its phases, artifact, test report and exported variables read back, a long build stopped, a build retried, the
project's builds listed and deleted."""

from __future__ import annotations

import hashlib
import json
import queue
import subprocess
import threading
import time
import zipfile
from pathlib import Path
from typing import Any

from tests.integration.git.conftest import git_user
from tests.integration.runner.builds_support import ROLE, until
from tests.support.aws_cli import aws_v2
from tests.support.git import git
from tests.support.iam import allow
from tests.support.server import Server

FOLLOW_DEADLINE = 120.0  # seconds; `aws logs tail --follow` polls every few seconds
BUILDSPEC = """version: 0.2
env:
  exported-variables:
    - APP_VERSION
phases:
  build:
    commands:
      - export APP_VERSION="1.0.$CODEBUILD_BUILD_NUMBER"
      - mkdir -p dist && cp app.txt dist/ && echo "$APP_VERSION" > dist/version.txt
      - for step in compile test package; do echo "step $step of $APP_VERSION"; done
      - if [ -n "$SLOW" ]; then echo "a slow build"; sleep 1000; fi
artifacts:
  files:
    - dist/*
reports:
  unit:
    base-directory: results
    files:
      - junit.xml
"""
JUNIT = """<?xml version="1.0"?>
<testsuite name="unit" tests="2" failures="1" time="0.5">
  <testcase classname="webapp.Cart" name="adds" time="0.25"/>
  <testcase classname="webapp.Cart" name="pays" time="0.25"><failure message="declined">card</failure></testcase>
</testsuite>
"""


def _aws(server: Server, key: str, secret: str, *args: str, check: bool = True) -> Any:
    answer = server.aws(*args, key=key, secret=secret, check=check)
    return json.loads(answer.stdout) if check and answer.stdout.strip() else answer


def _follow(server: Server, key: str, secret: str, group: str, build_done: Any) -> list[str]:
    """The messages `aws logs tail --follow` prints of the group until the build is done (bounded)."""
    aws = aws_v2()
    assert aws is not None, (
        "needs AWS CLI v2 on PATH (scripts/install-system-deps.sh installs Debian's awscli)"
    )
    env = {**server.aws_env(key=key, secret=secret), "PYTHONUNBUFFERED": "1"}
    command = [
        str(aws),
        "--endpoint-url",
        server.endpoint,
        "logs",
        "tail",
        group,
        "--follow",
        "--format",
        "short",
    ]
    lines: queue.Queue[str] = queue.Queue()
    seen: list[str] = []
    with subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env
    ) as tail:

        def read() -> None:
            assert tail.stdout is not None
            for line in tail.stdout:
                lines.put(line.rstrip("\n"))

        reader = threading.Thread(target=read, daemon=True)
        reader.start()
        deadline = time.monotonic() + FOLLOW_DEADLINE
        try:
            # The engine's last line of a build is FINALIZING's context; wait for it to be printed.
            while not (any("Phase complete: FINALIZING" in line for line in seen) and build_done()):
                assert time.monotonic() < deadline, f"tail --follow printed {seen}"
                try:
                    seen.append(lines.get(timeout=1.0))
                except queue.Empty:
                    continue
        finally:
            tail.terminate()
            tail.wait(timeout=20)
            reader.join(timeout=20)
    return [line.split(" ", 1)[-1] for line in seen]


def test_push_build_follow_stop_retry_with_the_aws_cli(server: Server, tmp_path: Path) -> None:
    dev = git_user(server, "dev", allow(["codecommit:*", "codebuild:*", "logs:*"]))
    key, secret = dev.identity.key, dev.identity.secret

    def aws(*args: str) -> Any:
        return _aws(server, key, secret, *args)

    clone_url = aws("codecommit", "create-repository", "--repository-name", "webapp")["repositoryMetadata"][
        "cloneUrlHttp"
    ]
    git(tmp_path, "clone", "-q", dev.url("webapp"), "work")
    work = tmp_path / "work"
    (work / "buildspec.yml").write_text(BUILDSPEC)
    (work / "app.txt").write_text("the app\n")
    (work / "results").mkdir()
    (work / "results" / "junit.xml").write_text(JUNIT)
    git(work, "add", "buildspec.yml", "app.txt", "results/junit.xml")
    git(work, "commit", "-q", "-m", "app and buildspec")
    git(work, "push", "-q", "origin", "HEAD:main")
    commit = git(work, "rev-parse", "HEAD").stdout.strip()

    project = aws(
        "codebuild",
        "create-project",
        "--name",
        "webapp-build",
        "--source",
        f"type=CODECOMMIT,location={clone_url}",
        "--source-version",
        "refs/heads/main",
        "--artifacts",
        "type=S3,location=webapp-artifacts,path=builds,name=webapp.zip,packaging=ZIP,namespaceType=BUILD_ID",
        "--environment",
        "type=LINUX_CONTAINER,image=aws/codebuild/standard:7.0,computeType=BUILD_GENERAL1_SMALL",
        "--service-role",
        ROLE,
    )["project"]
    assert project["source"]["location"] == clone_url

    def build(build_id: str) -> dict[str, Any]:
        found: dict[str, Any] = aws("codebuild", "batch-get-builds", "--ids", build_id)["builds"][0]
        return found

    started = aws("codebuild", "start-build", "--project-name", "webapp-build")["build"]
    build_id = started["id"]
    assert started["buildStatus"] == "IN_PROGRESS"
    group = started["logs"]["groupName"]
    assert group == "/aws/codebuild/webapp-build"
    until(
        lambda: [g for g in aws("logs", "describe-log-groups")["logGroups"] if g["logGroupName"] == group],
        what="the build's log group",
    )
    followed = _follow(server, key, secret, group, lambda: build(build_id)["buildComplete"])

    assert [line for line in followed if line.startswith("step ")] == [
        "step compile of 1.0.1",
        "step test of 1.0.1",
        "step package of 1.0.1",
    ]
    done = build(build_id)
    assert done["buildStatus"] == "SUCCEEDED", done["phases"]
    assert [p["phaseType"] for p in done["phases"]] == [
        "SUBMITTED",
        "QUEUED",
        "PROVISIONING",
        "DOWNLOAD_SOURCE",
        "INSTALL",
        "PRE_BUILD",
        "BUILD",
        "POST_BUILD",
        "UPLOAD_ARTIFACTS",
        "FINALIZING",
        "COMPLETED",
    ]
    assert done["resolvedSourceVersion"] == commit
    assert done["sourceVersion"] == "refs/heads/main"
    assert done["exportedEnvironmentVariables"] == [{"name": "APP_VERSION", "value": "1.0.1"}]
    uuid = build_id.split(":")[1]
    assert done["logs"]["streamName"] == uuid
    assert done["logs"]["deepLink"] == (
        "https://console.aws.amazon.com/cloudwatch/home?region=us-east-1"
        f"#logsV2:log-groups/log-group/$252Faws$252Fcodebuild$252Fwebapp-build/log-events/{uuid}"
    )
    assert done["logs"]["cloudWatchLogsArn"] == (
        f"arn:aws:logs:us-east-1:000000000000:log-group:{group}:log-stream:{uuid}"
    )
    # No S3 API yet: the artifact is read where the server keeps it (docs/behaviour.md, Artifacts).
    assert done["artifacts"]["location"] == f"arn:aws:s3:::webapp-artifacts/builds/{uuid}/webapp.zip"
    kept = server.data_dir / "artifacts" / "webapp-artifacts" / "builds" / uuid / "webapp.zip"
    assert done["artifacts"]["sha256sum"] == hashlib.sha256(kept.read_bytes()).hexdigest()
    assert done["artifacts"]["md5sum"] == hashlib.md5(kept.read_bytes()).hexdigest()
    with zipfile.ZipFile(kept) as archive:
        assert sorted(archive.namelist()) == ["dist/app.txt", "dist/version.txt"]
        assert archive.read("dist/version.txt") == b"1.0.1\n"

    [report_arn] = done["reportArns"]
    [report] = aws("codebuild", "batch-get-reports", "--report-arns", report_arn)["reports"]
    assert report["reportGroupArn"].endswith(":report-group/webapp-build-unit")
    assert (report["status"], report["executionId"]) == ("FAILED", done["arn"])  # one case failed
    assert report["testSummary"]["statusCounts"]["FAILED"] == 1
    cases = aws("codebuild", "describe-test-cases", "--report-arn", report_arn)["testCases"]
    assert sorted((c["prefix"], c["name"], c["status"]) for c in cases) == [
        ("webapp.Cart", "adds", "SUCCEEDED"),
        ("webapp.Cart", "pays", "FAILED"),
    ]

    slow_id = aws(
        "codebuild",
        "start-build",
        "--project-name",
        "webapp-build",
        "--environment-variables-override",
        "name=SLOW,value=yes,type=PLAINTEXT",
    )["build"]["id"]
    until(
        lambda: aws(
            "logs",
            "filter-log-events",
            "--log-group-name",
            group,
            "--log-stream-names",
            slow_id.split(":")[1],
            "--filter-pattern",
            '"a slow build"',
        )["events"],
        what="the slow build's sleep",
    )
    asked = aws("codebuild", "stop-build", "--id", slow_id)["build"]
    assert asked["id"] == slow_id
    stopped = until(lambda: (b := build(slow_id))["buildComplete"] and b, what="the stop")
    assert stopped["buildStatus"] == "STOPPED"
    build_phase = next(p for p in stopped["phases"] if p["phaseType"] == "BUILD")
    assert build_phase["phaseStatus"] == "STOPPED"
    assert build_phase["contexts"][0]["statusCode"] == "BUILD_STOPPED"
    refused = server.aws("codebuild", "stop-build", "--id", slow_id, key=key, secret=secret, check=False)
    assert refused.returncode != 0
    assert "InvalidInputException" in refused.stderr

    retried = aws("codebuild", "retry-build", "--id", build_id)["build"]
    assert retried["id"] != build_id
    assert retried["buildNumber"] == 3
    again = until(lambda: (b := build(retried["id"]))["buildComplete"] and b, what="the retried build")
    assert again["buildStatus"] == "SUCCEEDED", again["phases"]
    assert again["resolvedSourceVersion"] == commit
    assert again["exportedEnvironmentVariables"] == [{"name": "APP_VERSION", "value": "1.0.3"}]

    listed = aws("codebuild", "list-builds-for-project", "--project-name", "webapp-build")["ids"]
    assert listed == [retried["id"], slow_id, build_id]
    deleted = aws("codebuild", "batch-delete-builds", "--ids", build_id, slow_id, "webapp-build:missing")
    assert sorted(deleted["buildsDeleted"]) == sorted([build_id, slow_id])
    assert deleted["buildsNotDeleted"] == [{"id": "webapp-build:missing", "statusCode": "BUILD_NOT_FOUND"}]
    remaining = aws("codebuild", "list-builds-for-project", "--project-name", "webapp-build")["ids"]
    assert remaining == [retried["id"]]
    # The log stream of a deleted build stays, as on AWS.
    streams = aws("logs", "describe-log-streams", "--log-group-name", group)["logStreams"]
    assert uuid in [s["logStreamName"] for s in streams]
