"""CodeBuild projects under IAM: each call is checked against the ARNs of the projects it names."""

from __future__ import annotations

from tests.api.codebuild.support import arn, create, refused
from tests.support.iam import allow, make_user
from tests.support.server import Server


def test_policies_name_projects_by_arn(server: Server) -> None:
    create(server, "mine")
    create(server, "theirs")
    user = make_user(
        server,
        "builder",
        allow(["codebuild:BatchGetProjects", "codebuild:UpdateProject"], arn("mine")),
        allow("codebuild:CreateProject", arn("new-*")),
    )
    cb = user.client("codebuild")
    assert [p["name"] for p in cb.batch_get_projects(names=["mine"])["projects"]] == ["mine"]
    assert cb.update_project(name="mine", description="ok")["project"]["description"] == "ok"
    code, _ = refused(cb.batch_get_projects, names=["mine", "theirs"])
    assert code == "AccessDeniedException"
    code, message = refused(cb.update_project, name="theirs", description="no")
    assert (code, arn("theirs") in message) == ("AccessDeniedException", True)
    code, _ = refused(cb.list_projects)
    assert code == "AccessDeniedException"
    created = cb.create_project(
        name="new-one",
        source={"type": "NO_SOURCE", "buildspec": "version: 0.2"},
        artifacts={"type": "NO_ARTIFACTS"},
        environment={"type": "LINUX_CONTAINER", "image": "img", "computeType": "BUILD_GENERAL1_SMALL"},
        serviceRole="arn:aws:iam::000000000000:role/cb",
    )
    assert created["project"]["arn"] == arn("new-one")
    code, _ = refused(cb.delete_project, name="new-one")
    assert code == "AccessDeniedException"
