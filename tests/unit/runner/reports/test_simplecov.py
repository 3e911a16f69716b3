"""SimpleCov JSON: a real .resultset.json of two commands (checked against SimpleCov's merge), the JSON
formatters' shapes, bad files."""

from __future__ import annotations

import pytest

from codeyard.runner.reports.errors import ReportFileError
from codeyard.runner.reports.model import CoverageResult
from codeyard.runner.reports.simplecov import parse_simplecov

# written by SimpleCov 0.22 (Ruby 3.1, branch coverage on) for two commands, "Unit" and "Second";
# SimpleCov::ResultMerger.merged_result said: 9 covered and 2 missed lines, 3 covered and 1 missed branch
# (81.82 % lines, 75 % branches)
RESULTSET = b"""{"Unit": {"coverage": {"/codebuild/output/src1/src/lib/calc.rb": {"lines": [1, 1, 1, null, null, 1, 1, 1, 0, 0, null, 0, null, null, null, 1, 0, null, null], "branches": {"[:if, 0, 9, 4, 12, 7]": {"[:then, 1, 10, 7, 10, 8]": 0, "[:else, 2, 12, 6, 12, 7]": 0}, "[:if, 3, 7, 4, 13, 7]": {"[:then, 4, 8, 6, 8, 7]": 1, "[:else, 5, 9, 4, 12, 7]": 0}}}}, "timestamp": 1795942651}, "Second": {"coverage": {"/codebuild/output/src1/src/lib/calc.rb": {"lines": [1, 1, 1, null, null, 1, 2, 1, 1, 1, null, 0, null, null, null, 1, 0, null, null], "branches": {"[:if, 0, 9, 4, 12, 7]": {"[:then, 1, 10, 7, 10, 8]": 1, "[:else, 2, 12, 6, 12, 7]": 0}, "[:if, 3, 7, 4, 13, 7]": {"[:then, 4, 8, 6, 8, 7]": 1, "[:else, 5, 9, 4, 12, 7]": 1}}}}, "timestamp": 1795942652}}"""

# simplecov_json_formatter's coverage/coverage.json (SimpleCov::Formatter::JSONFormatter)
JSON_FORMATTER = b"""{
  "meta": {"simplecov_version": "0.22.0"},
  "coverage": {
    "/codebuild/output/src1/src/lib/calc.rb": {
      "lines": [1, 1, 1, null, null, 1, 1, 1, 0, 0, null, 0, null, null, null, 1, 0, null, null],
      "branches": [
        {"type": "then", "start_line": 10, "end_line": 10, "coverage": 0, "inline": false, "report_line": 9},
        {"type": "else", "start_line": 12, "end_line": 12, "coverage": 0, "inline": false, "report_line": 9},
        {"type": "then", "start_line": 8, "end_line": 8, "coverage": 1, "inline": false, "report_line": 7},
        {"type": "else", "start_line": 9, "end_line": 12, "coverage": "ignored", "inline": false, "report_line": 7}
      ]
    },
    "/codebuild/output/src1/src/lib/nocov.rb": {"lines": [null, "ignored", 2]}
  },
  "groups": {}
}"""

# the simplecov-json gem's coverage/coverage.json (SimpleCov::Formatter::JSONFormatter of that gem)
SIMPLECOV_JSON_GEM = b"""{
  "timestamp": 1709287200,
  "command_name": "RSpec",
  "files": [
    {"filename": "/codebuild/output/src1/src/lib/calc.rb", "covered_percent": 63.63, "coverage": [1, 1, 1, null, null, 1, 1, 1, 0, 0, null, 0, null, null, null, 1, 0, null, null],
     "covered_strength": 0.64, "covered_lines": 7, "lines_of_code": 11},
    {"filename": "/codebuild/output/src1/src/lib/new.rb", "covered_percent": 100.0, "coverage": {"lines": [1, null]},
     "covered_strength": 1.0, "covered_lines": 1, "lines_of_code": 1}
  ],
  "metrics": {"covered_percent": 66.67, "covered_strength": 0.67, "covered_lines": 8, "total_lines": 12}
}"""


def test_resultset_of_two_commands_merges_as_simplecov_does() -> None:
    (calc,) = parse_simplecov(RESULTSET, "coverage/.resultset.json")
    assert calc == CoverageResult("/codebuild/output/src1/src/lib/calc.rb", 9, 2, 3, 1)
    assert calc.line_coverage_percentage == pytest.approx(81.818, abs=1e-3)
    assert calc.branch_coverage_percentage == 75.0


def test_the_old_resultset_shape_of_bare_line_lists() -> None:
    data = b'{"RSpec": {"coverage": {"/src/a.rb": [1, 0, null]}, "timestamp": 1}}'
    assert parse_simplecov(data, ".resultset.json") == [CoverageResult("/src/a.rb", 1, 1, 0, 0)]


def test_json_formatter_output() -> None:
    assert parse_simplecov(JSON_FORMATTER, "coverage/coverage.json") == [
        CoverageResult("/codebuild/output/src1/src/lib/calc.rb", 7, 4, 1, 2),
        CoverageResult("/codebuild/output/src1/src/lib/nocov.rb", 1, 0, 0, 0),
    ]


def test_simplecov_json_gem_output() -> None:
    assert parse_simplecov(SIMPLECOV_JSON_GEM, "coverage/coverage.json") == [
        CoverageResult("/codebuild/output/src1/src/lib/calc.rb", 7, 4, 0, 0),
        CoverageResult("/codebuild/output/src1/src/lib/new.rb", 1, 0, 0, 0),
    ]


@pytest.mark.parametrize(
    ("data", "line", "reason"),
    [
        (b'{\n"RSpec": }', 2, "is not valid JSON: Expecting value (column 10)"),
        (b"[]", None, "is not SimpleCov JSON: the top level is not an object"),
        (b'{"files": [{"coverage": []}]}', None, "is not SimpleCov JSON: files[0] has no filename"),
        (
            b'{"coverage": {"a.rb": {"branches": []}}}',
            None,
            "is not SimpleCov JSON: the coverage of 'a.rb' has no list of lines",
        ),
        (
            b'{"coverage": {"a.rb": {"lines": [], "branches": 3}}}',
            None,
            "is not SimpleCov JSON: the branches of 'a.rb' are neither an object nor a list",
        ),
        (
            b'{"R": {"coverage": {"a.rb": {"lines": [], "branches": {"[:if]": 1}}}}}',
            None,
            "is not SimpleCov JSON: the branches of 'a.rb' are not grouped by condition",
        ),
        (
            b'{"coverage": {"a.rb": {"lines": [], "branches": [7]}}}',
            None,
            "is not SimpleCov JSON: branch 0 of 'a.rb' is not an object",
        ),
    ],
)
def test_malformed_files(data: bytes, line: int | None, reason: str) -> None:
    with pytest.raises(ReportFileError) as caught:
        parse_simplecov(data, ".resultset.json")
    assert (caught.value.line, caught.value.reason) == (line, reason)
