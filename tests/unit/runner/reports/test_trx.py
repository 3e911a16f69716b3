"""Visual Studio TRX: the shape dotnet test --logger trx writes, data-driven results, outcomes, bad files."""

from __future__ import annotations

import pytest

from codeyard.runner.reports.errors import ReportFileError
from codeyard.runner.reports.model import TestCaseResult, TestStatus
from codeyard.runner.reports.trx import parse_trx

TRX = b"""<?xml version="1.0" encoding="utf-8"?>
<TestRun id="8b1c3c47-6f4a-4b53-9b0d-0f5c0d9c1f10" name="root@build 2024-03-01 10:00:00"
    runUser="root" xmlns="http://microsoft.com/schemas/VisualStudio/TeamTest/2010">
  <Times creation="2024-03-01T10:00:00.000+00:00" queuing="2024-03-01T10:00:00.000+00:00"
      start="2024-03-01T10:00:00.000+00:00" finish="2024-03-01T10:00:01.000+00:00" />
  <TestSettings name="default" id="4c4f5e7d-5d2e-4b8e-9d1e-0a1b2c3d4e5f">
    <Deployment runDeploymentRoot="root_build_2024-03-01_10_00_00" />
  </TestSettings>
  <Results>
    <UnitTestResult executionId="e1" testId="t1" testName="AddsItem" computerName="build"
        duration="00:00:00.0012345" startTime="2024-03-01T10:00:00.100+00:00" endTime="2024-03-01T10:00:00.110+00:00"
        testType="13cdc9d9-ddb5-4fa4-a97d-d965ccfc6d4b" outcome="Passed"
        testListId="8c84fa94-04c1-424b-9868-57a2d4851a1d" relativeResultsDirectory="e1" />
    <UnitTestResult executionId="e2" testId="t2" testName="Totals" computerName="build" duration="00:00:01.5000000"
        startTime="2024-03-01T10:00:00.100+00:00" endTime="2024-03-01T10:00:01.600+00:00"
        testType="13cdc9d9-ddb5-4fa4-a97d-d965ccfc6d4b" outcome="Failed"
        testListId="8c84fa94-04c1-424b-9868-57a2d4851a1d" relativeResultsDirectory="e2">
      <Output>
        <StdOut>computing totals</StdOut>
        <ErrorInfo>
          <Message>Assert.Equal() Failure
Expected: 30
Actual:   20</Message>
          <StackTrace>   at Shop.Tests.CartTests.Totals() in /src/CartTests.cs:line 22
</StackTrace>
        </ErrorInfo>
      </Output>
    </UnitTestResult>
    <UnitTestResult executionId="e3" testId="t3" testName="Later" computerName="build" duration="00:00:00"
        testType="13cdc9d9-ddb5-4fa4-a97d-d965ccfc6d4b" outcome="NotExecuted"
        testListId="8c84fa94-04c1-424b-9868-57a2d4851a1d" relativeResultsDirectory="e3">
      <Output>
        <StdOut>Skipped: not yet</StdOut>
      </Output>
    </UnitTestResult>
    <UnitTestResult executionId="e4" testId="t4" testName="Slow" computerName="build" duration="1.02:03:04.5"
        outcome="Timeout" testListId="8c84fa94-04c1-424b-9868-57a2d4851a1d" />
    <UnitTestResult executionId="e5" testId="t5" testName="Discount" computerName="build" duration="00:00:00.0030000"
        outcome="Failed" resultType="DataDrivenTest" testListId="8c84fa94-04c1-424b-9868-57a2d4851a1d">
      <InnerResults>
        <UnitTestResult executionId="e6" parentExecutionId="e5" testId="t5" testName="Discount (0.5)" duration="00:00:00.0010000"
            outcome="Passed" resultType="DataDrivenDataRow" testListId="8c84fa94-04c1-424b-9868-57a2d4851a1d" />
        <UnitTestResult executionId="e7" parentExecutionId="e5" testId="t5" testName="Discount (2)" duration="00:00:00.0020000"
            outcome="Failed" resultType="DataDrivenDataRow" testListId="8c84fa94-04c1-424b-9868-57a2d4851a1d">
          <Output><ErrorInfo><Message>too much</Message></ErrorInfo></Output>
        </UnitTestResult>
      </InnerResults>
    </UnitTestResult>
    <UnitTestResult executionId="e8" testId="t6" testName="Maybe" duration="00:00:00.0000001" outcome="Inconclusive" />
  </Results>
  <TestDefinitions>
    <UnitTest name="AddsItem" storage="/codebuild/output/src1/src/bin/debug/net8.0/shop.tests.dll" id="t1">
      <Execution id="e1" />
      <TestMethod codeBase="/codebuild/output/src1/src/bin/Debug/net8.0/Shop.Tests.dll"
          adapterTypeName="executor://xunit/VsTestRunner2/netcoreapp" className="Shop.Tests.CartTests" name="AddsItem" />
    </UnitTest>
    <UnitTest name="Totals" storage="/codebuild/output/src1/src/bin/debug/net8.0/shop.tests.dll" id="t2">
      <TestMethod className="Shop.Tests.CartTests" name="Totals" />
    </UnitTest>
    <UnitTest name="Later" storage="/codebuild/output/src1/src/bin/debug/net8.0/shop.tests.dll" id="t3">
      <TestMethod className="Shop.Tests.CartTests, Shop.Tests, Version=1.0.0.0" name="Later" />
    </UnitTest>
    <UnitTest name="Slow" storage="C:\\build\\shop.tests.dll" id="t4">
      <TestMethod className="Shop.Tests.SlowTests" name="Slow" />
    </UnitTest>
    <UnitTest name="Discount" storage="/codebuild/output/src1/src/bin/debug/net8.0/shop.tests.dll" id="t5">
      <TestMethod className="Shop.Tests.CartTests" name="Discount" />
    </UnitTest>
  </TestDefinitions>
  <ResultSummary outcome="Failed">
    <Counters total="6" executed="5" passed="2" failed="2" error="0" timeout="1" aborted="0" inconclusive="1"
        passedButRunAborted="0" notRunnable="0" notExecuted="1" disconnected="0" warning="0" completed="0"
        inProgress="0" pending="0" />
  </ResultSummary>
</TestRun>
"""


