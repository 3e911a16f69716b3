"""CodeBuild project definitions that AWS refuses: InvalidInputException for its rules,
ValidationException for the model's constraints."""

from __future__ import annotations

from typing import Any

import pytest

from tests.api.codebuild.support import ENVIRONMENT, NO_ARTIFACTS, NO_SOURCE, ROLE, refused
from tests.api.test_protocol import unvalidated
from tests.support.server import Server


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
