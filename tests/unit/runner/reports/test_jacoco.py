"""JaCoCo XML: jacoco.xml as jacoco:report writes it (DOCTYPE, sessions, methods, counters), groups, bad files."""

from __future__ import annotations

import pytest

from codeyard.runner.reports.errors import ReportFileError
from codeyard.runner.reports.jacoco import parse_jacoco
from codeyard.runner.reports.model import CoverageResult, CoverageSummary

# written by JaCoCo 0.8.6 (its agent around a TestNG run, then the XMLFormatter of org.jacoco.report); the
# report's own counters for Cart.java: LINE missed 2 covered 5, BRANCH missed 1 covered 3
JACOCO_REAL = b"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?><!DOCTYPE report PUBLIC "-//JACOCO//DTD Report 1.1//EN" "report.dtd"><report name="shop"><sessioninfo id="vm-edd7b0d4" start="1795942710208" dump="1795942711597"/>\
<package name="com/example/shop"><class name="com/example/shop/Cart" sourcefilename="Cart.java"><method name="&lt;init&gt;" desc="()V" line="3"><counter type="INSTRUCTION" missed="0" covered="3"/>\
<counter type="LINE" missed="0" covered="1"/>\
<counter type="COMPLEXITY" missed="0" covered="1"/>\
<counter type="METHOD" missed="0" covered="1"/>\
</method><method name="add" desc="(I)V" line="7"><counter type="INSTRUCTION" missed="5" covered="9"/>\
<counter type="BRANCH" missed="1" covered="1"/>\
<counter type="LINE" missed="1" covered="3"/>\
<counter type="COMPLEXITY" missed="1" covered="1"/>\
<counter type="METHOD" missed="0" covered="1"/>\
</method><method name="total" desc="()I" line="14"><counter type="INSTRUCTION" missed="0" covered="12"/>\
<counter type="BRANCH" missed="0" covered="2"/>\
<counter type="LINE" missed="0" covered="1"/>\
<counter type="COMPLEXITY" missed="0" covered="2"/>\
<counter type="METHOD" missed="0" covered="1"/>\
</method><method name="unused" desc="()Ljava/lang/String;" line="18"><counter type="INSTRUCTION" missed="2" covered="0"/>\
<counter type="LINE" missed="1" covered="0"/>\
<counter type="COMPLEXITY" missed="1" covered="0"/>\
<counter type="METHOD" missed="1" covered="0"/>\
</method><counter type="INSTRUCTION" missed="7" covered="24"/>\
<counter type="BRANCH" missed="1" covered="3"/>\
<counter type="LINE" missed="2" covered="5"/>\
<counter type="COMPLEXITY" missed="2" covered="4"/>\
<counter type="METHOD" missed="1" covered="3"/>\
<counter type="CLASS" missed="0" covered="1"/>\
</class><sourcefile name="Cart.java"><line nr="3" mi="0" ci="3" mb="0" cb="0"/>\
<line nr="7" mi="0" ci="2" mb="1" cb="1"/>\
<line nr="8" mi="5" ci="0" mb="0" cb="0"/>\
<line nr="10" mi="0" ci="6" mb="0" cb="0"/>\
<line nr="11" mi="0" ci="1" mb="0" cb="0"/>\
<line nr="14" mi="0" ci="12" mb="0" cb="2"/>\
<line nr="18" mi="2" ci="0" mb="0" cb="0"/>\
<counter type="INSTRUCTION" missed="7" covered="24"/>\
<counter type="BRANCH" missed="1" covered="3"/>\
<counter type="LINE" missed="2" covered="5"/>\
<counter type="COMPLEXITY" missed="2" covered="4"/>\
<counter type="METHOD" missed="1" covered="3"/>\
<counter type="CLASS" missed="0" covered="1"/>\
</sourcefile><counter type="INSTRUCTION" missed="7" covered="24"/>\
<counter type="BRANCH" missed="1" covered="3"/>\
<counter type="LINE" missed="2" covered="5"/>\
<counter type="COMPLEXITY" missed="2" covered="4"/>\
<counter type="METHOD" missed="1" covered="3"/>\
<counter type="CLASS" missed="0" covered="1"/>\
</package><counter type="INSTRUCTION" missed="7" covered="24"/>\
<counter type="BRANCH" missed="1" covered="3"/>\
<counter type="LINE" missed="2" covered="5"/>\
<counter type="COMPLEXITY" missed="2" covered="4"/>\
<counter type="METHOD" missed="1" covered="3"/>\
<counter type="CLASS" missed="0" covered="1"/>\
</report>"""

JACOCO = b"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?><!DOCTYPE report PUBLIC "-//JACOCO//DTD Report 1.1//EN" \
"report.dtd"><report name="shop"><sessioninfo id="build-1f2e" start="1709287200000" dump="1709287201000"/>\
<package name="com/example/shop"><class name="com/example/shop/Cart" sourcefilename="Cart.java">\
<method name="&lt;init&gt;" desc="()V" line="5"><counter type="INSTRUCTION" missed="0" covered="8"/>\
<counter type="LINE" missed="0" covered="2"/><counter type="COMPLEXITY" missed="0" covered="1"/>\
<counter type="METHOD" missed="0" covered="1"/></method>\
<method name="total" desc="()I" line="9"><counter type="INSTRUCTION" missed="4" covered="20"/>\
<counter type="BRANCH" missed="1" covered="3"/><counter type="LINE" missed="1" covered="5"/>\
<counter type="COMPLEXITY" missed="1" covered="2"/><counter type="METHOD" missed="0" covered="1"/></method>\
<counter type="INSTRUCTION" missed="4" covered="28"/><counter type="BRANCH" missed="1" covered="3"/>\
<counter type="LINE" missed="1" covered="7"/><counter type="COMPLEXITY" missed="1" covered="3"/>\
<counter type="METHOD" missed="0" covered="2"/><counter type="CLASS" missed="0" covered="1"/></class>\
<class name="com/example/shop/Coupon" sourcefilename="Coupon.java"><method name="&lt;init&gt;" desc="()V" line="3">\
<counter type="INSTRUCTION" missed="3" covered="0"/><counter type="LINE" missed="1" covered="0"/>\
<counter type="COMPLEXITY" missed="1" covered="0"/><counter type="METHOD" missed="1" covered="0"/></method>\
<counter type="INSTRUCTION" missed="3" covered="0"/><counter type="LINE" missed="1" covered="0"/>\
<counter type="COMPLEXITY" missed="1" covered="0"/><counter type="METHOD" missed="1" covered="0"/>\
<counter type="CLASS" missed="1" covered="0"/></class>\
<sourcefile name="Cart.java"><line nr="5" mi="0" ci="3" mb="0" cb="0"/><line nr="6" mi="0" ci="5" mb="0" cb="0"/>\
<line nr="9" mi="0" ci="4" mb="1" cb="3"/><line nr="10" mi="4" ci="0" mb="0" cb="0"/>\
<counter type="INSTRUCTION" missed="4" covered="28"/><counter type="BRANCH" missed="1" covered="3"/>\
<counter type="LINE" missed="1" covered="7"/><counter type="COMPLEXITY" missed="1" covered="3"/>\
<counter type="METHOD" missed="0" covered="2"/><counter type="CLASS" missed="0" covered="1"/></sourcefile>\
<sourcefile name="Coupon.java"><line nr="3" mi="3" ci="0" mb="0" cb="0"/>\
<counter type="INSTRUCTION" missed="3" covered="0"/><counter type="LINE" missed="1" covered="0"/>\
<counter type="COMPLEXITY" missed="1" covered="0"/><counter type="METHOD" missed="1" covered="0"/>\
<counter type="CLASS" missed="1" covered="0"/></sourcefile>\
<counter type="INSTRUCTION" missed="7" covered="28"/><counter type="BRANCH" missed="1" covered="3"/>\
<counter type="LINE" missed="2" covered="7"/><counter type="COMPLEXITY" missed="2" covered="3"/>\
<counter type="METHOD" missed="1" covered="2"/><counter type="CLASS" missed="1" covered="1"/></package>\
<counter type="INSTRUCTION" missed="7" covered="28"/><counter type="BRANCH" missed="1" covered="3"/>\
<counter type="LINE" missed="2" covered="7"/><counter type="COMPLEXITY" missed="2" covered="3"/>\
<counter type="METHOD" missed="1" covered="2"/><counter type="CLASS" missed="1" covered="1"/></report>"""


