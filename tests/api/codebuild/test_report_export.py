"""Report groups that export to S3 get the raw files of each report filed to them, in the artifact store
(the data directory's S3 layout, `artifacts/<bucket>/<key>`): one zip with packaging ZIP, the files with NONE."""

from __future__ import annotations

import zipfile

from tests.api.codebuild.report_support import COBERTURA, JUNIT, report_buildspec, reports_by_name, run_build
from tests.integration.runner.builds_support import log_text
from tests.support.server import Server


def test_a_build_exports_the_raw_files_of_its_reports_to_their_groups_buckets(server: Server) -> None:
    codebuild = server.client("codebuild")
    zipped = {"bucket": "test-results", "path": "/junit/", "packaging": "ZIP", "encryptionDisabled": True}
    plain = {"bucket": "coverage-results", "packaging": "NONE"}
    for name, kind, destination in (("exp-unit", "TEST", zipped), ("exp-coverage", "CODE_COVERAGE", plain)):
        config = {"exportConfigType": "S3", "s3Destination": destination}
        codebuild.create_report_group(name=name, type=kind, exportConfig=config)

    build = run_build(server, "exp", report_buildspec())

    assert build["buildStatus"] == "SUCCEEDED"
    reports = reports_by_name(server, build)
    unit_id = reports["exp-unit"]["arn"].partition(":report/")[2]
    coverage_id = reports["exp-coverage"]["arn"].partition(":report/")[2]
    assert reports["exp-unit"]["exportConfig"]["s3Destination"]["bucket"] == "test-results"
    artifacts = server.data_dir / "artifacts"
    # ZIP: <bucket>/<path>/<report id>.zip holding the files by their raw-data paths
    with zipfile.ZipFile(artifacts / "test-results" / "junit" / f"{unit_id}.zip") as archive:
        assert archive.namelist() == ["junit.xml"]  # relative to the group's base-directory
        assert archive.read("junit.xml").decode() == JUNIT
    assert sorted(p.name for p in (artifacts / "test-results" / "junit").iterdir()) == [f"{unit_id}.zip"]
    # NONE: the files under <bucket>/<report id>/ (no path)
    exported = artifacts / "coverage-results" / coverage_id
    assert sorted(p.relative_to(exported).as_posix() for p in exported.rglob("*") if p.is_file()) == [
        "reports/coverage.xml"
    ]
    assert (exported / "reports" / "coverage.xml").read_text() == COBERTURA
    log = log_text(server, build["id"])
    assert "Report unit: raw data exported (1 file)" in log
    assert "Report coverage: raw data exported (1 file)" in log


def test_groups_that_do_not_export_get_no_raw_data_sent(server: Server) -> None:
    build = run_build(server, "quiet", report_buildspec())

    assert build["buildStatus"] == "SUCCEEDED"
    reports = reports_by_name(server, build)
    assert {r["exportConfig"]["exportConfigType"] for r in reports.values()} == {"NO_EXPORT"}
    assert "raw data" not in log_text(server, build["id"])
    assert not (server.data_dir / "artifacts").exists() or not any((server.data_dir / "artifacts").iterdir())
