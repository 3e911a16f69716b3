"""A report's raw files for its group's export: zipped by their raw-data paths within the caps, sent only
when the server asks, a failed export noted without failing the build."""

from __future__ import annotations

import asyncio
import zipfile
from pathlib import Path

import pytest

from codeyard.execution.messages import ReportFiled, ReportUpload
from codeyard.runner import report_export
from codeyard.runner.buildspec.parser import parse
from codeyard.runner.engine.executors import Workspace
from codeyard.runner.engine.hooks import FinalStep
from codeyard.runner.engine.states import StatusType
from codeyard.runner.report_export import ExportFailed, zip_raw_files
from codeyard.runner.report_upload import upload_reports
from codeyard.runner.reports.collect import collect_report

SUITE = '<testsuite name="s"><testcase classname="c" name="{}"/></testsuite>'


def _tree(src: Path) -> None:
    for relative in ("a/one.xml", "b/one.xml", "b/deep/two.xml"):
        (src / relative).parent.mkdir(parents=True, exist_ok=True)
        (src / relative).write_text(SUITE.format(relative))


def test_the_zip_names_files_by_their_raw_paths(tmp_path: Path) -> None:
    _tree(tmp_path)
    target = tmp_path / "raw.zip"

    report = collect_report(tmp_path, ["**/*.xml"], base_directory="b")
    assert zip_raw_files(report, target) == 2
    with zipfile.ZipFile(target) as archive:
        assert sorted(archive.namelist()) == ["deep/two.xml", "one.xml"]
        assert archive.read("deep/two.xml").decode() == SUITE.format("b/deep/two.xml")

    # discard-paths: two files named one.xml, the first kept (as the report's test cases name it)
    flat = collect_report(tmp_path, ["a/one.xml", "b/one.xml"], discard_paths=True)
    assert zip_raw_files(flat, target) == 1
    with zipfile.ZipFile(target) as archive:
        assert archive.read("one.xml").decode() == SUITE.format("a/one.xml")

    # an absolute pattern's file is named by its path without the leading /
    absolute = collect_report(tmp_path, [f"{tmp_path}/a/one.xml"])
    assert zip_raw_files(absolute, target) == 1
    with zipfile.ZipFile(target) as archive:
        assert archive.namelist() == [f"{tmp_path}/a/one.xml".lstrip("/")]


def test_the_caps_and_unreadable_files_refuse_the_export(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _tree(tmp_path)
    report = collect_report(tmp_path, ["**/*.xml"])
    target = tmp_path / "raw.zip"
    monkeypatch.setattr(report_export, "MAX_RAW_FILES", 2)
    with pytest.raises(ExportFailed, match="has 3 raw files; at most 2"):
        zip_raw_files(report, target)
    monkeypatch.setattr(report_export, "MAX_RAW_FILES", 10)
    monkeypatch.setattr(report_export, "MAX_RAW_BYTES", 100)
    with pytest.raises(ExportFailed, match="larger than 0 MB"):
        zip_raw_files(report, target)
    monkeypatch.setattr(report_export, "MAX_RAW_BYTES", 1 << 20)
    (tmp_path / "b" / "deep" / "two.xml").unlink()  # gone since it was collected
    with pytest.raises(ExportFailed, match=r"b/deep/two\.xml cannot be read"):
        zip_raw_files(report, target)
    with pytest.raises(ExportFailed, match="no raw file"):
        zip_raw_files(collect_report(tmp_path, ["none/*.xml"]), target)


BUILDSPEC = """version: 0.2
phases:
  build:
    commands: [echo]
reports:
  exported:
    files: ['a/*.xml']
  refused:
    files: ['b/*.xml']
  kept:
    files: ['b/one.xml']
"""


def test_only_the_reports_the_server_asks_for_are_exported(tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    _tree(src)
    workspace = Workspace(tmp_path, src, tmp_path / "control", str(src), str(tmp_path / "control"))
    sent: dict[str, list[str]] = {}
    notes: list[str] = []

    async def send(upload: ReportUpload) -> ReportFiled:
        return ReportFiled(f"arn:report/{upload.group}", upload.group != "kept")

    async def export(arn: str, raw_zip: Path) -> None:
        if arn.endswith("refused"):
            raise ExportFailed("the bucket is not there")
        with zipfile.ZipFile(raw_zip) as archive:
            sent[arn] = archive.namelist()

    async def note(line: str) -> None:
        notes.append(line)

    asyncio.run(
        upload_reports(FinalStep(workspace, parse(BUILDSPEC), StatusType.SUCCEEDED), send, note, export)
    )

    assert sent == {"arn:report/exported": ["a/one.xml"]}
    assert "Report exported: raw data exported (1 file)" in notes
    assert "Report refused: raw data not exported: the bucket is not there" in notes
    assert not any(line.startswith("Report kept: raw data") for line in notes)
