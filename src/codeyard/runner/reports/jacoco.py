"""JaCoCo XML coverage (jacoco.xml): the LINE and BRANCH counters of each <sourcefile>."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from codeyard.runner.reports.model import CoverageResult
from codeyard.runner.reports.xmldoc import XmlDocument, children


def parse_jacoco(data: bytes, raw_path: str) -> list[CoverageResult]:
    """The source files of a JaCoCo report, as "<package path>/<file name>", groups included."""
    doc = XmlDocument(data, raw_path)
    results: list[CoverageResult] = []
    _walk(doc, doc.expect_root("report"), results)
    return results


def _walk(doc: XmlDocument, elem: ET.Element, results: list[CoverageResult]) -> None:
    for child in children(elem, "group", "package"):
        if child.tag == "group":
            _walk(doc, child, results)
            continue
        package = child.get("name", "")
        for source in children(child, "sourcefile"):
            name = doc.required(source, "name")
            lines = _counter(doc, source, "LINE")
            branches = _counter(doc, source, "BRANCH")
            results.append(
                CoverageResult(
                    file_path=f"{package}/{name}" if package else name,
                    lines_covered=lines[0],
                    lines_missed=lines[1],
                    branches_covered=branches[0],
                    branches_missed=branches[1],
                )
            )


def _counter(doc: XmlDocument, source: ET.Element, kind: str) -> tuple[int, int]:
    """(covered, missed) of a counter of a source file; a counter JaCoCo leaves out (nothing to count) is 0."""
    for counter in children(source, "counter"):
        if counter.get("type") == kind:
            return doc.integer(counter, "covered"), doc.integer(counter, "missed")
    return 0, 0
