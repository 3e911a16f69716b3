"""NUnit XML: NUnit 2's TestResult.xml and NUnit 3's, every result and label, bad files."""

from __future__ import annotations

import pytest

from codeyard.runner.reports.errors import ReportFileError
from codeyard.runner.reports.model import TestCaseResult, TestStatus
from codeyard.runner.reports.nunit import parse_nunit2, parse_nunit3

# the shape of NUnit 2.6's TestResult.xml (nunit-console), from the mock-assembly NUnit tests itself
NUNIT2 = b"""<?xml version="1.0" encoding="utf-8" standalone="no"?>
<!--This file represents the results of running a test suite-->
<test-results name="mock-assembly.dll" total="6" errors="1" failures="1" not-run="2" inconclusive="1" ignored="1"
    skipped="0" invalid="1" date="2024-03-01" time="10:00:00">
  <environment nunit-version="2.6.4.14350" clr-version="4.0.30319.42000" os-version="Unix 6.1.0.0" platform="Unix"
      cwd="/codebuild/output/src1/src" machine-name="build" user="root" user-domain="build" />
  <culture-info current-culture="en-US" current-uiculture="en-US" />
  <test-suite type="Assembly" name="mock-assembly.dll" executed="True" result="Failure" success="False" time="0.092" asserts="0">
    <results>
      <test-suite type="Namespace" name="NUnit" executed="True" result="Failure" success="False" time="0.090" asserts="0">
        <results>
          <test-suite type="Namespace" name="Tests" executed="True" result="Failure" success="False" time="0.090" asserts="0">
            <results>
              <test-suite type="TestFixture" name="MockTestFixture" description="Fake Test Fixture" executed="True"
                  result="Failure" success="False" time="0.086" asserts="0">
                <categories>
                  <category name="FixtureCategory" />
                </categories>
                <results>
                  <test-case name="NUnit.Tests.Assemblies.MockTestFixture.FailingTest" executed="True" result="Failure"
                      success="False" time="0.013" asserts="0">
                    <failure>
                      <message><![CDATA[Intentional failure]]></message>
                      <stack-trace><![CDATA[at NUnit.Tests.Assemblies.MockTestFixture.FailingTest()
]]></stack-trace>
                    </failure>
                  </test-case>
                  <test-case name="NUnit.Tests.Assemblies.MockTestFixture.MockTest1" description="Mock Test #1"
                      executed="True" result="Success" success="True" time="0.001" asserts="0" />
                  <test-case name="NUnit.Tests.Assemblies.MockTestFixture.MockTest4" executed="False" result="Ignored">
                    <reason>
                      <message><![CDATA[ignoring this test method for now]]></message>
                    </reason>
                  </test-case>
                  <test-case name="NUnit.Tests.Assemblies.MockTestFixture.NotRunnableTest" executed="False" result="NotRunnable">
                    <reason>
                      <message><![CDATA[No arguments were provided
]]></message>
                    </reason>
                  </test-case>
                  <test-case name="NUnit.Tests.Assemblies.MockTestFixture.TestWithException" executed="True" result="Error"
                      success="False" time="0,002" asserts="0">
                    <failure>
                      <message><![CDATA[System.ApplicationException : Intentional Exception]]></message>
                      <stack-trace><![CDATA[at NUnit.Tests.Assemblies.MockTestFixture.MethodThrowsException()]]></stack-trace>
                    </failure>
                  </test-case>
                  <test-case name="NUnit.Tests.Assemblies.MockTestFixture.InconclusiveTest" executed="True"
                      result="Inconclusive" success="False" time="0.001" asserts="0" />
                  <test-suite type="ParameterizedTest" name="Sums" executed="True" result="Success" success="True" time="0.004">
                    <results>
                      <test-case name="NUnit.Tests.Assemblies.MockTestFixture.Sums(1.5,2)" executed="True" result="Success"
                          success="True" time="0.002" asserts="1" />
                    </results>
                  </test-suite>
                </results>
              </test-suite>
            </results>
          </test-suite>
        </results>
      </test-suite>
    </results>
  </test-suite>
</test-results>
"""

