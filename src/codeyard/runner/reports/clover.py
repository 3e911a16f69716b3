"""Clover XML coverage (OpenClover, istanbul/nyc, PHPUnit): statements as lines, conditionals as branches."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from codeyard.runner.reports.model import CoverageResult
from codeyard.runner.reports.xmldoc import XmlDocument, children


def parse_clover(data: bytes, raw_path: str) -> list[CoverageResult]:
    """The <file>s of a Clover report, directly under <project> or in its <package>s."""
    doc = XmlDocument(data, raw_path)
    root = doc.expect_root("coverage")
    results: list[CoverageResult] = []
    for project in children(root, "project"):
        for elem in children(project, "file", "package"):
            files = [elem] if elem.tag == "file" else list(children(elem, "file"))
            results += [_file(doc, f, elem.get("name") if elem.tag == "package" else None) for f in files]
    return results


def _file(doc: XmlDocument, elem: ET.Element, package: str | None) -> CoverageResult:
    name = doc.required(elem, "name")
    path = elem.get("path") or (f"{package.replace('.', '/')}/{name}" if package else name)
    metrics = elem.find("metrics")
    if metrics is None:
        raise doc.error(elem, "<file> has no <metrics>")
    statements = doc.integer(metrics, "statements")
    covered_statements = doc.integer(metrics, "coveredstatements")
    conditionals = doc.integer(metrics, "conditionals")
    covered_conditionals = doc.integer(metrics, "coveredconditionals")
    if covered_statements > statements or covered_conditionals > conditionals:
        raise doc.error(metrics, "<metrics> counts more covered elements than there are")
    return CoverageResult(
        file_path=path,
        lines_covered=covered_statements,
        lines_missed=statements - covered_statements,
        branches_covered=covered_conditionals,
        branches_missed=conditionals - covered_conditionals,
    )
