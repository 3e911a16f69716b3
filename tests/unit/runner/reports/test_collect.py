"""Collecting a report group from a build's source tree: globs, base directory, discard-paths, statuses."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from codeyard.runner.reports.collect import MAX_TEST_CASES, collect_report
from codeyard.runner.reports.model import ReportStatus, ReportType, TestStatus


def _junit(*cases: tuple[str, str]) -> str:
    body = "".join(
        f'<testcase classname="k" name="{name}" time="1">{"<failure message=" + repr(outcome) + "/>" if outcome else ""}</testcase>'
        for name, outcome in cases
    )
    return f'<testsuite name="s">{body}</testsuite>'


def _write(root: Path, files: dict[str, str]) -> None:
    for relative, text in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    _write(
        tmp_path,
        {
            "build/reports/TEST-a.xml": _junit(("a1", ""), ("a2", "")),
            "build/reports/nested/TEST-b.xml": _junit(("b1", "bad")),
            "build/reports/nested/notes.txt": "not a report",
            "build/other/TEST-c.xml": _junit(("c1", "")),
            "top.xml": _junit(("t1", "")),
        },
    )
    return tmp_path


def test_all_files_under_a_base_directory(tree: Path) -> None:
    report = collect_report(tree, ["**/*.xml"], base_directory="build/reports")
    assert report.type is ReportType.TEST
    assert report.raw_files == ("TEST-a.xml", "nested/TEST-b.xml")
    assert report.test is not None
    assert [(c.name, c.status, c.test_raw_data_path) for c in report.test.cases] == [
        ("a1", TestStatus.SUCCEEDED, "TEST-a.xml"),
        ("a2", TestStatus.SUCCEEDED, "TEST-a.xml"),
        ("b1", TestStatus.FAILED, "nested/TEST-b.xml"),
    ]
    assert report.test.summary.total == 3
    assert report.test.summary.duration_in_nano_seconds == 3_000_000_000
    assert (report.status, report.message, report.coverage, report.truncated) == (
        ReportStatus.FAILED,
        None,
        None,
        False,
    )


def test_discard_paths_names_files_by_their_base_names(tree: Path) -> None:
    report = collect_report(tree, ["build/**/TEST-*.xml"], discard_paths=True)
    assert report.raw_files == ("TEST-c.xml", "TEST-a.xml", "TEST-b.xml")
    assert report.test is not None
    assert [c.test_raw_data_path for c in report.test.cases] == [
        "TEST-c.xml",
        "TEST-a.xml",
        "TEST-a.xml",
        "TEST-b.xml",
    ]


def test_a_single_star_stays_in_its_folder_and_all_passing_succeeds(tree: Path) -> None:
    report = collect_report(tree, ["*.xml", "build/reports/*.xml"], file_format="junitxml")
    assert report.raw_files == ("build/reports/TEST-a.xml", "top.xml")
    assert report.status is ReportStatus.SUCCEEDED
    assert report.test is not None
    assert report.test.summary.status_counts["SUCCEEDED"] == 3


@pytest.mark.parametrize(
    ("files", "base", "message"),
    [
        (["**/*.trx"], None, "no report files matched '**/*.trx'"),
        (["**/*"], "missing", "no report files matched '**/*' under base-directory 'missing'"),
        (["**/*"], "../..", "base-directory '../..' is outside the source"),
        (["../*.xml"], None, "path pattern may not contain '..': '../*.xml'"),
    ],
)
def test_nothing_to_read_is_incomplete(tree: Path, files: list[str], base: str | None, message: str) -> None:
    report = collect_report(tree, files, base_directory=base)
    assert (report.status, report.message, report.raw_files) == (ReportStatus.INCOMPLETE, message, ())
    assert report.test is not None
    assert report.test.summary.total == 0


def test_an_unknown_format_is_incomplete(tree: Path) -> None:
    report = collect_report(tree, ["**/*"], file_format="XUNIT")
    assert report.status is ReportStatus.INCOMPLETE
    assert report.message is not None
    assert report.message.startswith("unknown report file-format 'XUNIT'")


def test_a_malformed_file_fails_the_report_naming_file_and_line_and_the_others_are_kept(tree: Path) -> None:
    _write(tree, {"build/reports/broken.xml": "<testsuite>\n<testcase name='x'>\n"})
    report = collect_report(tree, ["*.xml"], base_directory="build/reports")
    assert report.status is ReportStatus.FAILED
    assert report.message == "broken.xml, line 3: is not well-formed XML: no element found (column 1)"
    assert report.test is not None
    assert [c.name for c in report.test.cases] == ["a1", "a2"]


def test_a_file_over_the_bound_is_refused(tree: Path) -> None:
    report = collect_report(tree, ["top.xml"], max_bytes=1024 * 1024)
    assert report.status is ReportStatus.SUCCEEDED
    (tree / "top.xml").write_bytes(b"<testsuite>" + b" " * (1024 * 1024) + b"</testsuite>")
    report = collect_report(tree, ["top.xml"], max_bytes=1024 * 1024)
    assert (report.status, report.message) == (
        ReportStatus.FAILED,
        "top.xml: is larger than 1 MB and is not read",
    )


def test_a_link_out_of_the_source_is_not_read(tmp_path: Path) -> None:
    outside = tmp_path / "outside.xml"
    outside.write_text(_junit(("secret", "")))
    source = tmp_path / "src"
    source.mkdir()
    os.symlink(outside, source / "link.xml")
    _write(source, {"real.xml": _junit(("mine", ""))})
    report = collect_report(source, ["**/*"])
    assert report.raw_files == ("real.xml",)
    assert report.test is not None
    assert [c.name for c in report.test.cases] == ["mine"]


def test_over_500_cases_keeps_the_failures_first_and_counts_them_all(tmp_path: Path) -> None:
    cases = [(f"ok{i}", "") for i in range(MAX_TEST_CASES)] + [("late-failure", "no")]
    _write(tmp_path, {"big.xml": _junit(*cases)})
    report = collect_report(tmp_path, ["big.xml"])
    assert report.test is not None
    assert report.truncated is True
    assert len(report.test.cases) == MAX_TEST_CASES
    assert report.test.cases[-1].name == "late-failure"
    assert report.test.cases[-2].name == f"ok{MAX_TEST_CASES - 2}"
    assert report.test.summary.total == MAX_TEST_CASES + 1
    assert report.test.summary.status_counts["FAILED"] == 1


COBERTURA = """<coverage><packages><package name="p"><classes>
  <class filename="{path}"><lines><line number="1" hits="1"/><line number="2" hits="0"/></lines></class>
