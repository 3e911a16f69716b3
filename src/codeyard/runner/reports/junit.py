"""JUnit XML test results (pytest, Maven Surefire, Gradle, Jest and the other JUnit-style writers)."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from codeyard.runner.reports.durations import seconds_to_nanos
from codeyard.runner.reports.model import TestCaseResult, TestStatus
from codeyard.runner.reports.xmldoc import XmlDocument, children

# the element inside a <testcase> that decides its status, strongest first
_OUTCOMES = (
    ("error", TestStatus.ERROR),
    ("failure", TestStatus.FAILED),
    ("rerunError", TestStatus.ERROR),
    ("rerunFailure", TestStatus.FAILED),
    ("skipped", TestStatus.SKIPPED),
)


def parse_junit(data: bytes, raw_path: str) -> list[TestCaseResult]:
    """The test cases of a JUnit XML file: a <testsuites> root, a bare <testsuite>, nested suites."""
    doc = XmlDocument(data, raw_path)
    root = doc.expect_root("testsuites", "testsuite")
    cases: list[TestCaseResult] = []
    _walk(doc, root, root.get("name") if root.tag == "testsuite" else None, cases)
    return cases


def _walk(doc: XmlDocument, elem: ET.Element, suite: str | None, cases: list[TestCaseResult]) -> None:
    for child in children(elem, "testsuite", "testcase"):
        if child.tag == "testsuite":
            _walk(doc, child, child.get("name", suite), cases)
        else:
            cases.append(_case(doc, child, suite))


def _case(doc: XmlDocument, elem: ET.Element, suite: str | None) -> TestCaseResult:
    name = doc.required(elem, "name")
    duration = seconds_to_nanos(elem.get("time"))
    if duration is None:
        raise doc.error(elem, f"<testcase> time={elem.get('time')!r} is not a number of seconds")
    status, message = TestStatus.SUCCEEDED, None
    for tag, outcome in _OUTCOMES:
        found = elem.find(tag)
        if found is not None:
            status, message = outcome, _message(found)
            break
    return TestCaseResult(
        test_raw_data_path=doc.path,
        prefix=elem.get("classname") or suite or "",
        name=name,
        status=status,
        duration_in_nano_seconds=duration,
        message=message,
        test_suite_name=suite,
    )


def _message(elem: ET.Element) -> str | None:
    """The message attribute, then the element's text (the stack trace) on the lines after it."""
    parts = [elem.get("message"), (elem.text or "").strip()]
    kept = [p for p in parts if p]
    if len(kept) == 2 and kept[1].startswith(kept[0]):
        kept = kept[1:]
    return "\n".join(kept) if kept else None