def test_every_field() -> None:
    cases = parse_trx(TRX, "TestResults/build.trx")
    dll = "shop.tests.dll"

    def case(
        prefix: str, name: str, status: TestStatus, nanos: int, message: str | None, suite: str = dll
    ) -> TestCaseResult:
        return TestCaseResult("TestResults/build.trx", prefix, name, status, nanos, message, suite)

    cart = "Shop.Tests.CartTests"
    assert cases == [
        case(cart, "AddsItem", TestStatus.SUCCEEDED, 1_234_500, None),
        case(
            cart,
            "Totals",
            TestStatus.FAILED,
            1_500_000_000,
            "Assert.Equal() Failure\nExpected: 30\nActual:   20\n   at Shop.Tests.CartTests.Totals() in /src/CartTests.cs:line 22",
        ),
        case(cart, "Later", TestStatus.SKIPPED, 0, None),
        case("Shop.Tests.SlowTests", "Slow", TestStatus.ERROR, 93_784_500_000_000, None),
        case(cart, "Discount (0.5)", TestStatus.SUCCEEDED, 1_000_000, None),
        case(cart, "Discount (2)", TestStatus.FAILED, 2_000_000, "too much"),
        case("", "Maybe", TestStatus.UNKNOWN, 100, None, "root@build 2024-03-01 10:00:00"),
    ]


@pytest.mark.parametrize(
    ("outcome", "status"),
    [
        ("Passed", TestStatus.SUCCEEDED),
        ("PassedButRunAborted", TestStatus.SUCCEEDED),
        ("Failed", TestStatus.FAILED),
        ("Error", TestStatus.ERROR),
        ("Timeout", TestStatus.ERROR),
        ("Aborted", TestStatus.ERROR),
        ("NotRunnable", TestStatus.ERROR),
        ("NotExecuted", TestStatus.SKIPPED),
        ("Inconclusive", TestStatus.UNKNOWN),
        ("Warning", TestStatus.UNKNOWN),
        ("Disconnected", TestStatus.UNKNOWN),
        ("Pending", TestStatus.UNKNOWN),
    ],
)
def test_outcomes(outcome: str, status: TestStatus) -> None:
    data = (
        f'<TestRun><Results><UnitTestResult testName="t" outcome="{outcome}"/></Results></TestRun>'.encode()
    )
    assert parse_trx(data, "r.trx")[0].status is status


@pytest.mark.parametrize(
    ("data", "line", "reason"),
    [
        (b"<?xml version='1.0'?>\n<testsuites/>", 2, "root element is <testsuites>, expected <TestRun>"),
        (
            b"<TestRun><Results>\n<UnitTestResult outcome='Passed'/></Results></TestRun>",
            2,
            "<UnitTestResult> has no testName attribute",
        ),
        (
            b"<TestRun><Results>\n<UnitTestResult testName='t' duration='1s'/></Results></TestRun>",
            2,
            "<UnitTestResult> duration='1s' is not a time span",
        ),
    ],
)
def test_malformed_files_name_the_line(data: bytes, line: int, reason: str) -> None:
    with pytest.raises(ReportFileError) as caught:
        parse_trx(data, "r.trx")
    assert (caught.value.line, caught.value.reason) == (line, reason)


def test_a_byte_order_mark_as_visual_studio_writes_it() -> None:
    data = '\ufeff<?xml version="1.0" encoding="utf-8"?><TestRun><Results><UnitTestResult testName="Größe" outcome="Passed"/></Results></TestRun>'
    (case,) = parse_trx(data.encode("utf-8"), "r.trx")
    assert (case.name, case.status) == ("Größe", TestStatus.SUCCEEDED)
