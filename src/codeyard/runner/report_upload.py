"""A server build's reports: each `reports:` group collected in FINALIZING and sent to the server (with
its raw files when the server asks for them: its group exports to S3)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import Any

from codeyard.execution.messages import ReportFiled, ReportUpload
from codeyard.runner.artifact_upload import expand
from codeyard.runner.engine.hooks import FinalStep, PhaseError
from codeyard.runner.engine.lines import utf8_safe
from codeyard.runner.engine.states import CLIENT_ERROR
from codeyard.runner.report_export import Export, export_raw_files
from codeyard.runner.reports.collect import CollectedReport, collect_report

MAX_MESSAGE_CHARS = 8192  # of one test case's message: 500 cases stay well inside a work API request
MAX_ROWS_BYTES = 6 * 1024 * 1024  # of a report's test cases or coverages: the work API takes 8 MiB a request


class ReportNotFiled(Exception):
    """The server refused a report (its group is missing or of another type)."""


Send = Callable[[ReportUpload], Awaitable[str | ReportFiled]]


async def upload_reports(
    step: FinalStep, send: Send, note: Callable[[str], Awaitable[None]], export: Export | None = None
) -> None:
    """Collects every report group of the buildspec and hands each report to `send`, which answers
    its ARN (and whether to export its raw files, then handed to `export`) or raises ReportNotFiled.
    Every group is tried; refused ones then fail the phase (an export that fails is only noted)."""
    if step.buildspec is None or not step.buildspec.reports:
        return
    refused: list[str] = []
    for group, spec in step.buildspec.reports.items():
        report = await asyncio.to_thread(
            collect_report,
            step.workspace.src_dir,
            [expand(pattern, step.environment) for pattern in spec.files],
            base_directory=None
            if spec.base_directory is None
            else expand(spec.base_directory, step.environment),
            discard_paths=spec.discard_paths,
            file_format=spec.file_format.value,
            filesystem_root=step.workspace.filesystem_root,
            readable_roots=step.workspace.readable_roots,
        )
        if report.message:
            await note(f"Report {group}: {report.message}")
        for name in report.raw_files:
            if (shown := utf8_safe(name)) != name:
                await note(f"Report {group}: the name of {shown} is not UTF-8: U+FFFD stands for its bytes")
        try:
            filed = await send(message(group, report))
        except ReportNotFiled as error:
            await note(f"Report {group} was not uploaded: {error}")
            refused.append(f"{group}: {error}")
            continue
        filed = filed if isinstance(filed, ReportFiled) else ReportFiled(filed)
        await note(f"Report {group} ({report.type}, {report.status}) uploaded: {filed.report_arn}")
        if filed.export_raw_data and export is not None:
            await export_raw_files(group, filed.report_arn, report, export, note)
    if refused:
        raise PhaseError(CLIENT_ERROR, "Reports not uploaded: " + "; ".join(refused))


def message(group: str, report: CollectedReport) -> ReportUpload:
    """The work API message of one collected report."""
    cases: list[dict[str, Any]] = []
    coverages: list[dict[str, Any]] = []
    if report.test is not None:
        for case in report.test.cases:
            shape = case.to_api()
            if len(shape.get("message") or "") > MAX_MESSAGE_CHARS:
                shape["message"] = shape["message"][:MAX_MESSAGE_CHARS]
            cases.append(shape)
    if report.coverage is not None:
        coverages = [item.to_api() for item in report.coverage.files]
    kept_cases, kept_coverages = _within(cases), _within(coverages)
    trimmed = len(kept_cases) < len(cases) or len(kept_coverages) < len(coverages)
    return ReportUpload(
        group=group,
        type=report.type.value,
        status=report.status.value,
        truncated=report.truncated or trimmed,
        test_summary=report.test.summary.to_api() if report.test is not None else None,
        coverage_summary=report.coverage.summary.to_api() if report.coverage is not None else None,
        test_cases=kept_cases,
        coverages=kept_coverages,
    )


def cleaned(upload: ReportUpload, clean: Callable[[str], str]) -> ReportUpload:
    """The report with `clean` (the build's masker, U+FFFD for undecodable bytes) applied to every
    string of its test cases and coverages: names, paths and messages that reach the server."""
    return replace(
        upload,
        test_cases=[_clean_row(row, clean) for row in upload.test_cases],
        coverages=[_clean_row(row, clean) for row in upload.coverages],
    )


def _clean_row(row: dict[str, Any], clean: Callable[[str], str]) -> dict[str, Any]:
    return {key: clean(value) if isinstance(value, str) else value for key, value in row.items()}


def _within(rows: list[dict[str, Any]], budget: int = MAX_ROWS_BYTES) -> list[dict[str, Any]]:
    """The first rows whose JSON fits in `budget` bytes (the summary still counts them all)."""
    used = 0
    for index, row in enumerate(rows):
        used += len(json.dumps(row).encode()) + 2
        if used > budget:
            return rows[:index]
    return rows
