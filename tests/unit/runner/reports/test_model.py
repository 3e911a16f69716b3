"""The report model: formats and their report types, summaries, and the API shapes they serialise to."""

from __future__ import annotations

import botocore.session
import pytest
from botocore.validate import ParamValidator

from codeyard.runner.reports.model import (
    CoverageReport,
    CoverageResult,
    FileFormat,
    ReportStatus,
    ReportType,
    TestCaseResult,
    TestReport,
    TestStatus,
    parse_file_format,
    report_type_of,
)

MODEL = botocore.session.get_session().get_service_model("codebuild")


def _valid(value: dict[str, object], shape: str) -> None:
    report = ParamValidator().validate(value, MODEL.shape_for(shape))
    assert not report.has_errors(), report.generate_report()
    assert set(value) <= set(MODEL.shape_for(shape).members)


def test_enums_are_the_model_values() -> None:
    assert [s.value for s in ReportType] == MODEL.shape_for("ReportType").enum
    assert [s.value for s in ReportStatus] == MODEL.shape_for("ReportStatusType").enum
    doc = MODEL.shape_for("TestCaseFilter").members["status"].documentation
    assert all(f"<code>{s.value}</code>" in doc for s in TestStatus)


@pytest.mark.parametrize(
    ("value", "fmt", "kind"),
    [
        (None, FileFormat.JUNITXML, ReportType.TEST),
        ("", FileFormat.JUNITXML, ReportType.TEST),
        ("JunitXml", FileFormat.JUNITXML, ReportType.TEST),
        (" junitxml ", FileFormat.JUNITXML, ReportType.TEST),
        ("cucumberjson", FileFormat.CUCUMBERJSON, ReportType.TEST),
        ("TESTNGXML", FileFormat.TESTNGXML, ReportType.TEST),
        ("VISUALSTUDIOTRX", FileFormat.VISUALSTUDIOTRX, ReportType.TEST),
        ("NUNITXML", FileFormat.NUNITXML, ReportType.TEST),
        ("nunit3xml", FileFormat.NUNIT3XML, ReportType.TEST),
        ("CLOVERXML", FileFormat.CLOVERXML, ReportType.CODE_COVERAGE),
        ("CoberturaXml", FileFormat.COBERTURAXML, ReportType.CODE_COVERAGE),
        ("JACOCOXML", FileFormat.JACOCOXML, ReportType.CODE_COVERAGE),
        ("simplecov", FileFormat.SIMPLECOV, ReportType.CODE_COVERAGE),
    ],
)
def test_file_formats_are_case_insensitive(value: str | None, fmt: FileFormat, kind: ReportType) -> None:
    assert parse_file_format(value) is fmt
    assert report_type_of(fmt) is kind


def test_an_unknown_format_names_the_valid_ones() -> None:
    with pytest.raises(
        ValueError, match=r"unknown report file-format 'XUNIT'; expected one of JUNITXML, CUCUMBERJSON, "
    ):
        parse_file_format("XUNIT")


def test_a_test_report_serialises_to_the_api_shapes() -> None:
    cases = [
        TestCaseResult("r.xml", "p", "a", TestStatus.SUCCEEDED, 5, None, None),
        TestCaseResult("r.xml", "p", "b", TestStatus.FAILED, 7, "boom", "suite"),
        TestCaseResult("r.xml", "p", "c", TestStatus.SKIPPED, 0, "later", "suite"),
    ]
    report = TestReport.of(cases)
    assert report.summary.to_api() == {
        "total": 3,
        "statusCounts": {"SUCCEEDED": 1, "FAILED": 1, "ERROR": 0, "SKIPPED": 1, "UNKNOWN": 0},
        "durationInNanoSeconds": 12,
    }
    assert cases[0].to_api() == {
        "testRawDataPath": "r.xml",
        "prefix": "p",
        "name": "a",
        "status": "SUCCEEDED",
        "durationInNanoSeconds": 5,
    }
    assert cases[1].to_api()["message"] == "boom"
    assert cases[1].to_api()["testSuiteName"] == "suite"
    for case in cases:
        _valid(case.to_api(), "TestCase")
    _valid(report.summary.to_api(), "TestReportSummary")


def test_a_coverage_report_serialises_to_the_api_shapes() -> None:
    files = [CoverageResult("a.py", 3, 1, 1, 1), CoverageResult("empty.py", 0, 0, 0, 0)]
    report = CoverageReport.of(files)
    assert files[0].to_api() == {
        "filePath": "a.py",
        "lineCoveragePercentage": 75.0,
        "linesCovered": 3,
        "linesMissed": 1,
        "branchCoveragePercentage": 50.0,
        "branchesCovered": 1,
        "branchesMissed": 1,
    }
    assert files[1].to_api() == {
        "filePath": "empty.py",
        "linesCovered": 0,
        "linesMissed": 0,
        "branchesCovered": 0,
        "branchesMissed": 0,
    }
    assert report.summary.to_api() == {
        "lineCoveragePercentage": 75.0,
        "linesCovered": 3,
        "linesMissed": 1,
        "branchCoveragePercentage": 50.0,
        "branchesCovered": 1,
        "branchesMissed": 1,
    }
    for f in files:
        _valid(f.to_api(), "CodeCoverage")
    _valid(report.summary.to_api(), "CodeCoverageReportSummary")


def test_an_empty_report_summary() -> None:
    assert TestReport.of([]).summary.total == 0
    assert CoverageReport.of([]).summary.to_api() == {
        "linesCovered": 0,
        "linesMissed": 0,
        "branchesCovered": 0,
        "branchesMissed": 0,
    }
