"""The terminal view of a local build: phases and log lines as they come, then the summary table."""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import TextIO

from codeyard.cli.build_results import BuildResults, GroupReport, WrittenArtifact
from codeyard.runner.engine.events import BuildEnded, BuildEvent, LogLines, PhaseEnded, PhaseStarted
from codeyard.runner.engine.states import BuildPhaseType

_ENGINE_LINE = re.compile(r"\[Container\] \d{4}/\d\d/\d\d \d\d:\d\d:\d\d\.\d+ (.*)")
# The engine's own lines that the phase lines of this view stand for.
_SHOWN_AS_PHASES = ("Entering phase ", "Phase complete: ", "Phase context status code: ")
_RESET = "\033[0m"
_GREEN, _RED, _YELLOW = "\033[32m", "\033[31m", "\033[33m"
_COLOURS = {
    "SUCCEEDED": _GREEN,
    "FAILED": _RED,
    "FAULT": _RED,
    "TIMED_OUT": _YELLOW,
    "STOPPED": _YELLOW,
    "INCOMPLETE": _YELLOW,
}
_BOLD, _DIM = "\033[1m", "\033[2m"


def wants_colour(stream: TextIO) -> bool:
    """Colours only on a terminal, and never when NO_COLOR is set (https://no-color.org)."""
    return stream.isatty() and not os.environ.get("NO_COLOR")


class BuildView:
    """Writes a build's events to a stream as they come (unless quiet), and the summary at the end."""

    def __init__(
        self, stream: TextIO, *, colour: bool, quiet: bool, mask: Callable[[str], str] = str
    ) -> None:
        self._stream = stream
        self._colour = colour
        self._quiet = quiet
        self._mask = mask  # the build's masker: what the summary names may hold a secret value

    async def __call__(self, event: BuildEvent) -> None:
        """The engine's event sink."""
        if self._quiet:
            return
        if isinstance(event, PhaseStarted) and event.phase is not BuildPhaseType.COMPLETED:
            self._write([self._paint(f"==> {event.phase}", _BOLD)])
        elif isinstance(event, PhaseEnded):
            self._write(self._phase_end(event))
        elif isinstance(event, LogLines):
            self._write([shown for line in event.lines if (shown := self._log_line(line)) is not None])

    def _phase_end(self, record: PhaseEnded) -> list[str]:
        status = self._status(record.status)
        lines = [f"{self._paint('==>', _BOLD)} {record.phase} {status} ({_seconds(record)})"]
        lines += [
            f"    {context.status_code}: {context.message}"
            for context in record.contexts
            if context.status_code
        ]
        return lines

    def _log_line(self, line: str) -> str | None:
        match = _ENGINE_LINE.fullmatch(line)
        if match is None:
            return line
        message = match.group(1)
        if message.startswith(_SHOWN_AS_PHASES):
            return None
        if message.startswith("Running command "):
            return self._paint(f"$ {message.removeprefix('Running command ')}", _BOLD)
        return self._paint(f"  {message}", _DIM)

    def summary(self, ended: BuildEnded, started: datetime, results: BuildResults) -> None:
        """The table of phases, the artifacts, the reports and the build's status."""
        lines = ["", f"{'Phase':<18} {'Status':<10} {'Duration':>10}"]
        for record in ended.phases:
            status = self._status(record.status, width=10)
            lines.append(f"{record.phase!s:<18} {status} {_seconds(record):>10}")
        lines += _artifact_lines(results.artifacts)
        lines += self._report_lines(results.reports)
        lines += [f"warning: {warning}" for warning in results.warnings]
        total = (ended.time - started).total_seconds()
        lines += ["", f"Build {self._status(ended.status)} in {total:.2f} s"]
        self._write(lines)

    def _report_lines(self, reports: Sequence[GroupReport]) -> list[str]:
        if not reports:
            return []
        lines = ["", "Reports"]
        for item in reports:
            report = item.report
            figures = ""
            if report.test is not None:
                counts = report.test.summary.status_counts
                shown = ", ".join(f"{count} {status.lower()}" for status, count in counts.items() if count)
                figures = f"{report.test.summary.total} tests" + (f": {shown}" if shown else "")
            if report.coverage is not None:
                summary = report.coverage.summary
                figures = f"lines {_percent(summary.line_coverage_percentage)}, branches {_percent(summary.branch_coverage_percentage)}"
            where = f"  -> {_shown_path(item.path)}" if item.path is not None else ""
            status = self._status(report.status)
            lines.append(f"  {item.group}  {report.type}  {status}  {figures}{where}")
            if report.message:
                lines.append(f"    {report.message}")
        return lines

    def _status(self, status: str, width: int = 0) -> str:
        colour = _COLOURS.get(status)
        shown = status.ljust(width)
        return self._paint(shown, colour) if colour else shown

    def _paint(self, text: str, code: str) -> str:
        return f"{code}{text}{_RESET}" if self._colour else text

    def _write(self, lines: list[str]) -> None:
        if lines:
            self._stream.write(self._mask("\n".join(lines)) + "\n")
            self._stream.flush()


def _artifact_lines(artifacts: Sequence[WrittenArtifact]) -> list[str]:
    if not artifacts:
        return []
    lines = ["", "Artifacts"]
    for artifact in artifacts:
        if artifact.path is None:
            lines.append(
                f"  {artifact.identifier}  {artifact.entries} file(s) selected, not written (--artifacts DIR)"
            )
        else:
            lines.append(
                f"  {artifact.identifier}  {_shown_path(artifact.path)}  {_size(artifact.size)}  {artifact.entries} file(s)"
            )
    return lines


def _seconds(record: PhaseEnded) -> str:
    return f"{(record.end_time - record.start_time).total_seconds():.2f} s"


def _percent(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1f}%"


def _size(size: int) -> str:
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} KiB"
    return f"{size / 1024 / 1024:.1f} MiB"


def _shown_path(path: Path) -> str:
    """A path relative to the current directory when it is below it."""
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)
