"""The buildspec linter: every problem of a buildspec file, for `codeyard lint` and editors."""

from __future__ import annotations

from pathlib import Path

from codeyard.runner.buildspec.parser import check
from codeyard.runner.buildspec.problems import Problem, Severity


def lint_file(path: Path, name: str | None = None) -> list[Problem]:
    """Every problem of the buildspec at `path`, reported under `name` (default: the path as given).

    Raises OSError when the file cannot be read; a file that is not UTF-8 is a problem, not an OSError."""
    shown = str(path) if name is None else name
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        return [Problem(shown, line, 0, "not UTF-8 text", "save the file as UTF-8")]
    return check(text, shown)


def has_errors(problems: list[Problem]) -> bool:
    """True when any problem is an error (warnings alone leave a buildspec usable)."""
    return any(problem.severity is Severity.ERROR for problem in problems)
