"""A buildspec named by an S3 object's ARN or by a path in a secondary source, for builds (read on
the runner in DOWNLOAD_SOURCE) and for batches (read on the server in DOWNLOAD_BATCHSPEC)."""

from __future__ import annotations

import zipfile
from pathlib import Path

from tests.api.codebuild.batch_support import BATCH_CONFIG, batch_finished, groups, member
from tests.api.codebuild.support import create
from tests.integration.runner.builds_support import buildspec, finished, log_text
from tests.support.git import seed
from tests.support.server import Server

SPEC_ARN = "arn:aws:s3:::specs/ci/buildspec.yml"
BATCH_SPEC = (
    "version: 0.2\nbatch:\n  build-list:\n    - identifier: first\n    - identifier: second\n"
    "phases:\n  build:\n    commands:\n      - echo batch-{mark}-$CODEBUILD_BATCH_BUILD_IDENTIFIER\n"
)


def _put(server: Server, location: str, content: str | bytes) -> None:
    """An object in the artifact store at `bucket/key` (as an S3 upload would leave it)."""
    path = server.data_dir / "artifacts" / location
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content.encode() if isinstance(content, str) else content)


def _source_zip(server: Server, location: str, files: dict[str, str]) -> None:
    path = server.data_dir / "artifacts" / location
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, text)


def _download_context(build: dict[str, object]) -> dict[str, str]:
    phases = build["phases"]
    assert isinstance(phases, list)
    download = next(p for p in phases if p["phaseType"] == "DOWNLOAD_SOURCE")
    assert download["phaseStatus"] == "FAILED"
    context: dict[str, str] = download["contexts"][0]
    return context


def test_a_buildspec_named_by_an_s3_arn_is_read_from_the_object(server: Server) -> None:
    _put(server, "specs/ci/buildspec.yml", buildspec("echo from-the-object", "cat inside.txt"))
    _source_zip(
        server, "inputs/app.zip", {"inside.txt": "zip-content\n", "buildspec.yml": buildspec("false")}
    )
    source = {"type": "S3", "location": "inputs/app.zip", "buildspec": SPEC_ARN}
    create(server, "spec-object", source=source)
    create(server, "no-source")  # an inline buildspec, overridden by the object's ARN
    codebuild = server.client("codebuild")

    project_build = codebuild.start_build(projectName="spec-object")["build"]["id"]
    override_build = codebuild.start_build(projectName="no-source", buildspecOverride=SPEC_ARN)["build"]
    project_done = finished(server, project_build)
    override_done = finished(server, override_build["id"])

    assert (
        codebuild.batch_get_projects(names=["spec-object"])["projects"][0]["source"]["buildspec"] == SPEC_ARN
    )
    assert override_build["source"]["buildspec"] == SPEC_ARN
    assert project_done["buildStatus"] == "SUCCEEDED", project_done["phases"]
    text = log_text(server, project_build)
    assert "from-the-object" in text
    assert "zip-content" in text
    assert override_done["buildStatus"] == "FAILED"  # the object's `cat inside.txt` has no source to read
    assert "from-the-object" in log_text(server, override_done["id"])
    build_phase = next(p for p in override_done["phases"] if p["phaseType"] == "BUILD")
    assert build_phase["contexts"][0]["statusCode"] == "COMMAND_EXECUTION_ERROR"


def test_a_missing_buildspec_object_fails_download_source_naming_it(server: Server) -> None:
    missing = "arn:aws:s3:::specs/missing/buildspec.yml"
    create(server, "spec-missing", source={"type": "NO_SOURCE", "buildspec": missing})
    _put(server, "specs/binary.yml", b"\xff\xfe not text")
    create(server, "spec-binary", source={"type": "NO_SOURCE", "buildspec": "arn:aws:s3:::specs/binary.yml"})
    codebuild = server.client("codebuild")

    gone = finished(server, codebuild.start_build(projectName="spec-missing")["build"]["id"])
    binary = finished(server, codebuild.start_build(projectName="spec-binary")["build"]["id"])

    assert gone["buildStatus"] == "FAILED"
    context = _download_context(gone)
    assert context["statusCode"] == "YAML_FILE_ERROR"
    assert missing in context["message"]
    assert "does not exist" in context["message"]
    assert not any(p["phaseType"] == "BUILD" for p in gone["phases"])
    assert binary["buildStatus"] == "FAILED"
    assert _download_context(binary)["statusCode"] == "YAML_FILE_ERROR"


def test_a_huge_buildspec_object_is_refused_by_its_size_unread(server: Server) -> None:
    # a sparse object of 1 TiB: read whole it could not even be held in memory
    huge = server.data_dir / "artifacts" / "specs" / "huge.yml"
    huge.parent.mkdir(parents=True, exist_ok=True)
    with huge.open("wb") as handle:
        handle.truncate(1 << 40)
    location = "arn:aws:s3:::specs/huge.yml"
    create(server, "spec-huge", source={"type": "NO_SOURCE", "buildspec": location})
    codebuild = server.client("codebuild")

    done = finished(server, codebuild.start_build(projectName="spec-huge")["build"]["id"])

    assert done["buildStatus"] == "FAILED"
    context = _download_context(done)
    assert context["statusCode"] == "YAML_FILE_ERROR"
    assert f"the buildspec object {location} is larger than 1 MiB" in context["message"]


