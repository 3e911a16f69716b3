"""Visual Studio TRX test results (vstest, dotnet test --logger trx): one case per UnitTestResult."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import PureWindowsPath

from codeyard.runner.reports.durations import timespan_to_nanos
from codeyard.runner.reports.model import TestCaseResult, TestStatus
from codeyard.runner.reports.xmldoc import XmlDocument, child_text, children

_OUTCOMES = {
    "passed": TestStatus.SUCCEEDED,
    "passedbutrunaborted": TestStatus.SUCCEEDED,
    "failed": TestStatus.FAILED,
    "error": TestStatus.ERROR,
    "timeout": TestStatus.ERROR,
    "aborted": TestStatus.ERROR,
    "notrunnable": TestStatus.ERROR,
    "notexecuted": TestStatus.SKIPPED,
}


def parse_trx(data: bytes, raw_path: str) -> list[TestCaseResult]:
    """The test results of a .trx file, with the class and storage of each test from its definition."""
    doc = XmlDocument(data, raw_path)
    root = doc.expect_root("TestRun")
    definitions: dict[str, tuple[str, str | None]] = {}
    for defs in children(root, "TestDefinitions"):
        for test in defs:
            method = test.find("TestMethod")
            class_name = method.get("className", "") if method is not None else ""
            storage = test.get("storage")
            suite = PureWindowsPath(storage).name if storage else None
            definitions[test.get("id", "")] = (class_name.split(",", 1)[0].strip(), suite)
    cases: list[TestCaseResult] = []
    for results in children(root, "Results"):
        _results(doc, results, definitions, root.get("name"), cases)
    return cases


def _results(
    doc: XmlDocument,
    holder: ET.Element,
    definitions: dict[str, tuple[str, str | None]],
    run_name: str | None,
    cases: list[TestCaseResult],
) -> None:
    """The results under `holder`; a data-driven result stands for its inner results when it has some."""
    for elem in holder:
        if not elem.tag.endswith("TestResult") and elem.tag != "TestResultAggregation":
            continue
        inner = elem.find("InnerResults")
        if inner is not None and len(inner):
            _results(doc, inner, definitions, run_name, cases)
        else:
            cases.append(_case(doc, elem, definitions, run_name))


def _case(
    doc: XmlDocument, elem: ET.Element, definitions: dict[str, tuple[str, str | None]], run_name: str | None
) -> TestCaseResult:
    name = doc.required(elem, "testName")
    duration = timespan_to_nanos(elem.get("duration"))
    if duration is None:
        raise doc.error(elem, f"<{elem.tag}> duration={elem.get('duration')!r} is not a time span")
    class_name, suite = definitions.get(elem.get("testId", ""), ("", None))
    outcome = elem.get("outcome", "")
    return TestCaseResult(
        test_raw_data_path=doc.path,
        prefix=class_name,
        name=name,
        status=_OUTCOMES.get(outcome.lower(), TestStatus.UNKNOWN),
        duration_in_nano_seconds=duration,
        message=_message(elem),
        test_suite_name=suite or run_name,
    )


def _message(elem: ET.Element) -> str | None:
    """The ErrorInfo message, then its stack trace on the lines after it."""
    info = elem.find("Output/ErrorInfo")
    if info is None:
        return None
    parts = [child_text(info, "Message"), child_text(info, "StackTrace")]
    kept = [p.strip("\n") for p in parts if p is not None]
    return "\n".join(kept) if kept else None