</classes></package></packages></coverage>"""


def test_coverage_paths_inside_the_source_are_made_relative(tmp_path: Path) -> None:
    inside = tmp_path / "lib" / "a.py"
    _write(
        tmp_path,
        {
            "cov/one.xml": COBERTURA.format(path=inside),
            "cov/two.xml": COBERTURA.format(path="/elsewhere/b.py"),
            "cov/three.xml": COBERTURA.format(path="c.py"),
        },
    )
    report = collect_report(tmp_path, ["cov/*"], file_format="COBERTURAXML")
    assert (report.type, report.status, report.test) == (
        ReportType.CODE_COVERAGE,
        ReportStatus.SUCCEEDED,
        None,
    )
    assert report.coverage is not None
    assert [f.file_path for f in report.coverage.files] == ["lib/a.py", "c.py", "/elsewhere/b.py"]
    assert report.coverage.summary.line_coverage_percentage == 50.0


def test_a_malformed_coverage_file_fails_the_report(tmp_path: Path) -> None:
    _write(tmp_path, {"coverage/.resultset.json": '{"RSpec": {"coverage": 3}}'})
    report = collect_report(tmp_path, ["coverage/*"], file_format="SIMPLECOV")
    assert (report.type, report.status) == (ReportType.CODE_COVERAGE, ReportStatus.FAILED)
    assert (
        report.message
        == "coverage/.resultset.json: is not SimpleCov JSON: 'RSpec' has no coverage object (not a SimpleCov result)"
    )


def test_suites_nested_too_deeply_fail_the_report_without_a_crash(tmp_path: Path) -> None:
    depth = 5000
    _write(
        tmp_path,
        {"deep.xml": "<testsuites>" + "<testsuite>" * depth + "</testsuite>" * depth + "</testsuites>"},
    )
    report = collect_report(tmp_path, ["deep.xml"])
    assert (report.status, report.message) == (
        ReportStatus.FAILED,
        "deep.xml: is nested too deeply to be read",
    )


def test_a_file_two_absolute_patterns_select_is_read_once(tmp_path: Path) -> None:
    source, out = tmp_path / "src", tmp_path / "out"
    source.mkdir()
    _write(out, {"sub/TEST-a.xml": _junit(("a1", ""), ("a2", "bad"))})

    report = collect_report(source, [f"{out}/**/*.xml", f"{out}/sub/*.xml"])

    assert report.raw_files == (f"{out}/sub/TEST-a.xml",)
    assert report.test is not None
    assert report.test.summary.total == 2
