"""The work API's report export: the raw files of a report whose group exports to S3, kept in the artifact store.

`PUT /_codeyard/v1/work/jobs/<build id>/reports/raw?report=<report ARN>` takes a zip of the report's
raw files from the runner holding the build (it sends one when the report's upload answered
`exportRawData`). The report's exportConfig (its group's when it was filed) names the place:
`<bucket>/<path>/<report id>.zip` with packaging ZIP, the files under `<bucket>/<path>/<report id>/`
with NONE; the report id is the ARN's `<group name>:<uuid>`. Uploads are capped and checked before
anything is kept."""

from __future__ import annotations

import tempfile
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path, PurePosixPath
from typing import Any, TypeVar
from urllib.parse import parse_qs

import anyio.to_thread

from codeyard.execution.artifact_store import ArtifactStore
from codeyard.execution.queue import LeaseLost, WorkQueue
from codeyard.execution.registry import RunnerRegistry
from codeyard.router import Receive, Scope, Send, send_json
from codeyard.store.ports import Store

MAX_ZIP_BYTES = 64 * 1024 * 1024  # of an upload
MAX_FILES = 1000  # in one report's zip
MAX_UNPACKED_BYTES = 256 * 1024 * 1024  # of the files a zip holds
READ_CHUNK = 1 << 20
T = TypeVar("T")


