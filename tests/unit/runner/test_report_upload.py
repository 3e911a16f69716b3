"""A server build's reports: every group collected and sent, refusals named, oversized rows trimmed."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from codeyard.execution.messages import ReportUpload
from codeyard.runner.buildspec.parser import parse
from codeyard.runner.engine.executors import Workspace
from codeyard.runner.engine.hooks import FinalStep, PhaseError
from codeyard.runner.engine.states import StatusType
from codeyard.runner.report_upload import MAX_MESSAGE_CHARS, ReportNotFiled, message, upload_reports
from codeyard.runner.reports.collect import collect_report

BUILDSPEC = """version: 0.2
phases:
  build:
    commands: [echo]
reports:
  unit:
    files: ['junit.xml']
  refused:
    files: ['junit.xml']
  missing:
    files: ['nothing.xml']
"""


def step(src: Path) -> FinalStep:
    workspace = Workspace(src.parent, src, src.parent / "control", str(src), str(src.parent / "control"))
    return FinalStep(workspace, parse(BUILDSPEC), StatusType.FAILED)


def test_every_group_is_sent_and_the_refused_ones_fail_the_phase(tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    long = "x" * (MAX_MESSAGE_CHARS + 10)
    (src / "junit.xml").write_text(
        f'<testsuite name="s"><testcase classname="c" name="t"><failure message="{long}"/></testcase></testsuite>'
    )
    sent: list[ReportUpload] = []
    notes: list[str] = []

    async def send(upload: ReportUpload) -> str:
        sent.append(upload)
        if upload.group == "refused":
            raise ReportNotFiled("no such group")
        return f"arn:report/{upload.group}"

    async def note(line: str) -> None:
        notes.append(line)

    with pytest.raises(PhaseError) as failure:
        asyncio.run(upload_reports(step(src), send, note))

    assert failure.value.message == "Reports not uploaded: refused: no such group"
    assert [(u.group, u.status) for u in sent] == [
        ("unit", "FAILED"),
        ("refused", "FAILED"),
        ("missing", "INCOMPLETE"),
    ]
    assert len(sent[0].test_cases[0]["message"]) == MAX_MESSAGE_CHARS
    assert sent[0].test_summary == {
        "total": 1,
        "statusCounts": {"SUCCEEDED": 0, "FAILED": 1, "ERROR": 0, "SKIPPED": 0, "UNKNOWN": 0},
        "durationInNanoSeconds": 0,
    }
    assert "Report unit (TEST, FAILED) uploaded: arn:report/unit" in notes
    assert "Report refused was not uploaded: no such group" in notes
    assert any(line.startswith("Report missing: no report files matched") for line in notes)


def test_coverage_rows_beyond_the_request_budget_are_left_out(tmp_path: Path) -> None:
    lines = "".join(
        f'<class name="c" filename="src/{"d" * 200}/f{i}.py"><lines><line number="1" hits="1"/></lines></class>'
        for i in range(30_000)
    )
    (tmp_path / "coverage.xml").write_text(
        f"<coverage><packages><package><classes>{lines}</classes></package></packages></coverage>"
    )
    report = collect_report(tmp_path, ["coverage.xml"], file_format="COBERTURAXML")

    upload = message("cover", report)

    assert 0 < len(upload.coverages) < 30_000
    assert upload.truncated is True
    assert upload.coverage_summary is not None
    assert upload.coverage_summary["linesCovered"] == 30_000  # the summary counts every file
    assert not message("cover", collect_report(tmp_path, ["none.xml"], file_format="COBERTURAXML")).truncated
