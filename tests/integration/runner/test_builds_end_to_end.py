"""Builds end to end: boto3 StartBuild on a live server, run by the runner `codeyard up` starts."""

from __future__ import annotations

import hashlib
import zipfile

from tests.integration.runner.builds_support import (
    ENVIRONMENT,
    ROLE,
    buildspec,
    finished,
    log_text,
    no_source_project,
    until,
)
from tests.support.server import Server


def test_a_build_runs_through_every_phase(server: Server) -> None:
    no_source_project(server, "hello", buildspec("echo hello from $CODEBUILD_BUILD_ID"))
    codebuild = server.client("codebuild")

    started = codebuild.start_build(projectName="hello")["build"]
    assert started["buildStatus"] == "IN_PROGRESS"
    assert started["buildNumber"] == 1
    done = finished(server, started["id"])

    assert done["buildStatus"] == "SUCCEEDED"
    assert done["currentPhase"] == "COMPLETED"
    phases = [p["phaseType"] for p in done["phases"]]
    assert phases == [
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
    for phase in done["phases"][:-1]:
        assert phase["phaseStatus"] == "SUCCEEDED"
        assert phase["durationInSeconds"] >= 0
        assert phase["endTime"] >= phase["startTime"]
        assert phase["contexts"] == [{"statusCode": "", "message": ""}]
    assert "phaseStatus" not in done["phases"][-1]
    uuid = started["id"].split(":")[1]
    assert done["logs"]["groupName"] == "/aws/codebuild/hello"
    assert done["logs"]["streamName"] == uuid
    assert uuid in done["logs"]["deepLink"]
    assert f"hello from {started['id']}" in log_text(server, started["id"])

    events = server.events("aws.codebuild")
    states = [
        e["detail"]["build-status"] for e in events if e["detail-type"] == "CodeBuild Build State Change"
    ]
    assert states == ["IN_PROGRESS", "SUCCEEDED"]
    completed = [e["detail"] for e in events if e["detail-type"] == "CodeBuild Build Phase Change"]
    assert [d["completed-phase"] for d in completed] == phases[:-1]
    assert all(d["completed-phase-status"] == "SUCCEEDED" for d in completed)
    last = events[-1]
    assert last["resources"] == [done["arn"]]
    assert last["detail"]["project-name"] == "hello"
    assert last["detail"]["additional-information"]["build-complete"] is True


def test_a_failing_command_fails_the_build(server: Server) -> None:
    no_source_project(server, "failing", buildspec("echo before", "exit 3"))
    build_id = server.client("codebuild").start_build(projectName="failing")["build"]["id"]

    done = finished(server, build_id)

    assert done["buildStatus"] == "FAILED"
    by_type = {p["phaseType"]: p for p in done["phases"]}
    assert by_type["BUILD"]["phaseStatus"] == "FAILED"
    assert by_type["BUILD"]["contexts"][0]["statusCode"] == "COMMAND_EXECUTION_ERROR"
    assert "exit 3" in by_type["BUILD"]["contexts"][0]["message"]
    assert by_type["POST_BUILD"]["phaseStatus"] == "SUCCEEDED"
    assert "before" in log_text(server, build_id)


def test_stop_build_stops_a_running_build(server: Server) -> None:
    no_source_project(server, "sleeper", buildspec("echo sleeping", "sleep 1000"))
    codebuild = server.client("codebuild")
    build_id = codebuild.start_build(projectName="sleeper")["build"]["id"]
    until(lambda: "sleeping" in log_text(server, build_id), what="the build's first line")

    answer = codebuild.stop_build(id=build_id)["build"]
    assert answer["id"] == build_id
    done = finished(server, build_id)

    assert done["buildStatus"] == "STOPPED"
    build_phase = next(p for p in done["phases"] if p["phaseType"] == "BUILD")
    assert build_phase["phaseStatus"] == "STOPPED"
    assert build_phase["contexts"][0]["statusCode"] == "BUILD_STOPPED"


def test_a_codecommit_build_runs_the_pushed_commit(server: Server) -> None:
    codecommit = server.client("codecommit")
    codecommit.create_repository(repositoryName="app")
    spec = buildspec('echo "resolved=$CODEBUILD_RESOLVED_SOURCE_VERSION"', "cat greeting.txt")
    first = codecommit.put_file(
        repositoryName="app", branchName="main", filePath="buildspec.yml", fileContent=spec.encode()
    )
    commit = codecommit.put_file(
        repositoryName="app",
        branchName="main",
        filePath="greeting.txt",
        fileContent=b"hello from the repository\n",
        parentCommitId=first["commitId"],
    )["commitId"]
    server.client("codebuild").create_project(
        name="app-build",
        source={"type": "CODECOMMIT", "location": f"{server.endpoint}/v1/repos/app"},
        sourceVersion="refs/heads/main",
        artifacts={"type": "NO_ARTIFACTS"},
        environment=ENVIRONMENT,
        serviceRole=ROLE,
    )

    build_id = server.client("codebuild").start_build(projectName="app-build")["build"]["id"]
    done = finished(server, build_id)

    assert done["buildStatus"] == "SUCCEEDED", done["phases"]
    assert done["sourceVersion"] == "refs/heads/main"
    assert done["resolvedSourceVersion"] == commit
    text = log_text(server, build_id)
    assert f"resolved={commit}" in text
    assert "hello from the repository" in text


def test_an_unknown_branch_fails_download_source(server: Server) -> None:
    server.client("codecommit").create_repository(repositoryName="empty")
    server.client("codebuild").create_project(
        name="empty-build",
        source={"type": "CODECOMMIT", "location": f"{server.endpoint}/v1/repos/empty"},
        artifacts={"type": "NO_ARTIFACTS"},
        environment=ENVIRONMENT,
        serviceRole=ROLE,
    )
    build_id = server.client("codebuild").start_build(projectName="empty-build", sourceVersion="nope")[
        "build"
    ]["id"]

    done = finished(server, build_id)

    assert done["buildStatus"] == "FAILED"
    download = next(p for p in done["phases"] if p["phaseType"] == "DOWNLOAD_SOURCE")
    assert download["phaseStatus"] == "FAILED"
    assert download["contexts"][0]["statusCode"] == "CLIENT_ERROR"
    assert "nope" in download["contexts"][0]["message"]


SECRET_SPEC = """version: 0.2
env:
  parameter-store:
    TOKEN: /app/token
  secrets-manager:
    PASSWORD: db:password
phases:
  build:
    commands:
      - echo "token=$TOKEN"
      - echo "$PASSWORD" | rev
"""


def test_parameter_store_and_secrets_manager_references_are_resolved_and_masked(server: Server) -> None:
    server.client("ssm").put_parameter(Name="/app/token", Value="parameter-secret-value", Type="SecureString")
    server.client("secretsmanager").create_secret(Name="db", SecretString='{"password": "hunter2-password"}')
    no_source_project(server, "secretive", SECRET_SPEC)
    no_source_project(server, "missing", SECRET_SPEC.replace("/app/token", "/app/nothing"))
    codebuild = server.client("codebuild")
    build_id = codebuild.start_build(projectName="secretive")["build"]["id"]
    missing_id = codebuild.start_build(projectName="missing")["build"]["id"]

    done = finished(server, build_id)
    failed = finished(server, missing_id)

    assert done["buildStatus"] == "SUCCEEDED", done["phases"]
    text = log_text(server, build_id)
    assert "token=***" in text
    assert "parameter-secret-value" not in text
    assert "drowssap-2retnuh" in text
    download = next(p for p in failed["phases"] if p["phaseType"] == "DOWNLOAD_SOURCE")
    assert download["phaseStatus"] == "FAILED"
    assert download["contexts"][0]["statusCode"] == "Decrypted Variables Error"
    assert "ParameterNotFound" in download["contexts"][0]["message"]


ARTIFACT_SPEC = """version: 0.2
phases:
  build:
    commands:
      - mkdir -p dist && echo "built $CODEBUILD_BUILD_NUMBER" > dist/app.txt
artifacts:
  files:
    - dist/**/*
"""


def test_the_primary_artifact_is_kept_where_the_project_says(server: Server) -> None:
    artifacts = {"type": "S3", "location": "my-bucket", "path": "out", "name": "app.zip", "packaging": "ZIP"}
    no_source_project(server, "packaged", ARTIFACT_SPEC, artifacts={**artifacts, "namespaceType": "BUILD_ID"})
    no_source_project(
        server, "unmatched", ARTIFACT_SPEC.replace("dist/**/*", "nothing/*"), artifacts=artifacts
    )
    codebuild = server.client("codebuild")
    build_id = codebuild.start_build(projectName="packaged")["build"]["id"]
    unmatched_id = codebuild.start_build(projectName="unmatched")["build"]["id"]

    done = finished(server, build_id)
    unmatched = finished(server, unmatched_id)

    assert done["buildStatus"] == "SUCCEEDED", done["phases"]
    uuid = build_id.split(":")[1]
    assert done["artifacts"]["location"] == f"arn:aws:s3:::my-bucket/out/{uuid}/app.zip"
    kept = server.data_dir / "artifacts" / "my-bucket" / "out" / uuid / "app.zip"
    assert done["artifacts"]["sha256sum"] == hashlib.sha256(kept.read_bytes()).hexdigest()
    with zipfile.ZipFile(kept) as archive:
        assert archive.read("dist/app.txt") == b"built 1\n"
    upload = next(p for p in unmatched["phases"] if p["phaseType"] == "UPLOAD_ARTIFACTS")
    assert (upload["phaseStatus"], upload["contexts"][0]["statusCode"]) == ("FAILED", "CLIENT_ERROR")


def test_an_artifact_of_one_build_is_the_s3_source_of_another(server: Server) -> None:
    artifacts = {"type": "S3", "location": "chain", "name": "app.zip", "packaging": "ZIP"}
    no_source_project(server, "producer", ARTIFACT_SPEC, artifacts=artifacts)
    server.client("codebuild").create_project(
        name="consumer",
        source={"type": "S3", "location": "chain/app.zip", "buildspec": buildspec("cat dist/app.txt")},
        artifacts={"type": "NO_ARTIFACTS"},
        environment=ENVIRONMENT,
        serviceRole=ROLE,
    )
    codebuild = server.client("codebuild")
    finished(server, codebuild.start_build(projectName="producer")["build"]["id"])

    consumer_id = codebuild.start_build(projectName="consumer")["build"]["id"]
    missing_id = codebuild.start_build(projectName="consumer", sourceLocationOverride="chain/none.zip")[
        "build"
    ]["id"]
    done = finished(server, consumer_id)
    missing = finished(server, missing_id)

    assert done["buildStatus"] == "SUCCEEDED", done["phases"]
    assert "built 1" in log_text(server, consumer_id)
    download = next(p for p in missing["phases"] if p["phaseType"] == "DOWNLOAD_SOURCE")
    assert (download["phaseStatus"], download["contexts"][0]["statusCode"]) == ("FAILED", "CLIENT_ERROR")


SECONDARY_SPEC = """version: 0.2
phases:
  build:
    commands:
      - mkdir -p docs && echo manual > docs/index.txt
artifacts:
  files:
    - docs/index.txt
  secondary-artifacts:
    docs:
      files:
        - docs/index.txt
"""


def test_secondary_artifacts_are_kept_by_identifier(server: Server) -> None:
    secondary = {
        "type": "S3",
        "location": "docs-bucket",
        "name": "docs.zip",
        "packaging": "ZIP",
        "artifactIdentifier": "docs",
    }
    no_source_project(server, "documented", SECONDARY_SPEC, secondaryArtifacts=[secondary])
    build_id = server.client("codebuild").start_build(projectName="documented")["build"]["id"]

    done = finished(server, build_id)

    assert done["buildStatus"] == "SUCCEEDED", done["phases"]
    [kept] = done["secondaryArtifacts"]
    assert kept["artifactIdentifier"] == "docs"
    assert kept["location"] == "arn:aws:s3:::docs-bucket/docs.zip"
    assert "location" not in done["artifacts"]  # the project's primary artifacts: NO_ARTIFACTS
    with zipfile.ZipFile(server.data_dir / "artifacts" / "docs-bucket" / "docs.zip") as archive:
        assert archive.read("docs/index.txt") == b"manual\n"
