"""Buildspec problems: one finding with its file, line, column and hint, and the error that lists them."""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum
from typing import NamedTuple


class Severity(StrEnum):
    """An error makes the buildspec unusable; a warning names something that probably is not meant."""

    ERROR = "error"
    WARNING = "warning"


class Problem(NamedTuple):
    """One finding; `line` and `column` count from 1 (0 when the whole file is at fault)."""

    file: str
    line: int
    column: int
    message: str
    hint: str | None = None
    severity: Severity = Severity.ERROR

    def __str__(self) -> str:
        hint = f" ({self.hint})" if self.hint else ""
        return f"{self.file}:{self.line}:{self.column}: {self.severity}: {self.message}{hint}"


class BuildspecError(Exception):
    """A buildspec that cannot be used; `problems` lists every error and warning found."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = tuple(problems)
        errors = [p for p in self.problems if p.severity is Severity.ERROR]
        lines = "\n".join(str(p) for p in errors)
        super().__init__(f"{len(errors)} error(s) in buildspec:\n{lines}")

    @property
    def errors(self) -> tuple[Problem, ...]:
        """The problems that are errors."""
        return tuple(p for p in self.problems if p.severity is Severity.ERROR)
