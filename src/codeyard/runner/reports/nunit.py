"""NUnit XML test results: NUnit 2's <test-results> and NUnit 3's <test-run>."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable

from codeyard.runner.reports.durations import seconds_to_nanos
from codeyard.runner.reports.model import TestCaseResult, TestStatus
from codeyard.runner.reports.xmldoc import XmlDocument, child_text

# suites that group the cases of one method (parameterised tests, theories): not a test suite of their own
_METHOD_SUITES = {"ParameterizedTest", "ParameterizedMethod", "Theory", "GenericMethod"}

_Maker = Callable[[XmlDocument, ET.Element, "str | None"], TestCaseResult]

_NUNIT2 = {
    "success": TestStatus.SUCCEEDED,
    "failure": TestStatus.FAILED,
    "error": TestStatus.ERROR,
    "notrunnable": TestStatus.ERROR,
    "ignored": TestStatus.SKIPPED,
    "skipped": TestStatus.SKIPPED,
}

_NUNIT3 = {"passed": TestStatus.SUCCEEDED, "failed": TestStatus.FAILED, "skipped": TestStatus.SKIPPED}
# NUnit 3 marks errors, invalid (not runnable) and cancelled tests as Failed with a label
_NUNIT3_FAILED_LABELS = {
    "error": TestStatus.ERROR,
    "invalid": TestStatus.ERROR,
    "cancelled": TestStatus.ERROR,
}


def parse_nunit2(data: bytes, raw_path: str) -> list[TestCaseResult]:
    """The test cases of an NUnit 2 TestResult.xml (<test-results> root)."""
    doc = XmlDocument(data, raw_path)
    cases: list[TestCaseResult] = []
    _walk(doc, doc.expect_root("test-results"), None, cases, _case2)
    return cases


def parse_nunit3(data: bytes, raw_path: str) -> list[TestCaseResult]:
    """The test cases of an NUnit 3 TestResult.xml (<test-run> root)."""
    doc = XmlDocument(data, raw_path)
    cases: list[TestCaseResult] = []
    _walk(doc, doc.expect_root("test-run"), None, cases, _case3)
    return cases


def _walk(
    doc: XmlDocument, elem: ET.Element, suite: str | None, cases: list[TestCaseResult], make: _Maker
) -> None:
    """Every <test-case> under `elem`, in document order, with its nearest enclosing suite's name."""
    for child in elem:
        if child.tag == "test-case":
            cases.append(make(doc, child, suite))
        elif child.tag == "test-suite" and child.get("type") not in _METHOD_SUITES:
            _walk(doc, child, child.get("name", suite), cases, make)
        elif child.tag in {"test-suite", "results"}:
            _walk(doc, child, suite, cases, make)


def _case2(doc: XmlDocument, elem: ET.Element, suite: str | None) -> TestCaseResult:
    name = doc.required(elem, "name")
    result = elem.get("result")
    if result is not None:
        status = _NUNIT2.get(result.lower(), TestStatus.UNKNOWN)
    elif elem.get("executed", "").lower() == "false":
        status = TestStatus.SKIPPED
    else:
        status = TestStatus.SUCCEEDED if elem.get("success", "").lower() == "true" else TestStatus.FAILED
    return _result(doc, elem, _class_of(name), name, status, suite)


def _case3(doc: XmlDocument, elem: ET.Element, suite: str | None) -> TestCaseResult:
    name = elem.get("fullname") or doc.required(elem, "name")
    result = doc.required(elem, "result").lower()
    status = _NUNIT3.get(result, TestStatus.UNKNOWN)
    if result == "failed":
        status = _NUNIT3_FAILED_LABELS.get(elem.get("label", "").lower(), TestStatus.FAILED)
    return _result(doc, elem, elem.get("classname") or _class_of(name), name, status, suite)


def _result(
    doc: XmlDocument, elem: ET.Element, prefix: str, name: str, status: TestStatus, suite: str | None
) -> TestCaseResult:
    time = elem.get("duration", elem.get("time"))
    duration = seconds_to_nanos(time)
    if duration is None:
        raise doc.error(elem, f"<test-case> time {time!r} is not a number of seconds")
    return TestCaseResult(
        test_raw_data_path=doc.path,
        prefix=prefix,
        name=name,
        status=status,
        duration_in_nano_seconds=duration,
        message=_message(elem),
        test_suite_name=suite,
    )


def _message(elem: ET.Element) -> str | None:
    """The failure's message, else the reason (why it was skipped or not runnable)."""
    for holder in ("failure", "reason"):
        found = elem.find(holder)
        if found is not None:
            text = child_text(found, "message")
            if text is not None:
                return text
    return None


def _class_of(full_name: str) -> str:
    """ "Ns.Fixture" of "Ns.Fixture.Method(1.5, 2)": the name up to the last dot before the arguments."""
    head = full_name.split("(", 1)[0]
    return head.rpartition(".")[0]
