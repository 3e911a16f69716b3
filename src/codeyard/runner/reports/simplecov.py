"""SimpleCov JSON coverage: .resultset.json, simplecov_json_formatter's coverage.json, simplecov-json's output."""

from __future__ import annotations

from typing import Any

from codeyard.runner.reports.errors import ReportFileError
from codeyard.runner.reports.model import CoverageResult
from codeyard.runner.reports.rawfile import load_json


def parse_simplecov(data: bytes, raw_path: str) -> list[CoverageResult]:
    """The files of a SimpleCov JSON file, in any of the three shapes SimpleCov users produce.

    - `.resultset.json`: {command: {"coverage": {path: {"lines": [...], "branches": {...}} or [...]}}},
      several commands merged line by line;
    - `coverage.json` of simplecov_json_formatter (SimpleCov >= 0.18's JSON formatter):
      {"meta": ..., "coverage": {path: {"lines": [...], "branches": [{"coverage": n}, ...]}}};
    - the simplecov-json gem: {"files": [{"filename": path, "coverage": [...] or {"lines": [...]}}]}.
    """
    doc = load_json(data, raw_path)
    if not isinstance(doc, dict):
        raise _error(raw_path, "the top level is not an object")
    merged: dict[str, tuple[dict[int, bool], dict[str, bool]]] = {}
    if isinstance(doc.get("files"), list):
        for i, entry in enumerate(doc["files"]):
            if not isinstance(entry, dict) or not isinstance(entry.get("filename"), str):
                raise _error(raw_path, f"files[{i}] has no filename")
            _add(merged, entry["filename"], entry.get("coverage"), raw_path)
    elif isinstance(doc.get("coverage"), dict):
        for path, cov in doc["coverage"].items():
            _add(merged, path, cov, raw_path)
    else:
        for command, run in doc.items():
            if not isinstance(run, dict) or not isinstance(run.get("coverage"), dict):
                raise _error(raw_path, f"{command!r} has no coverage object (not a SimpleCov result)")
            for path, cov in run["coverage"].items():
                _add(merged, path, cov, raw_path)
    return [_result(path, lines, branches) for path, (lines, branches) in merged.items()]


def _add(
    merged: dict[str, tuple[dict[int, bool], dict[str, bool]]], path: str, cov: Any, raw_path: str
) -> None:
    """Merge a file's coverage into what other commands said about it: a line run by any is covered."""
    lines, branches = merged.setdefault(path, ({}, {}))
    line_hits = cov.get("lines") if isinstance(cov, dict) else cov
    if not isinstance(line_hits, list):
        raise _error(raw_path, f"the coverage of {path!r} has no list of lines")
    for number, hits in enumerate(line_hits, start=1):
        if isinstance(hits, int) and not isinstance(hits, bool):  # null and "ignored" are not relevant lines
            lines[number] = lines.get(number, False) or hits > 0
    raw_branches = cov.get("branches") if isinstance(cov, dict) else None
    for key, hits in _branches(raw_branches, path, raw_path):
        branches[key] = branches.get(key, False) or hits > 0


def _branches(raw: Any, path: str, raw_path: str) -> list[tuple[str, int]]:
    """Each branch as (a key that is the same in every command, hits)."""
    if raw is None:
        return []
    out: list[tuple[str, int]] = []
    if isinstance(raw, dict):  # .resultset.json: {condition: {branch: hits}}
        for condition, arms in raw.items():
            if not isinstance(arms, dict):
                raise _error(raw_path, f"the branches of {path!r} are not grouped by condition")
            out += [(f"{condition} {arm}", h) for arm, h in arms.items() if isinstance(h, int)]
    elif isinstance(raw, list):  # coverage.json: [{"type", "start_line", "coverage"}, ...]
        for i, branch in enumerate(raw):
            if not isinstance(branch, dict):
                raise _error(raw_path, f"branch {i} of {path!r} is not an object")
            if isinstance(branch.get("coverage"), int):
                out.append((str(i), branch["coverage"]))
    else:
        raise _error(raw_path, f"the branches of {path!r} are neither an object nor a list")
    return out


def _result(path: str, lines: dict[int, bool], branches: dict[str, bool]) -> CoverageResult:
    covered = sum(lines.values())
    branches_covered = sum(branches.values())
    return CoverageResult(
        file_path=path,
        lines_covered=covered,
        lines_missed=len(lines) - covered,
        branches_covered=branches_covered,
        branches_missed=len(branches) - branches_covered,
    )


def _error(raw_path: str, reason: str) -> ReportFileError:
    return ReportFileError(raw_path, f"is not SimpleCov JSON: {reason}")
