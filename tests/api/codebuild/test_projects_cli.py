"""CodeBuild projects through the real aws CLI."""

from __future__ import annotations

import json

from tests.api.codebuild.support import ROLE, arn
from tests.support.server import Server


def test_through_the_aws_cli(server: Server) -> None:
    created = json.loads(
        server.aws(
            "codebuild",
            "create-project",
            "--name",
            "cli-project",
            "--source",
            "type=NO_SOURCE,buildspec=version: 0.2",
            "--artifacts",
            "type=NO_ARTIFACTS",
            "--environment",
            "type=LINUX_CONTAINER,image=aws/codebuild/standard:7.0,computeType=BUILD_GENERAL1_SMALL",
            "--service-role",
            ROLE,
            "--tags",
            "key=team,value=core",
        ).stdout
    )["project"]
    assert created["arn"] == arn("cli-project")
    assert created["source"] == {"type": "NO_SOURCE", "buildspec": "version: 0.2", "insecureSsl": False}
    assert created["tags"] == [{"key": "team", "value": "core"}]
    server.aws("codebuild", "update-project", "--name", "cli-project", "--timeout-in-minutes", "20")
    got = json.loads(
        server.aws("codebuild", "batch-get-projects", "--names", "cli-project", "missing").stdout
    )
    assert got["projects"][0]["timeoutInMinutes"] == 20
    assert got["projectsNotFound"] == ["missing"]
    listed = json.loads(server.aws("codebuild", "list-projects", "--sort-by", "NAME").stdout)
    assert listed["projects"] == ["cli-project"]
    assert server.aws("codebuild", "delete-project", "--name", "cli-project").stdout.strip() in ("", "{}")
    duplicate = server.aws(
        "codebuild",
        "update-project",
        "--name",
        "cli-project",
        "--description",
        "gone",
        check=False,
    )
    assert duplicate.returncode != 0
    assert "ResourceNotFoundException" in duplicate.stderr
