"""StartBuild's and StartBuildBatch's overrides held to CreateProject's rules: a bad one is
refused by the call (InvalidInputException) and no build is made."""

from __future__ import annotations

from typing import Any

import pytest

from tests.api.codebuild.batch_support import BATCH_CONFIG, spec
from tests.api.codebuild.support import create, refused
from tests.support.server import Server

BUCKET = "arn:aws:s3:::build-bucket"
REFUSED: list[tuple[dict[str, Any], str]] = [
    ({"cacheOverride": {"type": "S3"}}, "location must be specified"),
    ({"cacheOverride": {"type": "S3", "location": "arn:aws:s3:::"}}, "Invalid cache location"),
    ({"cacheOverride": {"type": "S3", "location": "Not_A_Bucket"}}, "Invalid cache location"),
    ({"cacheOverride": {"type": "LOCAL"}}, "modes must be specified"),
    ({"artifactsOverride": {"type": "S3"}}, "location must be specified"),
    ({"artifactsOverride": {"type": "S3", "location": "arn:aws:s3:::/x"}}, "Invalid artifacts location"),
    ({"artifactsOverride": {"type": "CODEPIPELINE"}}, "source type must be CODEPIPELINE"),
    (
        {"secondaryArtifactsOverride": [{"type": "S3", "location": BUCKET}]},
        "artifactIdentifier must be specified",
    ),
    (
        {"secondaryArtifactsOverride": [{"type": "S3", "location": "", "artifactIdentifier": "a"}]},
        "location must be specified",
    ),
    (
        {"secondarySourcesOverride": [{"type": "S3", "location": "bucket-only", "sourceIdentifier": "s"}]},
        "Invalid secondary source location",
    ),
    (
        {"secondarySourcesVersionOverride": [{"sourceIdentifier": "nope", "sourceVersion": "v1"}]},
        "no secondary source has the identifier nope",
    ),
    ({"sourceTypeOverride": "GITHUB", "sourceLocationOverride": "https://github.com/a/b"}, "not supported"),
    ({"sourceTypeOverride": "S3", "sourceLocationOverride": "bucket-only"}, "Invalid source location"),
    (
        {"environmentVariablesOverride": [{"name": "CODEBUILD_X", "value": "1"}]},
        "names starting with CODEBUILD_ are reserved",
    ),
    (
        {"environmentVariablesOverride": [{"name": "P", "value": "", "type": "PARAMETER_STORE"}]},
        "a PARAMETER_STORE variable needs",
    ),
    ({"computeTypeOverride": "BUILD_LAMBDA_1GB"}, "Invalid compute type BUILD_LAMBDA_1GB"),
    ({"logsConfigOverride": {"s3Logs": {"status": "ENABLED"}}}, "s3Logs location must be specified"),
    ({"autoRetryLimitOverride": 11}, "Invalid autoRetryLimit: 11"),
]


@pytest.mark.parametrize(("override", "words"), REFUSED)
def test_start_build_refuses_a_bad_override(server: Server, override: dict[str, Any], words: str) -> None:
    create(server, "overridden")
    cb = server.client("codebuild")
    code, message = refused(cb.start_build, projectName="overridden", **override)
    assert code == "InvalidInputException"
    assert words in message
    assert cb.list_builds_for_project(projectName="overridden")["ids"] == []


@pytest.mark.parametrize(
    ("override", "words"),
    [
        ({"cacheOverride": {"type": "S3", "location": "arn:aws:s3:::"}}, "Invalid cache location"),
        ({"artifactsOverride": {"type": "S3"}}, "location must be specified"),
        (
            {"environmentVariablesOverride": [{"name": "codebuild_y", "value": "1"}]},
            "are reserved",
        ),
    ],
)
def test_start_build_batch_refuses_a_bad_override(
    server: Server, override: dict[str, Any], words: str
) -> None:
    text = spec("  build-list:\n    - identifier: one\n")
    create(server, "batched", source={"type": "NO_SOURCE", "buildspec": text}, buildBatchConfig=BATCH_CONFIG)
    cb = server.client("codebuild")
    code, message = refused(cb.start_build_batch, projectName="batched", **override)
    assert code == "InvalidInputException"
    assert words in message
    assert cb.list_build_batches_for_project(projectName="batched")["ids"] == []


def test_good_overrides_are_taken(server: Server) -> None:
    create(server, "overridden")
    cb = server.client("codebuild")
    build = cb.start_build(
        projectName="overridden",
        cacheOverride={"type": "S3", "location": f"{BUCKET}/cache"},
        artifactsOverride={"type": "S3", "location": "build-bucket", "path": "out"},
        environmentVariablesOverride=[{"name": "GREETING", "value": "hi"}],
        autoRetryLimitOverride=2,
    )["build"]
    assert build["cache"] == {"type": "S3", "location": f"{BUCKET}/cache"}
    assert build["artifacts"]["location"] == "arn:aws:s3:::build-bucket/out"
    assert cb.list_builds_for_project(projectName="overridden")["ids"] == [build["id"]]
    # RetryBuild starts again with the same (accepted) overrides.
    retried = cb.retry_build(id=build["id"])["build"]
    assert retried["cache"] == build["cache"]
