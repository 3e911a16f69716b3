"""Cucumber JSON: cucumber-js's real output, cucumber-jvm's separate backgrounds and hooks, bad files."""

from __future__ import annotations

import pytest

from codeyard.runner.reports.cucumber import parse_cucumber
from codeyard.runner.reports.errors import ReportFileError
from codeyard.runner.reports.model import TestCaseResult, TestStatus

# written by `cucumber-js --format json:report.json` (cucumber-js 12.9) on a small project
CUCUMBER_JS = rb"""
[
 {
  "description": "",
  "elements": [
   {
    "description": "",
    "id": "calculator;adding",
    "keyword": "Scenario",
    "line": 5,
    "name": "Adding",
    "steps": [
     {
      "arguments": [],
      "keyword": "Given ",
      "line": 3,
      "name": "a calculator",
      "match": {
       "location": "features/steps/steps.js:2"
      },
      "result": {
       "status": "passed",
       "duration": 892316
      }
     },
     {
      "arguments": [],
      "keyword": "When ",
      "line": 6,
      "name": "I add 1 and 2",
      "match": {
       "location": "features/steps/steps.js:2"
      },
      "result": {
       "status": "passed",
       "duration": 171434
      }
     },
     {
      "arguments": [],
      "keyword": "Then ",
      "line": 7,
      "name": "the result is 3",
      "match": {
       "location": "features/steps/steps.js:2"
      },
      "result": {
       "status": "passed",
       "duration": 90535
      }
     }
    ],
    "tags": [],
    "type": "scenario"
   },
   {
    "description": "",
    "id": "calculator;wrong-sum",
    "keyword": "Scenario",
    "line": 9,
    "name": "Wrong sum",
    "steps": [
     {
      "arguments": [],
      "keyword": "Given ",
      "line": 3,
      "name": "a calculator",
      "match": {
       "location": "features/steps/steps.js:2"
      },
      "result": {
       "status": "passed",
       "duration": 48091
      }
     },
     {
      "arguments": [],
      "keyword": "When ",
      "line": 10,
      "name": "I add 1 and 1",
      "match": {
       "location": "features/steps/steps.js:2"
      },
      "result": {
       "status": "passed",
       "duration": 58046
      }
     },
     {
      "arguments": [],
      "keyword": "Then ",
      "line": 11,
      "name": "the result is 3",
      "match": {
       "location": "features/steps/steps.js:2"
      },
      "result": {
       "status": "failed",
       "duration": 1014327,
       "error_message": "AssertionError [ERR_ASSERTION]: Expected values to be strictly equal:\n\n2 !== 3\n\n    + expected - actual\n\n    -2\n    +3\n\n    at World.<anonymous> (features/steps/steps.js:2:697)"
      }
     }
    ],
    "tags": [],
    "type": "scenario"
   },
   {
    "description": "",
    "id": "calculator;not-written-yet",
    "keyword": "Scenario",
    "line": 13,
    "name": "Not written yet",
    "steps": [
     {
      "arguments": [],
      "keyword": "Given ",
      "line": 3,
      "name": "a calculator",
      "match": {
       "location": "features/steps/steps.js:2"
      },
      "result": {
       "status": "passed",
       "duration": 55442
      }
     },
     {
      "arguments": [],
      "keyword": "When ",
      "line": 14,
      "name": "I divide 1 by 0",
      "result": {
       "status": "undefined",
       "duration": 0
      }
     },
     {
      "arguments": [],
      "keyword": "Then ",
      "line": 15,
      "name": "the result is 0",
      "match": {
       "location": "features/steps/steps.js:2"
      },
      "result": {
       "status": "skipped",
       "duration": 0
      }
     }
    ],
    "tags": [],
    "type": "scenario"
   }
  ],
  "id": "calculator",
  "line": 1,
  "keyword": "Feature",
  "name": "Calculator",
  "tags": [],
  "uri": "features/calc.feature"
 }
]"""

