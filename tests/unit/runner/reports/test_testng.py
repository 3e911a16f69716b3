"""TestNG XML: testng-results.xml as TestNG 7 writes it, configuration methods left out, bad files."""

from __future__ import annotations

import pytest

from codeyard.runner.reports.errors import ReportFileError
from codeyard.runner.reports.model import TestCaseResult, TestStatus
from codeyard.runner.reports.testng import parse_testng

# written by TestNG 6.9.12 (`java org.testng.TestNG -testclass ...`, a @BeforeMethod, a pass, a failure and a
# SkipException), the stack traces cut after two frames
TESTNG_REAL = b"""<?xml version="1.0" encoding="UTF-8"?>
<testng-results total="3" passed="1" failed="1" skipped="1">
  <reporter-output>
  </reporter-output>
  <suite started-at="2026-11-29T08:58:31Z" name="Command line suite" finished-at="2026-11-29T08:58:31Z" duration-ms="140">
    <groups>
    </groups>
    <test started-at="2026-11-29T08:58:31Z" name="Command line test" finished-at="2026-11-29T08:58:31Z" duration-ms="140">
      <class name="com.example.shop.CartTest">
        <test-method is-config="true" signature="setUp()[pri:0, instance:com.example.shop.CartTest@4a003cbe]" started-at="2026-11-29T08:58:31Z" name="setUp" finished-at="2026-11-29T08:58:31Z" duration-ms="32" status="PASS">
          <reporter-output>
          </reporter-output>
        </test-method> <!-- setUp -->
        <test-method signature="addsItems()[pri:0, instance:com.example.shop.CartTest@4a003cbe]" started-at="2026-11-29T08:58:31Z" name="addsItems" finished-at="2026-11-29T08:58:31Z" duration-ms="20" status="PASS">
          <reporter-output>
          </reporter-output>
        </test-method> <!-- addsItems -->
        <test-method is-config="true" signature="setUp()[pri:0, instance:com.example.shop.CartTest@4a003cbe]" started-at="2026-11-29T08:58:31Z" name="setUp" finished-at="2026-11-29T08:58:31Z" duration-ms="0" status="PASS">
          <reporter-output>
          </reporter-output>
        </test-method> <!-- setUp -->
        <test-method signature="discountsBigCarts()[pri:0, instance:com.example.shop.CartTest@4a003cbe]" started-at="2026-11-29T08:58:31Z" name="discountsBigCarts" finished-at="2026-11-29T08:58:31Z" duration-ms="1" status="FAIL">
          <exception class="java.lang.AssertionError">
            <message>
              <![CDATA[no discount expected expected [200] but found [190]]]>
            </message>
            <full-stacktrace>
              <![CDATA[java.lang.AssertionError: no discount expected expected [200] but found [190]
    at org.testng.Assert.fail(Assert.java:94)
    at org.testng.Assert.failNotEquals(Assert.java:513)
]]>
            </full-stacktrace>
          </exception> <!-- java.lang.AssertionError -->
          <reporter-output>
          </reporter-output>
        </test-method> <!-- discountsBigCarts -->
        <test-method is-config="true" signature="setUp()[pri:0, instance:com.example.shop.CartTest@4a003cbe]" started-at="2026-11-29T08:58:31Z" name="setUp" finished-at="2026-11-29T08:58:31Z" duration-ms="1" status="PASS">
          <reporter-output>
          </reporter-output>
        </test-method> <!-- setUp -->
        <test-method signature="paysLater()[pri:0, instance:com.example.shop.CartTest@4a003cbe]" started-at="2026-11-29T08:58:31Z" name="paysLater" finished-at="2026-11-29T08:58:31Z" duration-ms="0" status="SKIP">
          <exception class="org.testng.SkipException">
            <message>
              <![CDATA[not implemented]]>
            </message>
            <full-stacktrace>
              <![CDATA[org.testng.SkipException: not implemented
    at com.example.shop.CartTest.paysLater(CartTest.java:30)
    at java.base/jdk.internal.reflect.NativeMethodAccessorImpl.invoke0(Native Method)
]]>
            </full-stacktrace>
          </exception> <!-- org.testng.SkipException -->
          <reporter-output>
          </reporter-output>
        </test-method> <!-- paysLater -->
      </class> <!-- com.example.shop.CartTest -->
    </test> <!-- Command line test -->
  </suite> <!-- Command line suite -->
</testng-results>
"""

