"""Cucumber JSON test results (cucumber-js, cucumber-jvm, cucumber-ruby): one case per scenario."""

from __future__ import annotations

from typing import Any

from codeyard.runner.reports.errors import ReportFileError
from codeyard.runner.reports.model import TestCaseResult, TestStatus
from codeyard.runner.reports.rawfile import load_json

# the step status that decides the scenario's, strongest first
_STEP_ORDER = ("failed", "ambiguous", "undefined", "pending", "skipped")
_STATUSES = {
    "failed": TestStatus.FAILED,
    "ambiguous": TestStatus.ERROR,
    "undefined": TestStatus.UNKNOWN,
    "pending": TestStatus.UNKNOWN,
    "skipped": TestStatus.SKIPPED,
}


def parse_cucumber(data: bytes, raw_path: str) -> list[TestCaseResult]:
    """The scenarios of a Cucumber JSON file; background steps count with the scenario that follows."""
    features = load_json(data, raw_path)
    if not isinstance(features, list):
        raise ReportFileError(raw_path, "is not Cucumber JSON: the top level is not a list of features")
    cases: list[TestCaseResult] = []
    for i, feature in enumerate(features):
        where = f"[{i}]"
        _expect(isinstance(feature, dict), raw_path, where, "is not a feature object")
        background: list[Any] = []
        for j, element in enumerate(_list(feature, "elements", raw_path, where)):
            at = f"{where}.elements[{j}]"
            _expect(isinstance(element, dict), raw_path, at, "is not a scenario object")
            steps = _steps(element, raw_path, at)
            if element.get("type") == "background" or element.get("keyword") == "Background":
                background = steps
                continue
            cases.append(_case(feature, element, background + steps, raw_path, at))
            background = []
    return cases


def _case(
    feature: dict[str, Any], element: dict[str, Any], steps: list[Any], raw_path: str, at: str
) -> TestCaseResult:
    statuses: list[str] = []
    duration = 0
    message: str | None = None
    for k, step in enumerate(steps):
        result = step.get("result") if isinstance(step, dict) else None
        if not isinstance(result, dict):
            raise ReportFileError(raw_path, f"is not Cucumber JSON: {at} step {k} has no result object")
        status = str(result.get("status", "")).lower()
        statuses.append(status)
        took = result.get("duration", 0)
        _expect(
            isinstance(took, int | float) and took >= 0, raw_path, f"{at} step {k}", "has an invalid duration"
        )
        duration += int(took)
        if message is None and status in _STATUSES and status != "skipped":
            message = (
                result.get("error_message")
                or f"{status} step: {step.get('keyword', '')}{step.get('name', '')}"
            )
    status = TestStatus.SUCCEEDED
    for candidate in _STEP_ORDER:
        if candidate in statuses:
            status = _STATUSES[candidate]
            break
    else:
        if any(s != "passed" for s in statuses):
            status = TestStatus.UNKNOWN
    return TestCaseResult(
        test_raw_data_path=raw_path,
        prefix=str(feature.get("uri") or feature.get("name") or ""),
        name=str(element.get("name") or element.get("id") or ""),
        status=status,
        duration_in_nano_seconds=duration,
        message=message,
        test_suite_name=str(feature["name"]) if feature.get("name") is not None else None,
    )


def _steps(element: dict[str, Any], raw_path: str, at: str) -> list[Any]:
    """The hooks and steps of a scenario in the order they ran: before hooks, steps (with theirs), after."""
    ordered: list[Any] = list(_list(element, "before", raw_path, at))
    for step in _list(element, "steps", raw_path, at):
        if isinstance(step, dict):
            ordered += [*step.get("before", []), step, *step.get("after", [])]
        else:
            ordered.append(step)
    return ordered + list(_list(element, "after", raw_path, at))


def _list(obj: dict[str, Any], key: str, raw_path: str, at: str) -> list[Any]:
    value = obj.get(key, [])
    _expect(isinstance(value, list), raw_path, at, f"has a {key!r} that is not a list")
    return list(value)


def _expect(condition: bool, raw_path: str, at: str, reason: str) -> None:
    if not condition:
        raise ReportFileError(raw_path, f"is not Cucumber JSON: {at} {reason}")
