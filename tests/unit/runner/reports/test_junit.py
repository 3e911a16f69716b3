"""JUnit XML: pytest's real output, Maven Surefire's shape, nested suites, time variants, bad files."""

from __future__ import annotations

import pytest

from codeyard.runner.reports.errors import ReportFileError
from codeyard.runner.reports.junit import parse_junit
from codeyard.runner.reports.model import TestCaseResult, TestStatus

# written by `python -m pytest --junitxml` (pytest 9) on a small project, the source path shortened
PYTEST = b"""<?xml version="1.0" encoding="utf-8"?><testsuites name="pytest tests"><testsuite name="pytest" \
errors="1" failures="1" skipped="1" tests="6" time="0.066" timestamp="2026-11-29T08:53:43.094482+00:00" hostname="vm">\
<testcase classname="tests.test_calc" name="test_add" time="0.000" />\
<testcase classname="tests.test_calc" name="test_sign_positive" time="0.000" />\
<testcase classname="tests.test_calc" name="test_wrong" time="0.001"><failure message="assert 2 == 3&#10; +  where 2 = \
add(1, 1)">def test_wrong():
&gt;       assert add(1, 1) == 3
E       assert 2 == 3
E        +  where 2 = add(1, 1)

tests/test_calc.py:15: AssertionError</failure></testcase>\
<testcase classname="tests.test_calc" name="test_skipped" time="0.000"><skipped type="pytest.skip" \
message="not today">src/tests/test_calc.py:18: not today</skipped></testcase>\
<testcase classname="tests.test_calc" name="test_error" time="0.000"><error message="failed on setup with \
&quot;RuntimeError: fixture exploded&quot;">@pytest.fixture
    def broken():
&gt;       raise RuntimeError("fixture exploded")
E       RuntimeError: fixture exploded

tests/test_calc.py:25: RuntimeError</error></testcase>\
<testcase classname="tests.test_calc.TestGroup" name="test_in_class" time="0.000" /></testsuite></testsuites>"""

# the shape of Maven Surefire's TEST-<class>.xml: a bare <testsuite>, properties, output, reruns
SUREFIRE = b"""<?xml version="1.0" encoding="UTF-8"?>
<testsuite xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
    xsi:noNamespaceSchemaLocation="https://maven.apache.org/surefire/maven-surefire-plugin/xsd/surefire-test-report-3.0.xsd"
    version="3.0" name="com.example.CalculatorTest" time="1,234.5" tests="4" errors="0" skipped="1" failures="1">
  <properties>
    <property name="java.version" value="17.0.9"/>
  </properties>
  <testcase name="adds" classname="com.example.CalculatorTest" time="0.012"/>
  <testcase name="divides" classname="com.example.CalculatorTest" time="1,234.25">
    <failure message="expected: &lt;2&gt; but was: &lt;3&gt;" type="org.opentest4j.AssertionFailedError"><![CDATA[\
org.opentest4j.AssertionFailedError: expected: <2> but was: <3>
\tat com.example.CalculatorTest.divides(CalculatorTest.java:21)
]]></failure>
    <system-out><![CDATA[dividing]]></system-out>
  </testcase>
  <testcase name="flaky" classname="com.example.CalculatorTest" time="0.5">
    <flakyFailure message="timeout" type="java.lang.AssertionError"><stackTrace>...</stackTrace></flakyFailure>
  </testcase>
  <testcase name="later" classname="com.example.CalculatorTest" time="0">
    <skipped message="@Disabled"/>
  </testcase>
</testsuite>
"""


def _case(**fields: object) -> TestCaseResult:
    base: dict[str, object] = {
        "test_raw_data_path": "reports/junit.xml",
        "message": None,
        "duration_in_nano_seconds": 0,
    }
    return TestCaseResult(**{**base, **fields})  # type: ignore[arg-type]


