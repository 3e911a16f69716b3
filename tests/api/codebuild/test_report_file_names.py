"""A raw report file whose name is not UTF-8: the report is filed and exported, U+FFFD in its name."""

from __future__ import annotations

import zipfile

from tests.api.codebuild.report_support import JUNIT, reports_by_name, run_build
from tests.integration.runner.builds_support import log_text
from tests.support.server import Server

JUNIT_LINES = "".join(f"        {line}\n" for line in JUNIT.splitlines())
SPEC = (
    "version: 0.2\n"
    "phases:\n"
    "  build:\n"
    "    commands:\n"
    "      - |\n"
    "        mkdir -p reports\n"
    "        cat > \"reports/$(printf 'r\\377').xml\" <<'XML'\n"
    f"{JUNIT_LINES}"
    "        XML\n"
    "reports:\n"
    "  odd:\n"
    "    files: ['*.xml']\n"
    "    base-directory: reports\n"
)


def test_a_report_file_named_with_bytes_that_are_not_utf8_is_filed_and_exported(server: Server) -> None:
    codebuild = server.client("codebuild")
    destination = {"bucket": "odd-results", "packaging": "ZIP"}
    codebuild.create_report_group(
        name="names-odd", type="TEST", exportConfig={"exportConfigType": "S3", "s3Destination": destination}
    )

    build = run_build(server, "names", SPEC)

    assert build["buildStatus"] == "SUCCEEDED", build["phases"]
    report = reports_by_name(server, build)["names-odd"]
    assert report["testSummary"]["total"] == 3
    cases = codebuild.describe_test_cases(reportArn=report["arn"])["testCases"]
    assert {c["testRawDataPath"] for c in cases} == {"r\ufffd.xml"}
    log = log_text(server, build["id"])
    assert "Report odd: the name of r\ufffd.xml is not UTF-8: U+FFFD stands for its bytes" in log
    assert "Report odd: raw data exported (1 file)" in log
    report_id = report["arn"].partition(":report/")[2]
    with zipfile.ZipFile(server.data_dir / "artifacts" / "odd-results" / f"{report_id}.zip") as archive:
        assert archive.namelist() == ["r\ufffd.xml"]
        assert archive.read("r\ufffd.xml").decode() == JUNIT
