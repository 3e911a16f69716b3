"""A batch's buildspec read on the server from its source: a CodeCommit repository at the batch's
version (resolved to its commit, which every member builds) and an S3 source zip."""

from __future__ import annotations

import struct
import zipfile
from pathlib import Path

from tests.api.codebuild.batch_support import BATCH_CONFIG, batch_finished, groups, member
from tests.api.codebuild.support import create
from tests.integration.runner.builds_support import log_text
from tests.support.git import seed
from tests.support.server import Server

ROOT_SPEC = (
    "version: 0.2\nbatch:\n  build-list:\n    - identifier: main\n    - identifier: other\n"
    "      buildspec: other.yml\nphases:\n  build:\n    commands:\n      - echo root-{mark}\n"
)
OTHER_SPEC = "version: 0.2\nphases:\n  build:\n    commands:\n      - echo other-{mark}\n"


def test_a_codecommit_batch_reads_its_buildspec_at_the_resolved_commit(
    server: Server, tmp_path: Path
) -> None:
    server.client("codecommit").create_repository(repositoryName="batched")
    work = tmp_path / "work"
    first = seed(
        server,
        work,
        "batched",
        {"buildspec.yml": ROOT_SPEC.format(mark="one"), "other.yml": OTHER_SPEC.format(mark="one")},
    )
    seed(
        server,
        work,
        "batched",
        {"buildspec.yml": "version: 0.2\nphases:\n  build:\n    commands:\n      - x\n"},
    )
    source = {"type": "CODECOMMIT", "location": f"{server.endpoint}/v1/repos/batched"}
    create(server, "from-git", source=source, buildBatchConfig=BATCH_CONFIG)
    codebuild = server.client("codebuild")

    started = codebuild.start_build_batch(projectName="from-git", sourceVersion=first[:12])["buildBatch"]
    done = batch_finished(server, started["id"])
    latest = codebuild.start_build_batch(projectName="from-git")["buildBatch"]

    assert started["resolvedSourceVersion"] == first
    assert done["buildBatchStatus"] == "SUCCEEDED"
    found = groups(done)
    main, other = member(server, found["main"]), member(server, found["other"])
    assert main["resolvedSourceVersion"] == other["resolvedSourceVersion"] == first
    assert "root-one" in log_text(server, main["id"])
    assert "other-one" in log_text(server, other["id"])
    assert latest["buildBatchStatus"] == "FAILED"  # the branch's head has no batch section
    download = next(p for p in latest["phases"] if p["phaseType"] == "DOWNLOAD_BATCHSPEC")
    assert "no batch section" in download["contexts"][0]["message"]


def test_an_s3_batch_reads_its_buildspec_from_the_source_zip(server: Server) -> None:
    bucket = server.data_dir / "artifacts" / "inputs"
    bucket.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(bucket / "source.zip", "w") as archive:
        archive.writestr("buildspec.yml", ROOT_SPEC.format(mark="zip"))
        archive.writestr("other.yml", OTHER_SPEC.format(mark="zip"))
    create(
        server,
        "from-zip",
        source={"type": "S3", "location": "inputs/source.zip"},
        buildBatchConfig=BATCH_CONFIG,
    )
    create(
        server,
        "no-file",
        source={"type": "S3", "location": "inputs/missing.zip"},
        buildBatchConfig=BATCH_CONFIG,
    )
    codebuild = server.client("codebuild")

    done = batch_finished(server, codebuild.start_build_batch(projectName="from-zip")["buildBatch"]["id"])
    missing = codebuild.start_build_batch(projectName="no-file")["buildBatch"]

    assert done["buildBatchStatus"] == "SUCCEEDED"
    assert "other-zip" in log_text(server, member(server, groups(done)["other"])["id"])
    assert missing["buildBatchStatus"] == "FAILED"
    download = next(p for p in missing["phases"] if p["phaseType"] == "DOWNLOAD_BATCHSPEC")
    assert "inputs/missing.zip" in download["contexts"][0]["message"]


def _unreadable_zips(bucket: Path) -> None:
    """inputs/method.zip: its buildspec compressed by a method zipfile does not know;
    inputs/damaged.zip: its buildspec's deflated data damaged."""
    with zipfile.ZipFile(bucket / "method.zip", "w") as archive:
        archive.writestr("buildspec.yml", ROOT_SPEC.format(mark="method"))
    data = bytearray((bucket / "method.zip").read_bytes())
    central = data.find(b"PK\x01\x02")
    data[8:10] = data[central + 10 : central + 12] = struct.pack("<H", 99)
    (bucket / "method.zip").write_bytes(bytes(data))
    with zipfile.ZipFile(bucket / "damaged.zip", "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("buildspec.yml", ROOT_SPEC.format(mark="damaged") * 20)
    data = bytearray((bucket / "damaged.zip").read_bytes())
    start = 30 + len("buildspec.yml")
    data[start : start + 20] = bytes(b ^ 0xFF for b in data[start : start + 20])
    (bucket / "damaged.zip").write_bytes(bytes(data))


def test_a_source_zip_that_cannot_be_read_fails_download_batchspec(server: Server) -> None:
    bucket = server.data_dir / "artifacts" / "inputs"
    bucket.mkdir(parents=True, exist_ok=True)
    _unreadable_zips(bucket)
    codebuild = server.client("codebuild")
    for name in ("method", "damaged"):
        source = {"type": "S3", "location": f"inputs/{name}.zip"}
        create(server, f"zip-{name}", source=source, buildBatchConfig=BATCH_CONFIG)

        found = codebuild.start_build_batch(projectName=f"zip-{name}")["buildBatch"]

        assert found["buildBatchStatus"] == "FAILED", name
        download = next(p for p in found["phases"] if p["phaseType"] == "DOWNLOAD_BATCHSPEC")
        assert download["phaseStatus"] == "FAILED"
        message = download["contexts"][0]["message"]
        assert f"buildspec.yml in inputs/{name}.zip cannot be read" in message, message
