"""What the work API unpacks into the artifact store (a build's artifact with packaging NONE, a
report's raw data exported with packaging NONE) is kept whole or not at all: a zip that cannot be
unpacked (it names `a` both as a file and as a directory) is refused with a 400 and leaves nothing."""

from __future__ import annotations

import io
import os
import time
import zipfile
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote

import httpx

from codeyard.execution.artifact_store import STAGING
from tests.api.codebuild.report_support import group_arn
from tests.integration.runner.builds_support import buildspec, no_source_project
from tests.integration.runner.test_work_api_cache import WORK, _claim, _register
from tests.integration.runner.test_work_api_forgetting import _sweep
from tests.support.server import Server


def _zip(*names: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in names:
            archive.writestr(name, f"content of {name}")
    return buffer.getvalue()


def _files(root: Path) -> list[str]:
    """What is kept under `root`; the store's staging directory must be empty (nothing half-kept)."""
    staging = root / STAGING
    assert not staging.exists() or list(staging.iterdir()) == []
    return (
        sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p != staging)
        if root.exists()
        else []
    )


def test_an_artifact_that_cannot_be_unpacked_leaves_nothing(make_server: Callable[..., Server]) -> None:
    server = make_server("sqlite", extra_env={"CODEYARD_RUNNER": "false"}).start()
    artifacts = {"type": "S3", "location": "outputs", "packaging": "NONE", "name": "site"}
    no_source_project(server, "app", buildspec("true"), artifacts=artifacts)
    holder = _register(server, "holder")
    build_id = server.client("codebuild").start_build(projectName="app")["build"]["id"]
    assert _claim(server, holder)["build_id"] == build_id
    url = f"{server.endpoint}{WORK}/jobs/{quote(build_id, safe='')}/artifacts"
    headers = {**holder, "x-codeyard-artifact-name": "site"}
    store = server.data_dir / "artifacts"

    refused = httpx.put(url, content=_zip("index.html", "a", "a/b"), headers=headers, timeout=60)

    assert refused.status_code == 400
    assert refused.json()["__type"] == "CLIENT_ERROR"
    assert refused.json()["message"].startswith("Cannot keep the artifact: ")
    assert _files(store) == []

    kept = httpx.put(url, content=_zip("index.html", "a/b"), headers=headers, timeout=60)
    assert kept.status_code == 200, kept.text
    assert _files(store / "outputs") == ["site", "site/a", "site/a/b", "site/index.html"]


def test_report_raw_data_that_cannot_be_unpacked_is_refused_and_leaves_nothing(
    make_server: Callable[..., Server],
) -> None:
    server = make_server("sqlite", extra_env={"CODEYARD_RUNNER": "false"}).start()
    codebuild = server.client("codebuild")
    destination = {"bucket": "exports", "path": "raw", "packaging": "NONE"}
    codebuild.create_report_group(
        name="exported", type="TEST", exportConfig={"exportConfigType": "S3", "s3Destination": destination}
    )
    no_source_project(server, "app", buildspec("true"))
    holder = _register(server, "holder")
    build_id = codebuild.start_build(projectName="app")["build"]["id"]
    assert _claim(server, holder)["build_id"] == build_id
    jobs = f"{server.endpoint}{WORK}/jobs/{quote(build_id, safe='')}"
    report = {"group": group_arn("exported"), "type": "TEST", "status": "SUCCEEDED"}
    arn = httpx.post(f"{jobs}/reports", json=report, headers=holder).json()["reportArn"]
    store = server.data_dir / "artifacts"

    def put(body: bytes) -> httpx.Response:
        return httpx.put(
            f"{jobs}/reports/raw", params={"report": arn}, content=body, headers=holder, timeout=60
        )

    for names in (("junit.xml", "a", "a/b"), ("a/b", "a")):
        refused = put(_zip(*names))
        assert refused.status_code == 400
        assert refused.json() == {
            "__type": "InvalidReportData",
            "message": "the raw data names 'a/b' under a file of its own",
        }
    assert _files(store) == []

    assert put(_zip("junit.xml", "a/b")).status_code == 200
    report_id = arn.partition(":report/")[2]
    assert _files(store / "exports" / "raw") == [
        report_id,
        f"{report_id}/a",
        f"{report_id}/a/b",
        f"{report_id}/junit.xml",
    ]


def test_the_sweep_removes_what_a_crash_left_half_unpacked(make_server: Callable[..., Server]) -> None:
    """A server that crashed mid-unpack left a directory in the store's staging directory; the sweep
    (run at start and on request) removes it once older than the safe age, and leaves the kept
    artifacts, even one whose name looks staged."""
    server = make_server("sqlite", extra_env={"CODEYARD_RUNNER": "false"}).start()
    place = server.data_dir / "artifacts" / "outputs"
    staged = server.data_dir / "artifacts" / STAGING / "x1y2z3w4.unpacking"
    (staged / "a").mkdir(parents=True)
    (staged / "a" / "b").write_text("half")
    (place / "site").mkdir(parents=True)
    (place / "site" / "index.html").write_text("kept")
    (place / ".site.x1y2z3w4.unpacking").write_text("the user's")
    then = time.time() - 3600
    for entry in (staged, place / ".site.x1y2z3w4.unpacking"):
        os.utime(entry, (then, then))

    # The server's own sweep at start may run after the entry was made old and take it first: the
    # sweep asked for here then finds nothing. Either way, once a sweep has run it is gone.
    assert _sweep(server)["artifactLeftoversRemoved"] in (0, 1)

    assert not staged.exists()
    assert _files(place) == [".site.x1y2z3w4.unpacking", "site", "site/index.html"]