# the shape of NUnit 3's TestResult.xml (nunit3-console and the NUnit3TestAdapter's logger)
NUNIT3 = b"""<?xml version="1.0" encoding="utf-8" standalone="no"?>
<test-run id="0" runstate="Runnable" testcasecount="7" result="Failed" label="Error" total="7" passed="2" failed="3"
    warnings="1" inconclusive="0" skipped="1" asserts="3" engine-version="3.16.3.0" clr-version="8.0.1"
    start-time="2024-03-01 10:00:00Z" end-time="2024-03-01 10:00:01Z" duration="0.512">
  <command-line><![CDATA[nunit3-console Shop.Tests.dll]]></command-line>
  <test-suite type="Assembly" id="0-1008" name="Shop.Tests.dll" fullname="/codebuild/output/src1/src/Shop.Tests.dll"
      runstate="Runnable" testcasecount="7" result="Failed" site="Child" start-time="2024-03-01T10:00:00.1Z"
      end-time="2024-03-01T10:00:00.5Z" duration="0.402" total="7" passed="2" failed="3" warnings="1" inconclusive="0"
      skipped="1" asserts="3">
    <environment framework-version="3.14.0.0" clr-version="8.0.1" os-version="Unix 6.1.0" platform="Unix"
        cwd="/codebuild/output/src1/src" machine-name="build" user="root" user-domain="build" culture="en-US"
        uiculture="en-US" os-architecture="x64" />
    <settings>
      <setting name="NumberOfTestWorkers" value="2" />
    </settings>
    <failure>
      <message><![CDATA[One or more child tests had errors]]></message>
    </failure>
    <test-suite type="TestSuite" id="0-1009" name="Shop" fullname="Shop" runstate="Runnable" testcasecount="7"
        result="Failed" site="Child" duration="0.401" total="7" passed="2" failed="3" warnings="1" skipped="1">
      <test-suite type="TestFixture" id="0-1000" name="CartTests" fullname="Shop.Tests.CartTests"
          classname="Shop.Tests.CartTests" runstate="Runnable" testcasecount="7" result="Failed" site="Child"
          duration="0.400" total="7" passed="2" failed="3" warnings="1" skipped="1">
        <test-case id="0-1001" name="AddsItem" fullname="Shop.Tests.CartTests.AddsItem" methodname="AddsItem"
            classname="Shop.Tests.CartTests" runstate="Runnable" seed="1046" result="Passed"
            start-time="2024-03-01T10:00:00.1Z" end-time="2024-03-01T10:00:00.11Z" duration="0.012500" asserts="1" />
        <test-case id="0-1002" name="Totals" fullname="Shop.Tests.CartTests.Totals" methodname="Totals"
            classname="Shop.Tests.CartTests" runstate="Runnable" seed="7" result="Failed" duration="0.020" asserts="1">
          <failure>
            <message><![CDATA[  Expected: 30
  But was:  20
]]></message>
            <stack-trace><![CDATA[at Shop.Tests.CartTests.Totals() in /src/CartTests.cs:line 22]]></stack-trace>
          </failure>
          <assertions>
            <assertion result="Failed"><message><![CDATA[  Expected: 30]]></message></assertion>
          </assertions>
        </test-case>
        <test-case id="0-1003" name="Throws" fullname="Shop.Tests.CartTests.Throws" methodname="Throws"
            classname="Shop.Tests.CartTests" runstate="Runnable" seed="8" result="Failed" label="Error" duration="0.001">
          <failure>
            <message><![CDATA[System.NullReferenceException : Object reference not set to an instance of an object.]]></message>
          </failure>
        </test-case>
        <test-case id="0-1004" name="NeedsArgs" fullname="Shop.Tests.CartTests.NeedsArgs" methodname="NeedsArgs"
            classname="Shop.Tests.CartTests" runstate="NotRunnable" seed="9" result="Failed" label="Invalid" duration="0.000">
          <reason><message><![CDATA[No arguments were provided]]></message></reason>
        </test-case>
        <test-case id="0-1005" name="Later" fullname="Shop.Tests.CartTests.Later" methodname="Later"
            classname="Shop.Tests.CartTests" runstate="Ignored" seed="10" result="Skipped" label="Ignored" duration="0">
          <properties><property name="_SKIPREASON" value="not yet" /></properties>
          <reason><message><![CDATA[not yet]]></message></reason>
        </test-case>
        <test-case id="0-1006" name="Warns" fullname="Shop.Tests.CartTests.Warns" methodname="Warns"
            classname="Shop.Tests.CartTests" runstate="Runnable" seed="11" result="Warning" duration="0.003" />
        <test-suite type="ParameterizedMethod" id="0-1010" name="Discount" fullname="Shop.Tests.CartTests.Discount"
            classname="Shop.Tests.CartTests" runstate="Runnable" testcasecount="1" result="Passed" duration="0.002">
          <test-case id="0-1007" name="Discount(0.5m)" fullname="Shop.Tests.CartTests.Discount(0.5m)"
              methodname="Discount" classname="Shop.Tests.CartTests" runstate="Runnable" seed="12" result="Passed"
              duration="0.002" asserts="1" />
        </test-suite>
      </test-suite>
    </test-suite>
  </test-suite>
</test-run>
"""