def test_source_files_with_their_line_and_branch_counters() -> None:
    files = parse_jacoco(JACOCO, "target/site/jacoco/jacoco.xml")
    assert files == [
        CoverageResult(
            "com/example/shop/Cart.java",
            lines_covered=7,
            lines_missed=1,
            branches_covered=3,
            branches_missed=1,
        ),
        CoverageResult(
            "com/example/shop/Coupon.java",
            lines_covered=0,
            lines_missed=1,
            branches_covered=0,
            branches_missed=0,
        ),
    ]
    assert files[0].line_coverage_percentage == 87.5
    assert files[0].branch_coverage_percentage == 75.0
    assert files[1].line_coverage_percentage == 0.0
    assert files[1].branch_coverage_percentage is None
    summary = CoverageSummary.of(files)
    # the report's own LINE counter: missed="2" covered="7"; BRANCH: missed="1" covered="3"
    assert (
        summary.lines_covered,
        summary.lines_missed,
        summary.branches_covered,
        summary.branches_missed,
    ) == (7, 2, 3, 1)


def test_jacoco_real_output() -> None:
    assert parse_jacoco(JACOCO_REAL, "jacoco.xml") == [
        CoverageResult("com/example/shop/Cart.java", 5, 2, 3, 1)
    ]


def test_groups_of_a_multi_module_report_and_the_default_package() -> None:
    data = b"""<report name="all"><group name="api"><package name="com/ex/api"><sourcefile name="A.java">
      <counter type="LINE" missed="3" covered="1"/></sourcefile></package></group>
      <group name="core"><group name="inner"><package name=""><sourcefile name="Main.java">
      <counter type="LINE" missed="0" covered="2"/><counter type="BRANCH" missed="2" covered="0"/></sourcefile>
      </package></group></group></report>"""
    assert parse_jacoco(data, "jacoco.xml") == [
        CoverageResult("com/ex/api/A.java", 1, 3, 0, 0),
        CoverageResult("Main.java", 2, 0, 0, 2),
    ]


@pytest.mark.parametrize(
    ("data", "line", "reason"),
    [
        (b"<coverage/>", 1, "root element is <coverage>, expected <report>"),
        (
            b"<report><package name='p'>\n<sourcefile/></package></report>",
            2,
            "<sourcefile> has no name attribute",
        ),
        (
            b"<report><package name='p'><sourcefile name='A.java'>\n\n<counter type='LINE' missed='-1' covered='1'/>"
            b"</sourcefile></package></report>",
            3,
            "<counter> missed='-1' is negative",
        ),
        (
            b'<!DOCTYPE report SYSTEM "file:///etc/passwd" [<!ENTITY x SYSTEM "file:///etc/passwd">]><report>&x;</report>',
            None,
            "uses XML entities or external references, refused (EntitiesForbidden(name='x', system_id='file:///etc/passwd', public_id=None))",
        ),
    ],
)
def test_malformed_files_name_the_line(data: bytes, line: int | None, reason: str) -> None:
    with pytest.raises(ReportFileError) as caught:
        parse_jacoco(data, "jacoco.xml")
    assert (caught.value.line, caught.value.reason) == (line, reason)
