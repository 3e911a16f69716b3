"""Cobertura XML coverage (coverage.py, cobertura, istanbul/nyc, gcovr): lines and branches per file."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from codeyard.runner.reports.model import CoverageResult
from codeyard.runner.reports.xmldoc import XmlDocument, children

_CONDITION = re.compile(r"\(\s*(\d+)\s*/\s*(\d+)\s*\)")


def parse_cobertura(data: bytes, raw_path: str) -> list[CoverageResult]:
    """The files of a Cobertura report, in first-seen order, the classes of one file merged by line."""
    doc = XmlDocument(data, raw_path)
    root = doc.expect_root("coverage")
    # file -> line number -> (hits, branches covered, branches total)
    files: dict[str, dict[int, tuple[int, int, int]]] = {}
    for packages in children(root, "packages"):
        for package in children(packages, "package"):
            for classes in children(package, "classes"):
                for cls in children(classes, "class"):
                    lines = files.setdefault(doc.required(cls, "filename"), {})
                    for holder in children(cls, "lines"):
                        for line in children(holder, "line"):
                            _merge(lines, doc.integer(line, "number"), _figures(doc, line))
    return [_result(path, lines) for path, lines in files.items()]


def _figures(doc: XmlDocument, line: ET.Element) -> tuple[int, int, int]:
    hits = doc.integer(line, "hits")
    if line.get("branch", "false").lower() != "true":
        return hits, 0, 0
    condition = line.get("condition-coverage")
    match = _CONDITION.search(condition or "")
    if match is None:
        raise doc.error(line, f"<line> condition-coverage={condition!r} has no (covered/total) figures")
    covered, total = int(match.group(1)), int(match.group(2))
    if covered > total:
        raise doc.error(line, f"<line> condition-coverage={condition!r} covers more branches than it has")
    return hits, covered, total


def _merge(lines: dict[int, tuple[int, int, int]], number: int, figures: tuple[int, int, int]) -> None:
    """A line seen twice (inner classes, a class split across packages) keeps the best figures."""
    if number in lines:
        old = lines[number]
        figures = (max(old[0], figures[0]), max(old[1], figures[1]), max(old[2], figures[2]))
    lines[number] = figures


def _result(path: str, lines: dict[int, tuple[int, int, int]]) -> CoverageResult:
    covered = sum(1 for hits, _, _ in lines.values() if hits > 0)
    branches_covered = sum(bc for _, bc, _ in lines.values())
    branches_total = sum(bt for _, _, bt in lines.values())
    return CoverageResult(
        file_path=path,
        lines_covered=covered,
        lines_missed=len(lines) - covered,
        branches_covered=branches_covered,
        branches_missed=branches_total - branches_covered,
    )