def test_pytest_output_every_field() -> None:
    cases = parse_junit(PYTEST, "reports/junit.xml")
    suite = {"test_suite_name": "pytest"}
    assert cases == [
        _case(prefix="tests.test_calc", name="test_add", status=TestStatus.SUCCEEDED, **suite),
        _case(prefix="tests.test_calc", name="test_sign_positive", status=TestStatus.SUCCEEDED, **suite),
        _case(
            prefix="tests.test_calc",
            name="test_wrong",
            status=TestStatus.FAILED,
            duration_in_nano_seconds=1_000_000,
            message="assert 2 == 3\n +  where 2 = add(1, 1)\ndef test_wrong():\n>       assert add(1, 1) == 3\n"
            "E       assert 2 == 3\nE        +  where 2 = add(1, 1)\n\ntests/test_calc.py:15: AssertionError",
            **suite,
        ),
        _case(
            prefix="tests.test_calc",
            name="test_skipped",
            status=TestStatus.SKIPPED,
            message="not today\nsrc/tests/test_calc.py:18: not today",
            **suite,
        ),
        _case(
            prefix="tests.test_calc",
            name="test_error",
            status=TestStatus.ERROR,
            message='failed on setup with "RuntimeError: fixture exploded"\n@pytest.fixture\n    def broken():\n'
            '>       raise RuntimeError("fixture exploded")\nE       RuntimeError: fixture exploded\n\n'
            "tests/test_calc.py:25: RuntimeError",
            **suite,
        ),
        _case(prefix="tests.test_calc.TestGroup", name="test_in_class", status=TestStatus.SUCCEEDED, **suite),
    ]


def test_surefire_bare_testsuite_with_grouped_seconds_and_reruns() -> None:
    cases = parse_junit(SUREFIRE, "TEST-com.example.CalculatorTest.xml")
    assert [(c.name, c.status, c.duration_in_nano_seconds) for c in cases] == [
        ("adds", TestStatus.SUCCEEDED, 12_000_000),
        ("divides", TestStatus.FAILED, 1_234_250_000_000),
        ("flaky", TestStatus.SUCCEEDED, 500_000_000),
        ("later", TestStatus.SKIPPED, 0),
    ]
    assert {c.prefix for c in cases} == {"com.example.CalculatorTest"}
    assert {c.test_suite_name for c in cases} == {"com.example.CalculatorTest"}
    assert {c.test_raw_data_path for c in cases} == {"TEST-com.example.CalculatorTest.xml"}
    assert cases[1].message == (
        "expected: <2> but was: <3>\norg.opentest4j.AssertionFailedError: expected: <2> but was: <3>\n"
        "\tat com.example.CalculatorTest.divides(CalculatorTest.java:21)"
    )
    assert cases[2].message is None
    assert cases[3].message == "@Disabled"


def test_nested_suites_take_the_innermost_name_and_a_missing_classname_takes_the_suite() -> None:
    data = b"""<testsuites>
      <testsuite name="outer">
        <testcase name="top" time="1"/>
        <testsuite name="inner"><testcase name="deep" time="0,25"/></testsuite>
        <testsuite><testcase name="unnamed" classname="k"/></testsuite>
      </testsuite>
      <testcase name="loose"/>
    </testsuites>"""
    cases = parse_junit(data, "r.xml")
    assert [(c.prefix, c.name, c.test_suite_name, c.duration_in_nano_seconds) for c in cases] == [
        ("outer", "top", "outer", 1_000_000_000),
        ("inner", "deep", "inner", 250_000_000),
        ("k", "unnamed", "outer", 0),
        ("", "loose", None, 0),
    ]


def test_a_message_repeated_in_the_text_is_given_once() -> None:
    data = b'<testsuite name="s"><testcase name="t"><failure message="boom">boom\n at x</failure></testcase></testsuite>'
    assert parse_junit(data, "r.xml")[0].message == "boom\n at x"


def test_an_empty_suite_has_no_cases() -> None:
    assert parse_junit(b'<testsuites name="none"/>', "r.xml") == []


@pytest.mark.parametrize(
    ("data", "line", "reason"),
    [
        (
            b"<testsuite>\n<testcase name='a'>\n</testsuite>",
            3,
            "is not well-formed XML: mismatched tag (column 3)",
        ),
        (b"\n\n<html><body/></html>", 3, "root element is <html>, expected <testsuites> or <testsuite>"),
        (b"<testsuite>\n  <testcase classname='x'/></testsuite>", 2, "<testcase> has no name attribute"),
        (
            b"<testsuite>\n<testcase name='a' time='soon'/></testsuite>",
            2,
            "<testcase> time='soon' is not a number of seconds",
        ),
        (b"", 1, "is not well-formed XML: no element found (column 1)"),
    ],
)
def test_malformed_files_name_the_line(data: bytes, line: int, reason: str) -> None:
    with pytest.raises(ReportFileError) as caught:
        parse_junit(data, "out/junit.xml")
    assert (caught.value.path, caught.value.line, caught.value.reason) == ("out/junit.xml", line, reason)
    assert str(caught.value) == f"out/junit.xml, line {line}: {reason}"


def test_entities_are_refused() -> None:
    bomb = b'<?xml version="1.0"?><!DOCTYPE t [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]><testsuite name="&b;"/>'
    with pytest.raises(ReportFileError, match="uses XML entities or external references, refused"):
        parse_junit(bomb, "bomb.xml")