class ExportRefused(Exception):
    """The upload is not kept: (status, error type, message)."""

    def __init__(self, status: int, kind: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.kind = kind


def exports(export_config: dict[str, Any]) -> bool:
    """Whether a report (group) with this ReportExportConfig exports its raw data."""
    return export_config.get("exportConfigType") == "S3"


def export_place(export_config: dict[str, Any], report_arn: str) -> tuple[str, str, str]:
    """The bucket, key and packaging of a report's export (ZIP: the key of the zip; NONE: the
    key prefix of its files)."""
    destination = export_config.get("s3Destination") or {}
    bucket = str(destination.get("bucket") or "")
    path = str(destination.get("path") or "").strip("/")
    packaging = str(destination.get("packaging") or "NONE")
    report_id = report_arn.partition(":report/")[2]
    if not bucket or "/" in bucket or bucket in (".", ".."):
        raise ExportRefused(400, "InvalidExportConfig", f"the export bucket {bucket!r} is not a bucket name")
    key = f"{path}/{report_id}" if path else report_id
    if ".." in PurePosixPath(key).parts or not report_id:
        raise ExportRefused(400, "InvalidExportConfig", f"the export path {path!r} is not a key prefix")
    return bucket, f"{key}.zip" if packaging == "ZIP" else key, packaging


def check_zip(upload: Path) -> None:
    """Refuses a file that is not a zip, holds too many or too large files, names a file outside
    the place it is unpacked to or under another file (`a` and `a/b`), or holds a file that cannot
    be read back whole (damaged data, a wrong CRC, encrypted, an unknown compression): what is kept
    can always be unpacked."""
    try:
        with zipfile.ZipFile(upload) as archive:
            entries = archive.infolist()
            _check_entries(entries)
            for entry in entries:  # read within the sizes checked: zipfile stops at an entry's size
                with archive.open(entry) as member:
                    while member.read(READ_CHUNK):
                        pass
    except (zipfile.BadZipFile, zlib.error, EOFError, RuntimeError, NotImplementedError, OSError) as error:
        raise ExportRefused(
            400, "InvalidReportData", f"the raw data is not a readable zip: {error}"
        ) from None


def _check_entries(entries: list[zipfile.ZipInfo]) -> None:
    if len(entries) > MAX_FILES:
        raise ExportRefused(400, "InvalidReportData", f"the raw data holds more than {MAX_FILES} files")
    if sum(entry.file_size for entry in entries) > MAX_UNPACKED_BYTES:
        limit = MAX_UNPACKED_BYTES // (1024 * 1024)
        raise ExportRefused(413, "ReportDataTooLarge", f"the raw data unpacks to more than {limit} MB")
    for entry in entries:
        name = PurePosixPath(entry.filename)
        if name.is_absolute() or ".." in name.parts or "\\" in entry.filename or not name.parts:
            raise ExportRefused(400, "InvalidReportData", f"the raw data names {entry.filename!r}")
    files = {PurePosixPath(e.filename) for e in entries if not e.is_dir()}
    for file in files:
        if any(parent in files for parent in file.parents):
            raise ExportRefused(
                400, "InvalidReportData", f"the raw data names {file.as_posix()!r} under a file of its own"
            )


class ReportExport:
    """Receives the raw data of the reports of the builds a runner holds."""

    def __init__(
        self, store: Store, queue: WorkQueue, registry: RunnerRegistry, artifacts: ArtifactStore | None
    ) -> None:
        self._store = store
        self._queue = queue
        self._registry = registry
        self._artifacts = artifacts

    def wanted(self, report_arn: str) -> bool:
        """Whether the report's group exported its raw data when it was filed."""
        with self._store.reader() as uow:
            report = uow.reports.get(arn=report_arn)
        return report is not None and exports(report.export_config) and self._artifacts is not None

    async def __call__(self, scope: Scope, receive: Receive, send: Send, token: str, job_id: str) -> None:
        report_arn = parse_qs(scope.get("query_string", b"").decode()).get("report", [""])[0]
        try:
            runner_id = await _run(self._registry.authenticate, token)
            if runner_id is None:
                raise ExportRefused(401, "Unauthorized", "The runner token is not valid.")
            place = await _run(self._place, runner_id, job_id, report_arn)
            with tempfile.TemporaryDirectory(prefix="codeyard-report-") as directory:
                upload = Path(directory) / "raw.zip"
                await _receive(receive, upload)
                await _run(check_zip, upload)
                location = await _run(self._keep, runner_id, job_id, place, upload)
        except LeaseLost as error:
            await send_json(send, 409, {"__type": "LeaseLost", "message": str(error)})
            return
        except ExportRefused as refusal:
            await send_json(send, refusal.status, {"__type": refusal.kind, "message": str(refusal)})
            return
        await send_json(send, 200, {"location": location})

    def _place(self, runner_id: str, job_id: str, report_arn: str) -> tuple[str, str, str]:
        """Where the report's raw data goes; LeaseLost unless the runner holds the build, refused
        unless the report is the build's and its group exports."""
        job = self._queue.job(runner_id, job_id)
        with self._store.reader() as uow:
            build = uow.builds.get(id=job.id)
            report = uow.reports.get(arn=report_arn) if report_arn else None
        if build is None or report is None or report.execution_id != build.arn:
            raise ExportRefused(
                404, "ResourceNotFoundException", f"build {job_id} has no report {report_arn!r}"
            )
        if self._artifacts is None or not exports(report.export_config):
            raise ExportRefused(400, "InvalidInputException", f"report {report_arn} is not exported")
        return export_place(report.export_config, report.arn)

    def _keep(self, runner_id: str, job_id: str, place: tuple[str, str, str], upload: Path) -> str:
        assert self._artifacts is not None
        self._queue.job(runner_id, job_id)  # still held once the upload arrived
        bucket, key, packaging = place
        try:
            return self._artifacts.keep(bucket, key, upload, packaging).location
        except (ValueError, OSError) as error:
            raise ExportRefused(400, "InvalidExportConfig", f"cannot keep the raw data: {error}") from None


async def _receive(receive: Receive, target: Path) -> None:
    """The request body into `target`, refused past MAX_ZIP_BYTES or when the client left early."""
    size = 0
    with target.open("wb") as handle:
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                raise ExportRefused(400, "Incomplete", "the upload ended early")
            chunk: bytes = message.get("body", b"")
            size += len(chunk)
            if size > MAX_ZIP_BYTES:
                limit = MAX_ZIP_BYTES // (1024 * 1024)
                raise ExportRefused(
                    413, "ReportDataTooLarge", f"the raw data's zip is larger than {limit} MB"
                )
            if chunk:
                await _run(handle.write, chunk)
            if not message.get("more_body"):
                return


async def _run(function: Callable[..., T], *args: Any) -> T:
    return await anyio.to_thread.run_sync(function, *args)