# the shape cucumber-jvm writes: a background element before each scenario, hooks with their own results
CUCUMBER_JVM = b"""[
  {
    "line": 1, "elements": [
      {"line": 3, "name": "", "description": "", "type": "background", "keyword": "Background",
       "steps": [{"result": {"duration": 1000000, "status": "passed"}, "line": 4, "name": "a cart",
                  "match": {"location": "steps.CartSteps.aCart()"}, "keyword": "Given "}]},
      {"start_timestamp": "2024-03-01T10:00:00.000Z",
       "before": [{"result": {"duration": 500, "status": "passed"}, "match": {"location": "steps.Hooks.open()"}}],
       "line": 6, "name": "Checkout", "description": "", "id": "cart;checkout", "type": "scenario",
       "keyword": "Scenario",
       "steps": [{"result": {"duration": 2000000, "status": "passed"}, "line": 7, "name": "I pay",
                  "keyword": "When "},
                 {"result": {"duration": 3, "status": "ambiguous"}, "line": 8, "name": "I am thanked",
                  "keyword": "Then "}],
       "after": [{"result": {"duration": 7, "status": "passed"}, "match": {"location": "steps.Hooks.close()"}}]},
      {"line": 3, "name": "", "description": "", "type": "background", "keyword": "Background",
       "steps": [{"result": {"duration": 1000000, "status": "passed"}, "line": 4, "name": "a cart", "keyword": "Given "}]},
      {"line": 10, "name": "Refund", "id": "cart;refund", "type": "scenario", "keyword": "Scenario",
       "steps": [{"result": {"status": "pending", "error_message": "io.cucumber.java.PendingException: TODO"},
                  "line": 11, "name": "I ask for a refund", "keyword": "When "},
                 {"result": {"status": "skipped"}, "line": 12, "name": "I am paid", "keyword": "Then "}]},
      {"line": 14, "name": "Later", "id": "cart;later", "type": "scenario", "keyword": "Scenario",
       "steps": [{"result": {"status": "skipped"}, "line": 15, "name": "nothing", "keyword": "Given "}]},
      {"line": 17, "name": "Nothing to do", "id": "cart;nothing", "type": "scenario", "keyword": "Scenario"}
    ],
    "name": "Cart", "description": "", "id": "cart", "keyword": "Feature", "uri": "classpath:features/cart.feature",
    "tags": []
  }
]"""


def test_cucumber_js_every_field() -> None:
    cases = parse_cucumber(CUCUMBER_JS, "reports/cucumber.json")

    def case(name: str, status: TestStatus, nanos: int, message: str | None) -> TestCaseResult:
        return TestCaseResult(
            "reports/cucumber.json", "features/calc.feature", name, status, nanos, message, "Calculator"
        )

    assert cases == [
        case("Adding", TestStatus.SUCCEEDED, 892316 + 171434 + 90535, None),
        case(
            "Wrong sum",
            TestStatus.FAILED,
            48091 + 58046 + 1014327,
            "AssertionError [ERR_ASSERTION]: Expected values to be strictly equal:\n\n2 !== 3\n\n"
            "    + expected - actual\n\n    -2\n    +3\n\n    at World.<anonymous> (features/steps/steps.js:2:697)",
        ),
        case("Not written yet", TestStatus.UNKNOWN, 55442, "undefined step: When I divide 1 by 0"),
    ]


def test_cucumber_jvm_backgrounds_hooks_and_statuses() -> None:
    cases = parse_cucumber(CUCUMBER_JVM, "target/cucumber.json")
    assert [(c.name, c.status, c.duration_in_nano_seconds, c.message) for c in cases] == [
        (
            "Checkout",
            TestStatus.ERROR,
            1_000_000 + 500 + 2_000_000 + 3 + 7,
            "ambiguous step: Then I am thanked",
        ),
        ("Refund", TestStatus.UNKNOWN, 1_000_000, "io.cucumber.java.PendingException: TODO"),
        ("Later", TestStatus.SKIPPED, 0, None),
        ("Nothing to do", TestStatus.SUCCEEDED, 0, None),
    ]
    assert {(c.prefix, c.test_suite_name, c.test_raw_data_path) for c in cases} == {
        ("classpath:features/cart.feature", "Cart", "target/cucumber.json")
    }


def test_an_empty_run_has_no_cases() -> None:
    assert parse_cucumber(b"[]", "c.json") == []


@pytest.mark.parametrize(
    ("data", "line", "reason"),
    [
        (b'[\n  {"elements": [}\n]', 2, "is not valid JSON: Expecting value (column 17)"),
        (b'{"features": []}', None, "is not Cucumber JSON: the top level is not a list of features"),
        (b'[{"elements": {}}]', None, "is not Cucumber JSON: [0] has a 'elements' that is not a list"),
        (
            b'[{"elements": [{"name": "s", "steps": [{"name": "x"}]}]}]',
            None,
            "is not Cucumber JSON: [0].elements[0] step 0 has no result object",
        ),
        (
            b'[{"elements": [{"steps": [{"result": {"status": "passed", "duration": -4}}]}]}]',
            None,
            "is not Cucumber JSON: [0].elements[0] step 0 has an invalid duration",
        ),
        (b"\xff\xfe[]", None, "is not UTF-8 text (byte 0)"),
    ],
)
def test_malformed_files(data: bytes, line: int | None, reason: str) -> None:
    with pytest.raises(ReportFileError) as caught:
        parse_cucumber(data, "c.json")
    assert (caught.value.line, caught.value.reason) == (line, reason)
