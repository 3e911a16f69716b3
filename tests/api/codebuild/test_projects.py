"""CodeBuild projects through boto3: create with AWS's defaults, update, delete, batch get."""

from __future__ import annotations

from datetime import datetime

from tests.api.codebuild.support import (
    ACCOUNT,
    ENVIRONMENT,
    NO_ARTIFACTS,
    NO_SOURCE,
    ROLE,
    arn,
    create,
    refused,
)
from tests.api.test_protocol import unvalidated
from tests.support.server import Server


def test_create_fills_the_defaults(server: Server) -> None:
    project = create(server, "hello", description="says hello")
    assert project["name"] == "hello"
    assert project["arn"] == arn("hello")
    assert project["description"] == "says hello"
    assert project["source"] == {**NO_SOURCE, "insecureSsl": False}
    assert project["artifacts"] == NO_ARTIFACTS
    assert project["secondarySources"] == project["secondaryArtifacts"] == []
    assert project["secondarySourceVersions"] == []
    assert project["cache"] == {"type": "NO_CACHE"}
    assert project["environment"] == {
        **ENVIRONMENT,
        "environmentVariables": [],
        "privilegedMode": False,
        "imagePullCredentialsType": "CODEBUILD",
    }
    assert project["serviceRole"] == ROLE
    assert project["timeoutInMinutes"] == 60
    assert project["queuedTimeoutInMinutes"] == 480
    assert project["encryptionKey"] == f"arn:aws:kms:us-east-1:{ACCOUNT}:alias/aws/s3"
    assert project["badge"] == {"badgeEnabled": False}
    assert project["projectVisibility"] == "PRIVATE"
    assert project["logsConfig"] == {
        "cloudWatchLogs": {"status": "ENABLED"},
        "s3Logs": {"status": "DISABLED", "encryptionDisabled": False},
    }
    assert project["tags"] == []
    assert isinstance(project["created"], datetime)
    assert project["created"] == project["lastModified"]
    assert "concurrentBuildLimit" not in project
    got = server.client("codebuild").batch_get_projects(names=["hello"])
    assert got["projects"] == [project]
    assert got["projectsNotFound"] == []


def test_create_keeps_what_is_given(server: Server) -> None:
    variables = [
        {"name": "STAGE", "value": "prod"},
        {"name": "DB_PASSWORD", "value": "/app/db/password", "type": "PARAMETER_STORE"},
        {"name": "TOKEN", "value": "app/token:api_key", "type": "SECRETS_MANAGER"},
    ]
    project = create(
        server,
        "full",
        source={
            "type": "CODECOMMIT",
            "location": "https://git-codecommit.us-east-1.amazonaws.com/v1/repos/app",
            "gitCloneDepth": 1,
            "buildspec": "ci/buildspec.yml",
        },
        sourceVersion="refs/heads/main",
        secondarySources=[
            {"type": "CODECOMMIT", "location": f"{server.endpoint}/v1/repos/lib", "sourceIdentifier": "lib"},
            {"type": "S3", "location": "artifacts/inputs/data.zip", "sourceIdentifier": "data"},
        ],
        secondarySourceVersions=[{"sourceIdentifier": "lib", "sourceVersion": "v1.2.0"}],
        artifacts={"type": "S3", "location": "build-output", "packaging": "ZIP"},
        secondaryArtifacts=[{"type": "S3", "location": "reports", "artifactIdentifier": "reports"}],
        cache={"type": "LOCAL", "modes": ["LOCAL_SOURCE_CACHE", "LOCAL_CUSTOM_CACHE"]},
        environment={**ENVIRONMENT, "environmentVariables": variables, "privilegedMode": True},
        timeoutInMinutes=30,
        queuedTimeoutInMinutes=15,
        encryptionKey="alias/my-key",
        tags=[{"key": "team", "value": "core"}, {"key": "cost", "value": "ci"}],
        logsConfig={"cloudWatchLogs": {"status": "ENABLED", "groupName": "builds"}},
        concurrentBuildLimit=2,
        badgeEnabled=True,
    )
    assert project["source"]["gitCloneDepth"] == 1
    assert project["source"]["buildspec"] == "ci/buildspec.yml"
    assert project["sourceVersion"] == "refs/heads/main"
    assert [s["sourceIdentifier"] for s in project["secondarySources"]] == ["lib", "data"]
    assert project["secondarySourceVersions"] == [{"sourceIdentifier": "lib", "sourceVersion": "v1.2.0"}]
    assert project["artifacts"] == {
        "type": "S3",
        "location": "build-output",
        "packaging": "ZIP",
        "namespaceType": "NONE",
        "name": "full",
        "encryptionDisabled": False,
    }
    assert project["secondaryArtifacts"][0]["artifactIdentifier"] == "reports"
    assert project["cache"] == {"type": "LOCAL", "modes": ["LOCAL_SOURCE_CACHE", "LOCAL_CUSTOM_CACHE"]}
    assert project["environment"]["environmentVariables"] == [
        {"name": "STAGE", "value": "prod", "type": "PLAINTEXT"},
        *variables[1:],
    ]
    assert project["environment"]["privilegedMode"] is True
    assert (project["timeoutInMinutes"], project["queuedTimeoutInMinutes"]) == (30, 15)
    assert project["encryptionKey"] == "alias/my-key"
    assert project["tags"] == [{"key": "team", "value": "core"}, {"key": "cost", "value": "ci"}]
    assert project["logsConfig"]["cloudWatchLogs"] == {"status": "ENABLED", "groupName": "builds"}
    assert project["concurrentBuildLimit"] == 2
    assert project["badge"]["badgeEnabled"] is True
    assert project["badge"]["badgeRequestUrl"].startswith(f"{server.endpoint}/badges?uuid=")


