"""The work API's report export over HTTP: a report whose group exports to S3 asks for its raw data,
which only the runner holding the build may send, as a zip that is checked before it is kept."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

import httpx

from tests.api.codebuild.report_support import group_arn
from tests.integration.runner.builds_support import buildspec, no_source_project
from tests.integration.runner.test_work_api_cache import WORK, _claim, _register
from tests.support.server import Server

JUNIT = b'<testsuite name="s"><testcase classname="c" name="t"/></testsuite>'


def _zip(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _damaged() -> bytes:
    """A zip whose deflated data is damaged: its listing reads, its file does not."""
    data = bytearray(_zip({"junit.xml": JUNIT * 50}))
    data[30 + len("junit.xml") + 4] ^= 0xFF
    return bytes(data)


def _bomb() -> bytes:
    """A small zip that unpacks to 257 MB."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive, archive.open("zeros", "w") as entry:
        block = bytes(1 << 20)
        for _ in range(257):
            entry.write(block)
    return buffer.getvalue()


def test_only_the_lease_holder_exports_the_raw_data_of_an_exporting_report(
    make_server: Callable[..., Server],
) -> None:
    server = make_server("sqlite", extra_env={"CODEYARD_RUNNER": "false"}).start()
    codebuild = server.client("codebuild")
    destination = {"bucket": "exports", "path": "/raw/junit/", "packaging": "ZIP"}
    codebuild.create_report_group(
        name="exported", type="TEST", exportConfig={"exportConfigType": "S3", "s3Destination": destination}
    )
    no_source_project(server, "app", buildspec("true"))
    holder, other = _register(server, "holder"), _register(server, "other")
    build_id = codebuild.start_build(projectName="app")["build"]["id"]
    assert _claim(server, holder)["build_id"] == build_id
    jobs = f"{server.endpoint}{WORK}/jobs/{quote(build_id, safe='')}"

    def upload(group: str) -> dict[str, Any]:
        report = {"group": group, "type": "TEST", "status": "SUCCEEDED"}
        answer = httpx.post(f"{jobs}/reports", json=report, headers=holder)
        assert answer.status_code == 200
        filed: dict[str, Any] = answer.json()
        return filed

    exported, plain = upload(group_arn("exported")), upload("plain")
    assert exported["exportRawData"] is True
    assert plain == {"reportArn": plain["reportArn"], "exportRawData": False}
    arn = exported["reportArn"]

    def put(report: str, body: bytes, headers: dict[str, str] = holder) -> httpx.Response:
        return httpx.put(
            f"{jobs}/reports/raw", params={"report": report}, content=body, headers=headers, timeout=60
        )

    good = _zip({"junit.xml": JUNIT, "nested/more.xml": JUNIT})
    assert put(arn, good, other).status_code == 409
    assert put(arn, good, {"authorization": "Bearer wrong"}).status_code == 401
    refusals = [
        (put(plain["reportArn"], good), 400, "InvalidInputException"),
        (put(arn + "0", good), 404, "ResourceNotFoundException"),
        (put(arn, b"not a zip"), 400, "InvalidReportData"),
        (put(arn, _zip({"../escape.xml": JUNIT})), 400, "InvalidReportData"),
        (put(arn, _zip({"/etc/cron.d/x": JUNIT})), 400, "InvalidReportData"),
        (put(arn, _damaged()), 400, "InvalidReportData"),
        (put(arn, _bomb()), 413, "ReportDataTooLarge"),
    ]
    for answer, status, kind in refusals:
        assert (answer.status_code, answer.json()["__type"]) == (status, kind), answer.text
    exports = server.data_dir / "artifacts" / "exports"
    assert not exports.exists()

    kept = put(arn, good)
    report_id = arn.partition(":report/")[2]
    assert report_id.startswith("exported:")
    assert kept.json() == {"location": f"arn:aws:s3:::exports/raw/junit/{report_id}.zip"}
    with zipfile.ZipFile(exports / "raw" / "junit" / f"{report_id}.zip") as archive:
        assert sorted(archive.namelist()) == ["junit.xml", "nested/more.xml"]
        assert archive.read("nested/more.xml") == JUNIT
