"""UpdateProjectVisibility through boto3 and the aws CLI: the visibility, the public alias and the
resource access role, as BatchGetProjects answers them."""

from __future__ import annotations

import json
import re

from tests.api.codebuild.support import ACCOUNT, arn, create, refused
from tests.api.test_protocol import unvalidated
from tests.support.server import Server

READER = f"arn:aws:iam::{ACCOUNT}:role/public-reader"
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")


def test_public_read_gives_a_stable_alias_shown_by_batch_get(server: Server) -> None:
    codebuild = server.client("codebuild")
    created = create(server, "shown")
    assert created["projectVisibility"] == "PRIVATE"
    assert "publicProjectAlias" not in created
    assert "resourceAccessRole" not in created
    answer = codebuild.update_project_visibility(
        projectArn=arn("shown"), projectVisibility="PUBLIC_READ", resourceAccessRole=READER
    )
    alias = answer["publicProjectAlias"]
    assert UUID.fullmatch(alias)
    assert answer["projectArn"] == arn("shown")
    assert answer["projectVisibility"] == "PUBLIC_READ"
    project = codebuild.batch_get_projects(names=["shown"])["projects"][0]
    assert project["projectVisibility"] == "PUBLIC_READ"
    assert project["publicProjectAlias"] == alias
    assert project["resourceAccessRole"] == READER
    assert project["lastModified"] >= created["lastModified"]
    # Back to PRIVATE, then public again: the alias and the role are kept.
    private = codebuild.update_project_visibility(projectArn=arn("shown"), projectVisibility="PRIVATE")
    assert private["projectVisibility"] == "PRIVATE"
    again = codebuild.update_project_visibility(projectArn=arn("shown"), projectVisibility="PUBLIC_READ")
    assert again["publicProjectAlias"] == alias
    # UpdateProject leaves the members UpdateProjectVisibility set.
    updated = codebuild.update_project(name="shown", description="still public")["project"]
    assert updated["projectVisibility"] == "PUBLIC_READ"
    assert updated["publicProjectAlias"] == alias
    assert updated["resourceAccessRole"] == READER
    assert updated["description"] == "still public"


def test_each_project_gets_its_own_alias(server: Server) -> None:
    codebuild = server.client("codebuild")
    for name in ("one", "two"):
        create(server, name)
    aliases = {
        codebuild.update_project_visibility(projectArn=arn(name), projectVisibility="PUBLIC_READ")[
            "publicProjectAlias"
        ]
        for name in ("one", "two")
    }
    assert len(aliases) == 2


def test_refusals(server: Server) -> None:
    codebuild = server.client("codebuild")
    create(server, "kept")
    code, message = refused(
        codebuild.update_project_visibility, projectArn=arn("missing"), projectVisibility="PUBLIC_READ"
    )
    assert code == "ResourceNotFoundException"
    assert arn("missing") in message
    code, message = refused(
        codebuild.update_project_visibility,
        projectArn=arn("kept"),
        projectVisibility="PUBLIC_READ",
        resourceAccessRole="not-a-role",
    )
    assert code == "InvalidInputException"
    assert "resourceAccessRole" in message
    code, _ = refused(
        unvalidated(server, "codebuild").update_project_visibility,
        projectArn=arn("kept"),
        projectVisibility="SHARED",
    )
    assert code in ("InvalidInputException", "ValidationException")
    # Nothing of a refused call was kept.
    project = codebuild.batch_get_projects(names=["kept"])["projects"][0]
    assert project["projectVisibility"] == "PRIVATE"
    assert "publicProjectAlias" not in project
    assert "resourceAccessRole" not in project


def test_through_the_aws_cli(server: Server) -> None:
    create(server, "cli-public")
    answer = json.loads(
        server.aws(
            "codebuild",
            "update-project-visibility",
            "--project-arn",
            arn("cli-public"),
            "--project-visibility",
            "PUBLIC_READ",
            "--resource-access-role",
            READER,
        ).stdout
    )
    assert answer["projectVisibility"] == "PUBLIC_READ"
    assert UUID.fullmatch(answer["publicProjectAlias"])
    missing = server.aws(
        "codebuild",
        "update-project-visibility",
        "--project-arn",
        arn("absent"),
        "--project-visibility",
        "PRIVATE",
        check=False,
    )
    assert missing.returncode != 0
    assert "ResourceNotFoundException" in missing.stderr
