"""The error of a report file that cannot be read, naming the file and the line at fault."""

from __future__ import annotations


class ReportFileError(Exception):
    """A report file that is too large, malformed, or not of its declared format."""

    def __init__(self, path: str, reason: str, line: int | None = None) -> None:
        self.path = path
        self.reason = reason
        self.line = line
        where = f"{path}, line {line}" if line is not None else path
        super().__init__(f"{where}: {reason}")