def test_duplicate_names(server: Server) -> None:
    create(server, "twice")
    code, message = refused(
        server.client("codebuild").create_project,
        name="twice",
        source=NO_SOURCE,
        artifacts=NO_ARTIFACTS,
        environment=ENVIRONMENT,
        serviceRole=ROLE,
    )
    assert (code, message) == ("ResourceAlreadyExistsException", f"Project already exists: {arn('twice')}")
    create(server, "Twice")  # names are case-sensitive


def test_update_changes_only_what_is_given(server: Server) -> None:
    cb = server.client("codebuild")
    created = create(
        server,
        "evolving",
        description="first",
        tags=[{"key": "team", "value": "core"}],
        concurrentBuildLimit=3,
        environment={**ENVIRONMENT, "environmentVariables": [{"name": "A", "value": "1"}]},
    )
    updated = cb.update_project(name="evolving", timeoutInMinutes=90, description="second")["project"]
    assert (updated["timeoutInMinutes"], updated["description"]) == (90, "second")
    assert updated["created"] == created["created"]
    assert updated["lastModified"] >= created["lastModified"]
    unchanged = {
        k: v for k, v in created.items() if k not in ("timeoutInMinutes", "description", "lastModified")
    }
    assert {k: updated[k] for k in unchanged} == unchanged
    environment = {**ENVIRONMENT, "computeType": "BUILD_GENERAL1_LARGE"}
    replaced = cb.update_project(
        name=arn("evolving"),
        environment=environment,
        tags=[{"key": "stage", "value": "beta"}],
        concurrentBuildLimit=-1,
        badgeEnabled=True,
    )["project"]
    assert replaced["environment"]["computeType"] == "BUILD_GENERAL1_LARGE"
    assert replaced["environment"]["environmentVariables"] == []  # a given member replaces the stored one
    assert replaced["tags"] == [{"key": "stage", "value": "beta"}]
    assert "concurrentBuildLimit" not in replaced
    badge = replaced["badge"]
    assert badge["badgeEnabled"] is True
    again = cb.update_project(name="evolving", badgeEnabled=True)["project"]
    assert again["badge"] == badge  # the badge keeps its address
    assert cb.update_project(name="evolving", badgeEnabled=False)["project"]["badge"] == {
        "badgeEnabled": False
    }
    assert cb.batch_get_projects(names=["evolving"])["projects"][0]["timeoutInMinutes"] == 90


def test_update_of_a_missing_project(server: Server) -> None:
    code, message = refused(server.client("codebuild").update_project, name="ghost", description="x")
    assert (code, message) == ("ResourceNotFoundException", f"Project cannot be found: {arn('ghost')}")


def test_delete(server: Server) -> None:
    cb = server.client("codebuild")
    create(server, "doomed")
    create(server, "kept")
    assert cb.delete_project(name="doomed")["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert cb.list_projects()["projects"] == ["kept"]
    response = cb.delete_project(name="doomed")  # a missing project answers nothing
    assert {k for k in response if k != "ResponseMetadata"} == set()
    cb.delete_project(name=arn("kept"))
    assert cb.list_projects()["projects"] == []


def test_batch_get_by_names_and_arns(server: Server) -> None:
    cb = server.client("codebuild")
    create(server, "one")
    create(server, "two")
    got = cb.batch_get_projects(names=["one", arn("two"), "three", arn("four"), "one"])
    assert [p["name"] for p in got["projects"]] == ["one", "two"]
    assert got["projectsNotFound"] == ["three", arn("four")]
    other_region = cb.batch_get_projects(names=["arn:aws:codebuild:eu-west-1:000000000000:project/one"])
    assert other_region["projects"] == []
    code, _ = refused(unvalidated(server, "codebuild").batch_get_projects, names=[])
    assert code == "ValidationException"


def test_projects_belong_to_their_region(server: Server) -> None:
    create(server, "here")
    elsewhere = server.client("codebuild", region_name="eu-west-1")
    assert elsewhere.list_projects()["projects"] == []
    assert elsewhere.batch_get_projects(names=["here"])["projectsNotFound"] == ["here"]
