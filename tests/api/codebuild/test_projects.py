"""CodeBuild projects through boto3 and the aws CLI: create, update, delete, batch get, list."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.api.test_protocol import unvalidated
from tests.support.server import Server

ACCOUNT = "000000000000"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/codebuild-service"
ENVIRONMENT = {
    "type": "LINUX_CONTAINER",
    "image": "aws/codebuild/standard:7.0",
    "computeType": "BUILD_GENERAL1_SMALL",
}
INLINE = "version: 0.2\nphases:\n  build:\n    commands:\n      - echo hello\n"
NO_SOURCE = {"type": "NO_SOURCE", "buildspec": INLINE}
NO_ARTIFACTS = {"type": "NO_ARTIFACTS"}


def arn(name: str) -> str:
    return f"arn:aws:codebuild:us-east-1:{ACCOUNT}:project/{name}"


def create(server: Server, name: str, **members: Any) -> dict[str, Any]:
    params: dict[str, Any] = {
        "name": name,
        "source": NO_SOURCE,
        "artifacts": NO_ARTIFACTS,
        "environment": ENVIRONMENT,
        "serviceRole": ROLE,
        **members,
    }
    project: dict[str, Any] = server.client("codebuild").create_project(**params)["project"]
    return project


def refused(call: Any, **params: Any) -> tuple[str, str]:
    with pytest.raises(ClientError) as excinfo:
        call(**params)
    error = excinfo.value.response["Error"]
    return str(error["Code"]), str(error["Message"])


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
        "overrideArtifactName": False,
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


def test_codepipeline_source_and_artifacts_go_together(server: Server) -> None:
    cb = server.client("codebuild")
    base = {"name": "piped", "environment": ENVIRONMENT, "serviceRole": ROLE}
    code, message = refused(
        cb.create_project, **base, source={"type": "CODEPIPELINE"}, artifacts=NO_ARTIFACTS
    )
    assert code == "InvalidInputException"
    assert "artifacts type must be CODEPIPELINE" in message
    code, message = refused(cb.create_project, **base, source=NO_SOURCE, artifacts={"type": "CODEPIPELINE"})
    assert code == "InvalidInputException"
    assert "source type must be CODEPIPELINE" in message
    project = cb.create_project(**base, source={"type": "CODEPIPELINE"}, artifacts={"type": "CODEPIPELINE"})
    assert project["project"]["artifacts"] == {
        "type": "CODEPIPELINE",
        "name": "piped",
        "packaging": "NONE",
        "encryptionDisabled": False,
    }
    # An update that would break the pair is refused and changes nothing.
    code, _ = refused(cb.update_project, name="piped", artifacts=NO_ARTIFACTS)
    assert code == "InvalidInputException"
    assert cb.batch_get_projects(names=["piped"])["projects"][0]["artifacts"]["type"] == "CODEPIPELINE"


@pytest.mark.parametrize(
    ("members", "words"),
    [
        ({"source": {"type": "NO_SOURCE"}}, "buildspec must be specified"),
        ({"source": {"type": "NO_SOURCE", "buildspec": "  "}}, "buildspec must be specified"),
        ({"source": {"type": "CODECOMMIT"}}, "location must be specified"),
        (
            {"source": {"type": "CODECOMMIT", "location": "https://example.com/app.git"}},
            "Invalid source location",
        ),
        (
            {
                "source": {
                    "type": "CODECOMMIT",
                    "location": "https://git-codecommit.eu-west-1.amazonaws.com/v1/repos/a",
                }
            },
            "Invalid source location",
        ),
        ({"source": {"type": "S3"}}, "location must be specified"),
        ({"source": {"type": "S3", "location": "bucket-only"}}, "Invalid source location"),
        ({"source": {"type": "GITHUB", "location": "https://github.com/a/b"}}, "not supported"),
        ({"artifacts": {"type": "S3"}}, "location must be specified for artifacts type S3"),
        ({"cache": {"type": "S3"}}, "location must be specified for cache type S3"),
        ({"cache": {"type": "LOCAL"}}, "modes must be specified"),
        ({"logsConfig": {"s3Logs": {"status": "ENABLED"}}}, "s3Logs location"),
        (
            {"environment": {**ENVIRONMENT, "environmentVariables": [{"name": "CODEBUILD_X", "value": "1"}]}},
            "CODEBUILD_",
        ),
        (
            {
                "environment": {
                    **ENVIRONMENT,
                    "environmentVariables": [{"name": "P", "value": "", "type": "PARAMETER_STORE"}],
                }
            },
            "PARAMETER_STORE",
        ),
        ({"environment": {**ENVIRONMENT, "computeType": "BUILD_LAMBDA_1GB"}}, "Invalid compute type"),
        (
            {"secondarySources": [{"type": "S3", "location": "b1c/k.zip"}]},
            "sourceIdentifier must be specified",
        ),
        (
            {
                "secondarySources": [
                    {"type": "S3", "location": "b1c/k.zip", "sourceIdentifier": "x"},
                    {"type": "S3", "location": "b1c/l.zip", "sourceIdentifier": "x"},
                ]
            },
            "duplicate sourceIdentifier",
        ),
        ({"secondarySourceVersions": [{"sourceIdentifier": "nope", "sourceVersion": "main"}]}, "nope"),
        ({"secondaryArtifacts": [{"type": "NO_ARTIFACTS"}]}, "artifactIdentifier must be specified"),
        ({"concurrentBuildLimit": 0}, "concurrentBuildLimit"),
        ({"autoRetryLimit": 11}, "autoRetryLimit"),
        ({"tags": [{"key": "aws:owner", "value": "x"}]}, "reserved"),
        ({"tags": [{"value": "x"}]}, "needs a key"),
    ],
)
def test_create_refuses_bad_definitions(server: Server, members: dict[str, Any], words: str) -> None:
    params = {
        "name": "bad",
        "source": NO_SOURCE,
        "artifacts": NO_ARTIFACTS,
        "environment": ENVIRONMENT,
        "serviceRole": ROLE,
        **members,
    }
    code, message = refused(server.client("codebuild").create_project, **params)
    assert code == "InvalidInputException"
    assert words in message
    assert server.client("codebuild").list_projects()["projects"] == []


def test_model_constraints_answer_validation_errors(server: Server) -> None:
    cb = unvalidated(server, "codebuild")
    for name, timeout in (("ok-name", 4), ("bad name", 60)):
        code, _ = refused(
            cb.create_project,
            name=name,
            source=NO_SOURCE,
            artifacts=NO_ARTIFACTS,
            environment=ENVIRONMENT,
            serviceRole=ROLE,
            timeoutInMinutes=timeout,
        )
        assert code == "ValidationException"


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


def test_list_sorting(server: Server) -> None:
    cb = server.client("codebuild")
    for name in ("charlie", "alpha", "bravo"):
        create(server, name)
    cb.update_project(name="charlie", description="touched")
    assert cb.list_projects()["projects"] == ["alpha", "bravo", "charlie"]
    assert cb.list_projects(sortBy="NAME", sortOrder="DESCENDING")["projects"] == [
        "charlie",
        "bravo",
        "alpha",
    ]
    # Projects made in the same instant fall back to their names.
    created = cb.list_projects(sortBy="CREATED_TIME")["projects"]
    times = {p["name"]: p["created"] for p in cb.batch_get_projects(names=created)["projects"]}
    assert created == sorted(times, key=lambda n: (times[n], n))
    modified = cb.list_projects(sortBy="LAST_MODIFIED_TIME", sortOrder="DESCENDING")["projects"]
    assert modified[0] == "charlie"


def test_list_pages(server: Server) -> None:
    cb = server.client("codebuild")
    names = [f"p{i:03d}" for i in range(205)]
    for name in names:
        create(server, name)
    first = cb.list_projects(sortBy="NAME")
    assert first["projects"] == names[:100]
    second = cb.list_projects(sortBy="NAME", nextToken=first["nextToken"])
    assert second["projects"] == names[100:200]
    third = cb.list_projects(sortBy="NAME", nextToken=second["nextToken"])
    assert third["projects"] == names[200:]
    assert "nextToken" not in third
    paged = [
        n
        for page in cb.get_paginator("list_projects").paginate(sortOrder="DESCENDING")
        for n in page["projects"]
    ]
    assert paged == names[::-1]
    for token in ("garbage", first["nextToken"][:-4] + "AAAA"):
        code, _ = refused(cb.list_projects, sortBy="NAME", nextToken=token)
        assert code == "InvalidInputException"
    code, _ = refused(cb.list_projects, sortBy="CREATED_TIME", nextToken=first["nextToken"])
    assert code == "InvalidInputException"


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