def test_a_buildspec_in_a_secondary_codecommit_source(server: Server, tmp_path: Path) -> None:
    server.client("codecommit").create_repository(repositoryName="ci-tools")
    seed(
        server,
        tmp_path / "tools",
        "ci-tools",
        {"ci/buildspec.yml": buildspec("echo tools-spec", "cat app.txt")},
    )
    _source_zip(server, "inputs/main.zip", {"app.txt": "primary-app\n"})
    tools = {
        "type": "CODECOMMIT",
        "location": f"{server.endpoint}/v1/repos/ci-tools",
        "sourceIdentifier": "tools",
    }
    create(
        server,
        "spec-secondary",
        source={
            "type": "S3",
            "location": "inputs/main.zip",
            "buildspec": "${CODEBUILD_SRC_DIR_tools}/ci/buildspec.yml",
        },
        secondarySources=[tools],
    )
    codebuild = server.client("codebuild")

    braced = finished(server, codebuild.start_build(projectName="spec-secondary")["build"]["id"])
    bare = finished(
        server,
        codebuild.start_build(
            projectName="spec-secondary", buildspecOverride="$CODEBUILD_SRC_DIR_tools/ci/buildspec.yml"
        )["build"]["id"],
    )
    unknown = finished(
        server,
        codebuild.start_build(
            projectName="spec-secondary", buildspecOverride="${CODEBUILD_SRC_DIR_other}/ci/buildspec.yml"
        )["build"]["id"],
    )

    for done in (braced, bare):
        assert done["buildStatus"] == "SUCCEEDED", done["phases"]
        text = log_text(server, done["id"])
        assert "tools-spec" in text
        assert "primary-app" in text
    assert unknown["buildStatus"] == "FAILED"
    context = _download_context(unknown)
    assert context["statusCode"] == "YAML_FILE_ERROR"
    assert "CODEBUILD_SRC_DIR_other" in context["message"]


def test_a_batch_reads_its_buildspec_from_an_object_or_a_secondary_source(
    server: Server, tmp_path: Path
) -> None:
    _put(server, "specs/batch.yml", BATCH_SPEC.format(mark="object"))
    server.client("codecommit").create_repository(repositoryName="batch-tools")
    seed(server, tmp_path / "tools", "batch-tools", {"specs/batch.yml": BATCH_SPEC.format(mark="secondary")})
    server.client("codecommit").create_repository(repositoryName="batch-app")
    app = seed(server, tmp_path / "app", "batch-app", {"readme.txt": "app\n"})
    tools = {
        "type": "CODECOMMIT",
        "location": f"{server.endpoint}/v1/repos/batch-tools",
        "sourceIdentifier": "tools",
    }
    primary = {"type": "CODECOMMIT", "location": f"{server.endpoint}/v1/repos/batch-app"}
    create(
        server,
        "batch-object",
        source={"type": "NO_SOURCE", "buildspec": "arn:aws:s3:::specs/batch.yml"},
        buildBatchConfig=BATCH_CONFIG,
    )
    create(
        server,
        "batch-secondary",
        source={**primary, "buildspec": "${CODEBUILD_SRC_DIR_tools}/specs/batch.yml"},
        secondarySources=[tools],
        buildBatchConfig=BATCH_CONFIG,
    )
    codebuild = server.client("codebuild")

    from_object = batch_finished(
        server, codebuild.start_build_batch(projectName="batch-object")["buildBatch"]["id"]
    )
    from_secondary = batch_finished(
        server, codebuild.start_build_batch(projectName="batch-secondary")["buildBatch"]["id"]
    )
    missing = codebuild.start_build_batch(
        projectName="batch-object", buildspecOverride="arn:aws:s3:::specs/none.yml"
    )["buildBatch"]

    assert from_object["buildBatchStatus"] == "SUCCEEDED"
    assert "batch-object-second" in log_text(server, member(server, groups(from_object)["second"])["id"])
    assert from_secondary["buildBatchStatus"] == "SUCCEEDED"
    first = member(server, groups(from_secondary)["first"])
    assert "batch-secondary-first" in log_text(server, first["id"])
    assert first["resolvedSourceVersion"] == app  # the primary source's commit, not the secondary's
    assert missing["buildBatchStatus"] == "FAILED"
    download = next(p for p in missing["phases"] if p["phaseType"] == "DOWNLOAD_BATCHSPEC")
    assert download["phaseStatus"] == "FAILED"
    assert (
        "YAML_FILE_ERROR: the buildspec object arn:aws:s3:::specs/none.yml does not exist"
        in (download["contexts"][0]["message"])
    )
