"""A report's raw files for its group's S3 export: zipped by the runner, sent only when the server asks.

The zip names each file by its raw-data path (relative to the base directory, the bare name with
discard-paths, an absolute path without its leading `/`), as the report's testRawDataPath does. Files
are read as the report read them (never through a link), within the caps the server takes."""

from __future__ import annotations

import asyncio
import os
import tempfile
import zipfile
from collections.abc import Awaitable, Callable
from pathlib import Path

from codeyard.runner.engine.lines import utf8_safe
from codeyard.runner.globs import open_selected
from codeyard.runner.reports.collect import CollectedReport

MAX_RAW_BYTES = 60 * 1024 * 1024  # of a report's raw files: their zip stays under the server's 64 MiB
MAX_RAW_FILES = 1000  # the server's limit of files in one report's zip
CHUNK = 1 << 20

Export = Callable[[str, Path], Awaitable[None]]  # sends the zip (a path) of a report (an ARN)


class ExportFailed(Exception):
    """The raw data was not exported (the reason is the message)."""


def zip_raw_files(report: CollectedReport, target: Path) -> int:
    """Writes the zip of the report's raw files to `target`; answers how many it holds. Raises
    ExportFailed when there are too many or too large files, or one cannot be read."""
    files = list(zip(report.raw_files, report.raw_paths, strict=True))
    if not files:
        raise ExportFailed("the report has no raw file")
    if len(files) > MAX_RAW_FILES:
        raise ExportFailed(f"the report has {len(files)} raw files; at most {MAX_RAW_FILES} are exported")
    budget = MAX_RAW_BYTES
    names: set[str] = set()
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for shown, path in files:
            name = utf8_safe(
                shown.lstrip("/")
            )  # an undecodable byte of a file name: U+FFFD, as in the report
            if name in names:  # discard-paths gave two files one name: the first is kept, as in the report
                continue
            names.add(name)
            try:
                with os.fdopen(open_selected(path), "rb") as source, archive.open(name, "w") as entry:
                    while chunk := source.read(min(CHUNK, budget + 1)):
                        budget -= len(chunk)
                        if budget < 0:
                            raise ExportFailed(
                                f"the raw files are larger than {MAX_RAW_BYTES // (1024 * 1024)} MB"
                            )
                        entry.write(chunk)
            except OSError as error:
                raise ExportFailed(f"{shown} cannot be read: {error.strerror or error}") from None
    return len(names)


async def export_raw_files(
    group: str, arn: str, report: CollectedReport, export: Export, note: Callable[[str], Awaitable[None]]
) -> None:
    """Zips and sends the report's raw files; a failure is noted in the build log (the report stays
    filed and the build goes on)."""
    with tempfile.TemporaryDirectory(prefix="codeyard-report-") as directory:
        target = Path(directory) / "raw.zip"
        try:
            count = await asyncio.to_thread(zip_raw_files, report, target)
            await export(arn, target)
        except ExportFailed as error:
            await note(f"Report {group}: raw data not exported: {error}")
            return
    await note(f"Report {group}: raw data exported ({count} file{'' if count == 1 else 's'})")