TESTNG = b"""<?xml version="1.0" encoding="UTF-8"?>
<testng-results ignored="0" total="4" passed="1" failed="1" skipped="2">
  <reporter-output>
  </reporter-output>
  <suite started-at="2024-03-01T10:00:00 UTC" name="Surefire suite" finished-at="2024-03-01T10:00:01 UTC" duration-ms="1042">
    <groups>
    </groups>
    <test started-at="2024-03-01T10:00:00 UTC" name="Surefire test" finished-at="2024-03-01T10:00:01 UTC" duration-ms="1042">
      <class name="com.example.OrderTest">
        <test-method is-config="true" signature="setUp()[pri:0, instance:com.example.OrderTest@1b]" name="setUp"
            duration-ms="3" status="PASS" finished-at="2024-03-01T10:00:00 UTC" started-at="2024-03-01T10:00:00 UTC">
          <reporter-output>
          </reporter-output>
        </test-method>
        <test-method signature="createsOrder()[pri:0, instance:com.example.OrderTest@1b]" name="createsOrder"
            duration-ms="25" status="PASS" finished-at="2024-03-01T10:00:00 UTC" started-at="2024-03-01T10:00:00 UTC">
          <reporter-output>
          </reporter-output>
        </test-method>
        <test-method signature="rejectsEmptyCart()[pri:0, instance:com.example.OrderTest@1b]" name="rejectsEmptyCart"
            duration-ms="7" status="FAIL" description="an empty cart is refused"
            finished-at="2024-03-01T10:00:00 UTC" started-at="2024-03-01T10:00:00 UTC">
          <exception class="java.lang.AssertionError">
            <message>
              <![CDATA[expected [true] but found [false]]]>
            </message>
            <full-stacktrace>
              <![CDATA[java.lang.AssertionError: expected [true] but found [false]
\tat org.testng.Assert.fail(Assert.java:110)
]]>
            </full-stacktrace>
          </exception>
          <reporter-output>
          </reporter-output>
        </test-method>
        <test-method signature="paysLater()[pri:0]" name="paysLater" duration-ms="0" status="SKIP"
            finished-at="2024-03-01T10:00:00 UTC" started-at="2024-03-01T10:00:00 UTC">
          <exception class="org.testng.SkipException">
            <message>
              <![CDATA[not implemented]]>
            </message>
          </exception>
        </test-method>
      </class>
      <class name="com.example.ParamTest">
        <test-method signature="sums(int, int)[pri:0]" name="sums" duration-ms="1.5" status="SKIP"
            data-provider="pairs" finished-at="2024-03-01T10:00:00 UTC" started-at="2024-03-01T10:00:00 UTC">
          <params>
            <param index="0"><value><![CDATA[1]]></value></param>
          </params>
        </test-method>
        <test-method signature="odd()[pri:0]" name="odd" duration-ms="2" status="WEIRD"/>
      </class>
    </test>
  </suite>
</testng-results>
"""


def test_every_field_and_config_methods_left_out() -> None:
    cases = parse_testng(TESTNG, "target/surefire-reports/testng-results.xml")
    path = "target/surefire-reports/testng-results.xml"
    suite = "Surefire suite"
    assert cases == [
        TestCaseResult(
            path, "com.example.OrderTest", "createsOrder", TestStatus.SUCCEEDED, 25_000_000, None, suite
        ),
        TestCaseResult(
            path,
            "com.example.OrderTest",
            "rejectsEmptyCart",
            TestStatus.FAILED,
            7_000_000,
            "java.lang.AssertionError: expected [true] but found [false]",
            suite,
        ),
        TestCaseResult(
            path,
            "com.example.OrderTest",
            "paysLater",
            TestStatus.SKIPPED,
            0,
            "org.testng.SkipException: not implemented",
            suite,
        ),
        TestCaseResult(path, "com.example.ParamTest", "sums", TestStatus.SKIPPED, 1_500_000, None, suite),
        TestCaseResult(path, "com.example.ParamTest", "odd", TestStatus.UNKNOWN, 2_000_000, None, suite),
    ]


def test_testng_real_output() -> None:
    cases = parse_testng(TESTNG_REAL, "test-output/testng-results.xml")
    path, cls, suite = "test-output/testng-results.xml", "com.example.shop.CartTest", "Command line suite"
    assert cases == [
        TestCaseResult(path, cls, "addsItems", TestStatus.SUCCEEDED, 20_000_000, None, suite),
        TestCaseResult(
            path,
            cls,
            "discountsBigCarts",
            TestStatus.FAILED,
            1_000_000,
            "java.lang.AssertionError: no discount expected expected [200] but found [190]",
            suite,
        ),
        TestCaseResult(
            path, cls, "paysLater", TestStatus.SKIPPED, 0, "org.testng.SkipException: not implemented", suite
        ),
    ]


@pytest.mark.parametrize(
    ("data", "line", "reason"),
    [
        (b"<testsuite/>", 1, "root element is <testsuite>, expected <testng-results>"),
        (
            b"<testng-results><suite name='s'><test>\n<class/></test></suite></testng-results>",
            2,
            "<class> has no name attribute",
        ),
        (
            b"<testng-results><suite><test><class name='c'>\n<test-method name='m'/></class></test></suite></testng-results>",
            2,
            "<test-method> has no status attribute",
        ),
        (
            b"<testng-results><suite><test><class name='c'>\n\n<test-method name='m' status='PASS' duration-ms='x'/>"
            b"</class></test></suite></testng-results>",
            3,
            "<test-method> duration-ms='x' is not a number",
        ),
    ],
)
def test_malformed_files_name_the_line(data: bytes, line: int, reason: str) -> None:
    with pytest.raises(ReportFileError) as caught:
        parse_testng(data, "testng-results.xml")
    assert (caught.value.line, caught.value.reason) == (line, reason)
