"""CodeBuild builds through the real aws CLI: every builds operation, its answers and its refusals."""

from __future__ import annotations

import json
from typing import Any

from tests.api.codebuild.support import ROLE
from tests.integration.runner.builds_support import until
from tests.support.server import Server

SPEC = 'version: 0.2\nphases:\n  build:\n    commands:\n      - echo "greeting=$GREETING"\n'


def _json(server: Server, *args: str) -> Any:
    return json.loads(server.aws("codebuild", *args).stdout)


def _refused(server: Server, *args: str) -> str:
    answer = server.aws("codebuild", *args, check=False)
    assert answer.returncode != 0, answer.stdout
    return answer.stderr


def _finished(server: Server, build_id: str) -> dict[str, Any]:
    done: dict[str, Any] = until(
        lambda: (
            (b := _json(server, "batch-get-builds", "--ids", build_id)["builds"][0])["buildComplete"] and b
        ),
        what=f"the end of {build_id}",
    )
    return done


def test_every_builds_operation_through_the_aws_cli(server: Server) -> None:
    server.aws(
        "codebuild",
        "create-project",
        "--name",
        "cli-builds",
        "--source",
        json.dumps({"type": "NO_SOURCE", "buildspec": SPEC}),
        "--artifacts",
        "type=NO_ARTIFACTS",
        "--environment",
        "type=LINUX_CONTAINER,image=aws/codebuild/standard:7.0,computeType=BUILD_GENERAL1_SMALL,"
        "environmentVariables=[{name=GREETING,value=project}]",
        "--service-role",
        ROLE,
    )

    started = _json(
        server,
        "start-build",
        "--project-name",
        "cli-builds",
        "--environment-variables-override",
        "name=GREETING,value=override,type=PLAINTEXT",
        "--timeout-in-minutes-override",
        "30",
        "--idempotency-token",
        "token-1",
    )["build"]
    same = _json(
        server,
        "start-build",
        "--project-name",
        "cli-builds",
        "--environment-variables-override",
        "name=GREETING,value=override,type=PLAINTEXT",
        "--timeout-in-minutes-override",
        "30",
        "--idempotency-token",
        "token-1",
    )["build"]
    assert same["id"] == started["id"]
    assert started["buildNumber"] == 1
    assert started["timeoutInMinutes"] == 30
    assert started["environment"]["environmentVariables"] == [
        {"name": "GREETING", "value": "override", "type": "PLAINTEXT"}
    ]
    first = _finished(server, started["id"])
    assert first["buildStatus"] == "SUCCEEDED"
    assert first["currentPhase"] == "COMPLETED"

    retried = _json(server, "retry-build", "--id", started["id"])["build"]
    assert retried["buildNumber"] == 2
    assert retried["environment"]["environmentVariables"][0]["value"] == "override"
    _finished(server, retried["id"])

    got = _json(server, "batch-get-builds", "--ids", started["id"], "cli-builds:missing")
    assert [b["id"] for b in got["builds"]] == [started["id"]]
    assert got["buildsNotFound"] == ["cli-builds:missing"]
    newest_first = [retried["id"], started["id"]]
    assert _json(server, "list-builds")["ids"] == newest_first
    assert _json(server, "list-builds", "--sort-order", "ASCENDING")["ids"] == newest_first[::-1]
    assert _json(server, "list-builds-for-project", "--project-name", "cli-builds")["ids"] == newest_first
    ascending = _json(
        server, "list-builds-for-project", "--project-name", "cli-builds", "--sort-order", "ASCENDING"
    )
    assert ascending["ids"] == newest_first[::-1]

    assert "InvalidInputException" in _refused(server, "stop-build", "--id", started["id"])
    assert "ResourceNotFoundException" in _refused(server, "stop-build", "--id", "cli-builds:missing")
    assert "ResourceNotFoundException" in _refused(server, "retry-build", "--id", "cli-builds:missing")
    assert "ResourceNotFoundException" in _refused(server, "start-build", "--project-name", "missing")
    assert "ResourceNotFoundException" in _refused(
        server, "list-builds-for-project", "--project-name", "missing"
    )

    deleted = _json(server, "batch-delete-builds", "--ids", started["id"], "cli-builds:missing")
    assert deleted["buildsDeleted"] == [started["id"]]
    assert deleted["buildsNotDeleted"] == [{"id": "cli-builds:missing", "statusCode": "BUILD_NOT_FOUND"}]
    assert _json(server, "list-builds-for-project", "--project-name", "cli-builds")["ids"] == [retried["id"]]
