"""TestNG XML test results (testng-results.xml): one test case per non-configuration <test-method>."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from codeyard.runner.reports.durations import millis_to_nanos
from codeyard.runner.reports.model import TestCaseResult, TestStatus
from codeyard.runner.reports.xmldoc import XmlDocument, child_text, children

_STATUSES = {"PASS": TestStatus.SUCCEEDED, "FAIL": TestStatus.FAILED, "SKIP": TestStatus.SKIPPED}


def parse_testng(data: bytes, raw_path: str) -> list[TestCaseResult]:
    """The test methods of a testng-results.xml file, by suite, test and class."""
    doc = XmlDocument(data, raw_path)
    root = doc.expect_root("testng-results")
    cases: list[TestCaseResult] = []
    for suite in children(root, "suite"):
        suite_name = suite.get("name")
        for test in children(suite, "test"):
            for cls in children(test, "class"):
                class_name = doc.required(cls, "name")
                for method in children(cls, "test-method"):
                    if method.get("is-config", "false").lower() != "true":
                        cases.append(_case(doc, method, class_name, suite_name))
    return cases


def _case(doc: XmlDocument, elem: ET.Element, class_name: str, suite: str | None) -> TestCaseResult:
    name = doc.required(elem, "name")
    duration = millis_to_nanos(elem.get("duration-ms"))
    if duration is None:
        raise doc.error(elem, f"<test-method> duration-ms={elem.get('duration-ms')!r} is not a number")
    status = _STATUSES.get(doc.required(elem, "status").upper(), TestStatus.UNKNOWN)
    return TestCaseResult(
        test_raw_data_path=doc.path,
        prefix=class_name,
        name=name,
        status=status,
        duration_in_nano_seconds=duration,
        message=_message(elem.find("exception")),
        test_suite_name=suite,
    )


def _message(exception: ET.Element | None) -> str | None:
    """ "<exception class>: <message>", as a Java stack trace starts."""
    if exception is None:
        return None
    cls = exception.get("class")
    text = (child_text(exception, "message") or "").strip()
    if cls and text:
        return f"{cls}: {text}"
    return cls or text or None
