"""The typed results of CodeBuild reports: test cases, coverage per file, their summaries and formats."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from codeyard.runner.buildspec.model_sections import ReportFileFormat

# The buildspec's own enum of `file-format` values, under the name the parsers use.
FileFormat = ReportFileFormat


class ReportType(StrEnum):
    """The kind of a report group and its reports (CodeBuild `ReportType`)."""

    TEST = "TEST"
    CODE_COVERAGE = "CODE_COVERAGE"


class ReportStatus(StrEnum):
    """The status of a report (CodeBuild `ReportStatusType`)."""

    GENERATING = "GENERATING"
    SUCCEEDED = "SUCCEEDED"
    FAILED = "FAILED"
    INCOMPLETE = "INCOMPLETE"
    DELETING = "DELETING"


class TestStatus(StrEnum):
    """The status of one test case, as CodeBuild names it."""

    __test__ = False

    SUCCEEDED = "SUCCEEDED"
    FAILED = "FAILED"
    ERROR = "ERROR"
    SKIPPED = "SKIPPED"
    UNKNOWN = "UNKNOWN"


def parse_file_format(value: str | None) -> FileFormat:
    """The format named by a buildspec value (case-insensitive; JUNITXML when absent)."""
    if value is None or value.strip() == "":
        return FileFormat.JUNITXML
    try:
        return FileFormat(value.strip().upper())
    except ValueError:
        names = ", ".join(member.value for member in FileFormat)
        raise ValueError(f"unknown report file-format {value!r}; expected one of {names}") from None


def report_type_of(fmt: FileFormat) -> ReportType:
    """TEST for the test-result formats, CODE_COVERAGE for the coverage formats."""
    return ReportType.CODE_COVERAGE if fmt.is_coverage else ReportType.TEST


@dataclass(frozen=True, slots=True)
class TestCaseResult:
    """One test case; the fields are CodeBuild's `TestCase` members less reportArn and expired."""

    __test__ = False

    test_raw_data_path: str
    prefix: str
    name: str
    status: TestStatus
    duration_in_nano_seconds: int
    message: str | None
    test_suite_name: str | None

    def to_api(self) -> dict[str, Any]:
        """The `TestCase` members this result knows, named as the CodeBuild API names them."""
        out: dict[str, Any] = {
            "testRawDataPath": self.test_raw_data_path,
            "prefix": self.prefix,
            "name": self.name,
            "status": self.status.value,
            "durationInNanoSeconds": self.duration_in_nano_seconds,
        }
        if self.message is not None:
            out["message"] = self.message
        if self.test_suite_name is not None:
            out["testSuiteName"] = self.test_suite_name
        return out


@dataclass(frozen=True, slots=True)
class TestReportSummary:
    """CodeBuild's `TestReportSummary`: the number of cases, per status, and their total duration."""

    __test__ = False

    total: int
    status_counts: dict[str, int]
    duration_in_nano_seconds: int

    @classmethod
    def of(cls, cases: Iterable[TestCaseResult]) -> TestReportSummary:
        """The summary of these cases: every status is counted, zero included."""
        counts = {status.value: 0 for status in TestStatus}
        total = duration = 0
        for case in cases:
            counts[case.status.value] += 1
            total += 1
            duration += case.duration_in_nano_seconds
        return cls(total=total, status_counts=counts, duration_in_nano_seconds=duration)

    def to_api(self) -> dict[str, Any]:
        """The summary as the CodeBuild API names it."""
        return {
            "total": self.total,
            "statusCounts": dict(self.status_counts),
            "durationInNanoSeconds": self.duration_in_nano_seconds,
        }


def percentage(covered: int, missed: int) -> float | None:
    """covered / (covered + missed) in percent; None when nothing was measured."""
    total = covered + missed
    return None if total == 0 else 100.0 * covered / total


@dataclass(frozen=True, slots=True)
class CoverageResult:
    """The coverage of one source file; the fields are CodeBuild's `CodeCoverage` members it computes."""

    file_path: str
    lines_covered: int
    lines_missed: int
    branches_covered: int
    branches_missed: int

    @property
    def line_coverage_percentage(self) -> float | None:
        """Covered lines in percent of the measured lines (None when no line was measured)."""
        return percentage(self.lines_covered, self.lines_missed)

    @property
    def branch_coverage_percentage(self) -> float | None:
        """Covered branches in percent of all branches (None when the file has none)."""
        return percentage(self.branches_covered, self.branches_missed)

    def to_api(self) -> dict[str, Any]:
        """The `CodeCoverage` members this result knows, named as the CodeBuild API names them."""
        return {"filePath": self.file_path, **_coverage_figures(self)}


@dataclass(frozen=True, slots=True)
class CoverageSummary:
    """CodeBuild's `CodeCoverageReportSummary`: the figures over every file of a report."""

    lines_covered: int
    lines_missed: int
    branches_covered: int
    branches_missed: int

    @classmethod
    def of(cls, files: Iterable[CoverageResult]) -> CoverageSummary:
        """The sum of the figures of these files."""
        lc = lm = bc = bm = 0
        for f in files:
            lc, lm = lc + f.lines_covered, lm + f.lines_missed
            bc, bm = bc + f.branches_covered, bm + f.branches_missed
        return cls(lines_covered=lc, lines_missed=lm, branches_covered=bc, branches_missed=bm)

    @property
    def line_coverage_percentage(self) -> float | None:
        """Covered lines in percent over all files (None when no line was measured)."""
        return percentage(self.lines_covered, self.lines_missed)

    @property
    def branch_coverage_percentage(self) -> float | None:
        """Covered branches in percent over all files (None when there are no branches)."""
        return percentage(self.branches_covered, self.branches_missed)

    def to_api(self) -> dict[str, Any]:
        """The summary as the CodeBuild API names it."""
        return _coverage_figures(self)


def _coverage_figures(figures: CoverageResult | CoverageSummary) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if figures.line_coverage_percentage is not None:
        out["lineCoveragePercentage"] = figures.line_coverage_percentage
    out["linesCovered"] = figures.lines_covered
    out["linesMissed"] = figures.lines_missed
    if figures.branch_coverage_percentage is not None:
        out["branchCoveragePercentage"] = figures.branch_coverage_percentage
    out["branchesCovered"] = figures.branches_covered
    out["branchesMissed"] = figures.branches_missed
    return out


@dataclass(frozen=True, slots=True)
class TestReport:
    """The test cases read from one or more files, with their summary."""

    __test__ = False

    cases: tuple[TestCaseResult, ...]
    summary: TestReportSummary

    @classmethod
    def of(cls, cases: Iterable[TestCaseResult]) -> TestReport:
        """A report of these cases, summarised."""
        kept = tuple(cases)
        return cls(cases=kept, summary=TestReportSummary.of(kept))


@dataclass(frozen=True, slots=True)
class CoverageReport:
    """The coverage of the files read from one or more coverage files, with their summary."""

    files: tuple[CoverageResult, ...]
    summary: CoverageSummary

    @classmethod
    def of(cls, files: Iterable[CoverageResult]) -> CoverageReport:
        """A report of these files, summarised."""
        kept = tuple(files)
        return cls(files=kept, summary=CoverageSummary.of(kept))
