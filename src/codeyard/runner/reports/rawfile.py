"""Reading a report file with a size bound, and decoding it as JSON with line numbers in errors."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from codeyard.runner.globs import open_selected
from codeyard.runner.reports.errors import ReportFileError

MAX_REPORT_BYTES = 50 * 1024 * 1024


def read_bounded(path: Path, shown_as: str, limit: int = MAX_REPORT_BYTES) -> bytes:
    """The bytes of a report file (`path`: its resolved path when it was selected, never read through a
    symlink), refused when it is larger than `limit`."""
    try:
        with os.fdopen(open_selected(path), "rb") as f:
            data = f.read(limit + 1)
    except OSError as exc:
        raise ReportFileError(shown_as, f"cannot be read: {exc.strerror or exc}") from None
    if len(data) > limit:
        raise ReportFileError(shown_as, f"is larger than {limit // (1024 * 1024)} MB and is not read")
    return data


def load_json(data: bytes, path: str) -> Any:
    """The JSON value of a file, or a ReportFileError naming the line and column of a syntax error."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ReportFileError(path, f"is not UTF-8 text (byte {exc.start})") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ReportFileError(
            path, f"is not valid JSON: {exc.msg} (column {exc.colno})", exc.lineno
        ) from None
    except RecursionError:
        raise ReportFileError(path, "is not valid JSON: nested too deeply") from None
