"""Clover XML: istanbul's real output, OpenClover's packages, bad files."""

from __future__ import annotations

import pytest

from codeyard.runner.reports.clover import parse_clover
from codeyard.runner.reports.errors import ReportFileError
from codeyard.runner.reports.model import CoverageResult

# written by `nyc --reporter=clover` (istanbul) around cucumber-js; nyc's text report said
# calc.js: 66.66 % statements, 25 % branches; steps.js: 100 %
ISTANBUL = b"""<?xml version="1.0" encoding="UTF-8"?>
<coverage generated="1795942429440" clover="3.2.0">
  <project timestamp="1795942429440" name="All files">
    <metrics statements="12" coveredstatements="10" conditionals="4" coveredconditionals="1" methods="6" coveredmethods="5" elements="22" coveredelements="16" complexity="0" loc="12" ncloc="12" packages="2" files="2" classes="2"/>
    <package name="cuke">
      <metrics statements="6" coveredstatements="4" conditionals="4" coveredconditionals="1" methods="3" coveredmethods="2"/>
      <file name="calc.js" path="/codebuild/output/src1/src/calc.js">
        <metrics statements="6" coveredstatements="4" conditionals="4" coveredconditionals="1" methods="3" coveredmethods="2"/>
        <line num="2" count="2" type="stmt"/>
        <line num="5" count="2" type="cond" truecount="1" falsecount="1"/>
        <line num="6" count="2" type="stmt"/>
        <line num="8" count="0" type="cond" truecount="0" falsecount="2"/>
        <line num="11" count="0" type="stmt"/>
        <line num="13" count="1" type="stmt"/>
      </file>
    </package>
    <package name="cuke.features.steps">
      <metrics statements="6" coveredstatements="6" conditionals="0" coveredconditionals="0" methods="3" coveredmethods="3"/>
      <file name="steps.js" path="/codebuild/output/src1/src/features/steps/steps.js">
        <metrics statements="6" coveredstatements="6" conditionals="0" coveredconditionals="0" methods="3" coveredmethods="3"/>
        <line num="1" count="1" type="stmt"/>
        <line num="2" count="1" type="stmt"/>
      </file>
    </package>
  </project>
</coverage>
"""

# the shape OpenClover writes (clover.xml of the Maven plugin), plus a file directly under <project> as PHPUnit does
OPENCLOVER = b"""<?xml version="1.0" encoding="UTF-8"?>
<coverage generated="1709287200000" clover="4.5.2">
  <project timestamp="1709287199000" name="shop">
    <metrics complexity="6" elements="30" coveredelements="21" conditionals="8" coveredconditionals="5" statements="18"
        coveredstatements="13" coveredmethods="3" methods="4" classes="2" loc="80" ncloc="60" packages="1" files="2"/>
    <package name="com.example.shop">
      <metrics complexity="6" elements="30" coveredelements="21" conditionals="8" coveredconditionals="5" statements="18"
          coveredstatements="13" coveredmethods="3" methods="4" classes="2" loc="80" ncloc="60" files="2"/>
      <file name="Cart.java">
        <metrics complexity="4" elements="20" coveredelements="16" conditionals="6" coveredconditionals="5"
            statements="12" coveredstatements="10" coveredmethods="1" methods="2" classes="1" loc="50" ncloc="40"/>
        <class name="Cart"><metrics complexity="4" elements="20" coveredelements="16" conditionals="6"
            coveredconditionals="5" statements="12" coveredstatements="10" coveredmethods="1" methods="2"/></class>
        <line num="9" count="4" type="method" signature="total() : int" complexity="3" visibility="public"/>
        <line num="10" count="4" type="stmt"/>
        <line num="11" truecount="3" falsecount="1" type="cond"/>
      </file>
    </package>
    <file name="Util.php" path="src/Util.php">
      <metrics loc="30" ncloc="20" classes="1" methods="2" coveredmethods="2" conditionals="2" coveredconditionals="0"
          statements="6" coveredstatements="3" elements="10" coveredelements="5"/>
    </file>
  </project>
  <testproject timestamp="1709287199000" name="shop">
    <metrics statements="4" coveredstatements="4"/>
  </testproject>
</coverage>
"""


def test_istanbul_output_every_field() -> None:
    files = parse_clover(ISTANBUL, "coverage/clover.xml")
    assert files == [
        CoverageResult("/codebuild/output/src1/src/calc.js", 4, 2, 1, 3),
        CoverageResult("/codebuild/output/src1/src/features/steps/steps.js", 6, 0, 0, 0),
    ]
    assert files[0].line_coverage_percentage == pytest.approx(66.666, abs=1e-3)
    assert files[0].branch_coverage_percentage == 25.0


def test_openclover_packages_and_files_under_the_project_leaving_the_test_project_out() -> None:
    assert parse_clover(OPENCLOVER, "target/site/clover/clover.xml") == [
        CoverageResult("com/example/shop/Cart.java", 10, 2, 5, 1),
        CoverageResult("src/Util.php", 3, 3, 0, 2),
    ]


@pytest.mark.parametrize(
    ("data", "line", "reason"),
    [
        (b"<report/>", 1, "root element is <report>, expected <coverage>"),
        (b"<coverage><project>\n<file name='a.js'/></project></coverage>", 2, "<file> has no <metrics>"),
        (
            b"<coverage><project>\n<file><metrics/></file></project></coverage>",
            2,
            "<file> has no name attribute",
        ),
        (
            b"<coverage><project><file name='a'>\n<metrics statements='1' coveredstatements='2'/></file></project></coverage>",
            2,
            "<metrics> counts more covered elements than there are",
        ),
    ],
)
def test_malformed_files_name_the_line(data: bytes, line: int, reason: str) -> None:
    with pytest.raises(ReportFileError) as caught:
        parse_clover(data, "clover.xml")
    assert (caught.value.line, caught.value.reason) == (line, reason)