def test_nunit2_every_field() -> None:
    cases = parse_nunit2(NUNIT2, "TestResult.xml")
    fixture = "NUnit.Tests.Assemblies.MockTestFixture"

    def case(method: str, status: TestStatus, nanos: int, message: str | None) -> TestCaseResult:
        return TestCaseResult(
            "TestResult.xml", fixture, f"{fixture}.{method}", status, nanos, message, "MockTestFixture"
        )

    assert cases == [
        case("FailingTest", TestStatus.FAILED, 13_000_000, "Intentional failure"),
        case("MockTest1", TestStatus.SUCCEEDED, 1_000_000, None),
        case("MockTest4", TestStatus.SKIPPED, 0, "ignoring this test method for now"),
        case("NotRunnableTest", TestStatus.ERROR, 0, "No arguments were provided\n"),
        case(
            "TestWithException",
            TestStatus.ERROR,
            2_000_000,
            "System.ApplicationException : Intentional Exception",
        ),
        case("InconclusiveTest", TestStatus.UNKNOWN, 1_000_000, None),
        case("Sums(1.5,2)", TestStatus.SUCCEEDED, 2_000_000, None),
    ]


def test_nunit2_before_result_attributes_uses_executed_and_success() -> None:
    data = b"""<test-results><test-suite name="F"><results>
      <test-case name="A.F.ok" executed="True" success="True" time="0.1"/>
      <test-case name="A.F.bad" executed="True" success="False" time="0.1"/>
      <test-case name="A.F.off" executed="False"/>
    </results></test-suite></test-results>"""
    assert [(c.prefix, c.status) for c in parse_nunit2(data, "r.xml")] == [
        ("A.F", TestStatus.SUCCEEDED),
        ("A.F", TestStatus.FAILED),
        ("A.F", TestStatus.SKIPPED),
    ]


def test_nunit3_every_field() -> None:
    cases = parse_nunit3(NUNIT3, "TestResults/TestResult.xml")

    def case(method: str, status: TestStatus, nanos: int, message: str | None) -> TestCaseResult:
        return TestCaseResult(
            "TestResults/TestResult.xml",
            "Shop.Tests.CartTests",
            f"Shop.Tests.CartTests.{method}",
            status,
            nanos,
            message,
            "CartTests",
        )

    assert cases == [
        case("AddsItem", TestStatus.SUCCEEDED, 12_500_000, None),
        case("Totals", TestStatus.FAILED, 20_000_000, "  Expected: 30\n  But was:  20\n"),
        case(
            "Throws",
            TestStatus.ERROR,
            1_000_000,
            "System.NullReferenceException : Object reference not set to an instance of an object.",
        ),
        case("NeedsArgs", TestStatus.ERROR, 0, "No arguments were provided"),
        case("Later", TestStatus.SKIPPED, 0, "not yet"),
        case("Warns", TestStatus.UNKNOWN, 3_000_000, None),
        case("Discount(0.5m)", TestStatus.SUCCEEDED, 2_000_000, None),
    ]


def test_nunit3_without_classname_takes_the_full_name_up_to_the_method() -> None:
    data = b'<test-run><test-case name="Sums" fullname="A.B.Sums(1.5,2)" result="Passed" duration="1"/></test-run>'
    (case,) = parse_nunit3(data, "r.xml")
    assert (case.prefix, case.name, case.test_suite_name, case.duration_in_nano_seconds) == (
        "A.B",
        "A.B.Sums(1.5,2)",
        None,
        1_000_000_000,
    )


@pytest.mark.parametrize(
    ("parse", "data", "line", "reason"),
    [
        (parse_nunit2, NUNIT3, 2, "root element is <test-run>, expected <test-results>"),
        (parse_nunit3, NUNIT2, 3, "root element is <test-results>, expected <test-run>"),
        (
            parse_nunit3,
            b"<test-run>\n<test-case name='a'/></test-run>",
            2,
            "<test-case> has no result attribute",
        ),
        (
            parse_nunit2,
            b"<test-results>\n\n<test-case/></test-results>",
            3,
            "<test-case> has no name attribute",
        ),
        (
            parse_nunit3,
            b"<test-run>\n<test-case name='a' result='Passed' duration='-1'/></test-run>",
            2,
            "<test-case> time '-1' is not a number of seconds",
        ),
    ],
)
def test_malformed_files_name_the_line(parse: object, data: bytes, line: int, reason: str) -> None:
    with pytest.raises(ReportFileError) as caught:
        parse(data, "TestResult.xml")  # type: ignore[operator]
    assert (caught.value.line, caught.value.reason) == (line, reason)
