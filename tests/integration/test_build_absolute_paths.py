"""`codeyard build` with absolute artifact and report paths: the host's files on the host executor, only the
build's own directories in the sandbox (never a file its user could not read)."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from tests.integration.runner.sandbox_helper import sandbox_runs
from tests.integration.test_build_cli import build, project, summary_rows

JUNIT = '<testsuite name="s"><testcase classname="c" name="ok"/></testsuite>'


def test_host_builds_read_absolute_report_and_artifact_paths(tmp_path: Path) -> None:
    outside = tmp_path / "abs"
    root = project(
        tmp_path,
        "version: 0.2\nphases:\n  build:\n    commands:\n"
        f"      - mkdir -p {outside} && echo '{JUNIT}' > {outside}/TEST-a.xml && echo built > {outside}/app.txt\n"
        f"artifacts:\n  files: ['{outside}/app.txt']\n  discard-paths: yes\n"
        f"reports:\n  unit:\n    files: ['{outside}/*.xml']\n"
        f"  based:\n    base-directory: {outside}\n    files: ['*.xml']\n",
    )
    result = build(root, "--artifacts", "dist", "--reports", "out")
    assert result.returncode == 0, result.stdout
    with zipfile.ZipFile(root / "dist" / "artifacts.zip") as archive:
        assert archive.namelist() == ["app.txt"]
    unit = json.loads((root / "out" / "unit.json").read_text())
    assert unit["report"]["status"] == "SUCCEEDED"
    assert unit["testCases"][0]["testRawDataPath"] == f"{outside}/TEST-a.xml"
    based = json.loads((root / "out" / "based.json").read_text())
    assert based["report"]["status"] == "SUCCEEDED"
    assert based["testCases"][0]["testRawDataPath"] == "TEST-a.xml"


@pytest.mark.usefixtures(sandbox_runs.__name__)
def test_sandboxed_builds_get_no_file_outside_their_own_directories(tmp_path: Path) -> None:
    root = project(
        tmp_path,
        "version: 0.2\nphases:\n  build:\n    commands:\n"
        f"      - mkdir -p /tmp/r && echo '{JUNIT}' > /tmp/r/TEST-a.xml\n"
        "artifacts:\n  files: [/etc/shadow]\n"
        "reports:\n  tmp:\n    files: ['/tmp/r/*.xml']\n",
    )
    result = build(root, "--executor", "sandbox", "--reports", "out")
    assert result.returncode == 1, result.stdout
    assert summary_rows(result.stdout)["UPLOAD_ARTIFACTS"] == "FAILED"
    lines = result.stdout.splitlines()
    assert "    CLIENT_ERROR: no matching artifact paths found" in lines
    assert "warning: artifact primary: /etc/shadow: outside the build's own directories, not read" in lines
    tmp = json.loads((root / "out" / "tmp.json").read_text())
    assert tmp["report"]["status"] == "INCOMPLETE"
    assert "outside the build's own directories, not read" in tmp["statusMessage"]
