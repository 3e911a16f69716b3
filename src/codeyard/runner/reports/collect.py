"""Collecting one report group of a build: find its files by the buildspec globs and parse them into a report."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath

from codeyard.runner.globs import Found, GlobError, Selected, compile_glob, readable, select, select_absolute
from codeyard.runner.reports.clover import parse_clover
from codeyard.runner.reports.cobertura import parse_cobertura
from codeyard.runner.reports.cucumber import parse_cucumber
from codeyard.runner.reports.errors import ReportFileError
from codeyard.runner.reports.jacoco import parse_jacoco
from codeyard.runner.reports.junit import parse_junit
from codeyard.runner.reports.model import (
    CoverageReport,
    CoverageResult,
    FileFormat,
    ReportStatus,
    ReportType,
    TestCaseResult,
    TestReport,
    TestStatus,
    parse_file_format,
    report_type_of,
)
from codeyard.runner.reports.nunit import parse_nunit2, parse_nunit3
from codeyard.runner.reports.rawfile import MAX_REPORT_BYTES, read_bounded
from codeyard.runner.reports.simplecov import parse_simplecov
from codeyard.runner.reports.testng import parse_testng
from codeyard.runner.reports.trx import parse_trx

MAX_TEST_CASES = 500

_TEST_PARSERS: dict[FileFormat, Callable[[bytes, str], list[TestCaseResult]]] = {
    FileFormat.JUNITXML: parse_junit,
    FileFormat.CUCUMBERJSON: parse_cucumber,
    FileFormat.TESTNGXML: parse_testng,
    FileFormat.VISUALSTUDIOTRX: parse_trx,
    FileFormat.NUNITXML: parse_nunit2,
    FileFormat.NUNIT3XML: parse_nunit3,
}
_COVERAGE_PARSERS: dict[FileFormat, Callable[[bytes, str], list[CoverageResult]]] = {
    FileFormat.CLOVERXML: parse_clover,
    FileFormat.COBERTURAXML: parse_cobertura,
    FileFormat.JACOCOXML: parse_jacoco,
    FileFormat.SIMPLECOV: parse_simplecov,
}


@dataclass(frozen=True, slots=True)
class CollectedReport:
    """One report of a build: its type and status, why it is not SUCCEEDED, the raw files and results.
    `raw_paths` are the files `raw_files` name, resolved (what a report group's export sends)."""

    type: ReportType
    status: ReportStatus
    message: str | None
    raw_files: tuple[str, ...]
    test: TestReport | None
    coverage: CoverageReport | None
    truncated: bool
    raw_paths: tuple[Path, ...] = ()


def collect_report(
    source_dir: Path,
    files: Sequence[str],
    *,
    base_directory: str | None = None,
    discard_paths: bool = False,
    file_format: str | None = None,
    max_bytes: int = MAX_REPORT_BYTES,
    filesystem_root: Path = Path("/"),
    readable_roots: Sequence[Path] | None = None,
) -> CollectedReport:
    """The report of one `reports:` group: files matched under source_dir/base_directory, then parsed.

    The raw paths (and each test case's testRawDataPath) are relative to the base directory, or bare
    file names with discard-paths. Absolute `files` and base directories are found as the artifacts'
    are: under `filesystem_root`, and only inside `readable_roots` when set (a sandboxed build's own
    directories); an absolute file's raw path is its absolute path. No file matched, a bad format or a
    relative base directory outside the source gives an INCOMPLETE report; a file that cannot be parsed
    gives a FAILED one naming the file and line.
    """
    try:
        fmt = parse_file_format(file_format)
    except ValueError as exc:
        return _empty(ReportType.TEST, ReportStatus.INCOMPLETE, str(exc))
    try:
        globs = [compile_glob(pattern) for pattern in files]
        absolute_base = compile_glob(base_directory) if base_directory and _absolute(base_directory) else None
    except GlobError as exc:
        return _empty(report_type_of(fmt), ReportStatus.INCOMPLETE, str(exc))
    root = source_dir.resolve()
    if absolute_base is not None:
        base = filesystem_root / "/".join(absolute_base.segments)
        if not readable(base, readable_roots):
            return _empty(
                report_type_of(fmt),
                ReportStatus.INCOMPLETE,
                f"base-directory {base_directory!r} is outside the build's own directories, not read",
            )
    else:
        base = (root / base_directory).resolve() if base_directory else root
        if not base.is_relative_to(root):
            return _empty(
                report_type_of(fmt),
                ReportStatus.INCOMPLETE,
                f"base-directory {base_directory!r} is outside the source",
            )
    selected = select(base, [g for g in globs if not g.absolute])
    notes = list(selected.skipped)
    found = [f for f in selected.found if not f.is_dir]
    taken = {f.relative for f in found}
    for glob in (g for g in globs if g.absolute):
        absolute = select_absolute(filesystem_root, glob, readable_roots)
        notes += absolute.skipped
        for entry in _files(absolute):
            named = f"/{entry.relative}"
            if named not in taken:  # a file two absolute patterns select is read once, as select() does
                taken.add(named)
                found.append(entry._replace(relative=named))
    matched = [f.relative for f in found]
    if not matched:
        where = f" under base-directory {base_directory!r}" if base_directory else ""
        patterns = ", ".join(repr(f) for f in files)
        why = "; ".join([f"no report files matched {patterns}{where}", *notes])
        return _empty(report_type_of(fmt), ReportStatus.INCOMPLETE, why)
    raw = tuple(PurePosixPath(m).name if discard_paths else m for m in matched)
    errors: list[str] = []
    cases: list[TestCaseResult] = []
    covered: list[CoverageResult] = []
    for entry, shown in zip(found, raw, strict=True):
        try:
            data = read_bounded(entry.real, shown, max_bytes)
            if fmt in _TEST_PARSERS:
                cases += _TEST_PARSERS[fmt](data, shown)
            else:
                covered += [_relative(r, source_dir) for r in _COVERAGE_PARSERS[fmt](data, shown)]
        except ReportFileError as exc:
            errors.append(str(exc))
        except RecursionError:
            errors.append(f"{shown}: is nested too deeply to be read")
    message = "; ".join(errors + notes) if errors or notes else None
    paths = tuple(entry.real for entry in found)
    if report_type_of(fmt) is ReportType.CODE_COVERAGE:
        status = ReportStatus.FAILED if errors else ReportStatus.SUCCEEDED
        coverage = CoverageReport.of(covered)
        return CollectedReport(ReportType.CODE_COVERAGE, status, message, raw, None, coverage, False, paths)
    failing = any(c.status in {TestStatus.FAILED, TestStatus.ERROR} for c in cases)
    status = ReportStatus.FAILED if errors or failing else ReportStatus.SUCCEEDED
    kept = _keep(cases)
    report = TestReport(cases=tuple(kept), summary=TestReport.of(cases).summary)
    truncated = len(kept) < len(cases)
    return CollectedReport(ReportType.TEST, status, message, raw, report, None, truncated, paths)


def _files(selected: Selected) -> list[Found]:
    return [f for f in selected.found if not f.is_dir]


def _absolute(path: str) -> bool:
    return path.strip().startswith("/")


def _keep(cases: list[TestCaseResult]) -> list[TestCaseResult]:
    """At most MAX_TEST_CASES cases, FAILED first, then ERROR, then the others, kept in file order."""
    if len(cases) <= MAX_TEST_CASES:
        return cases
    rank = {TestStatus.FAILED: 0, TestStatus.ERROR: 1}
    order = sorted(range(len(cases)), key=lambda i: (rank.get(cases[i].status, 2), i))
    chosen = sorted(order[:MAX_TEST_CASES])
    return [cases[i] for i in chosen]


def _relative(result: CoverageResult, source_dir: Path) -> CoverageResult:
    """A coverage path made relative to the source directory when it is an absolute path inside it."""
    path = Path(result.file_path)
    if not path.is_absolute():
        return result
    for root in (source_dir, source_dir.resolve()):
        if path.is_relative_to(root) and path != root:
            return replace(result, file_path=path.relative_to(root).as_posix())
    return result


def _empty(kind: ReportType, status: ReportStatus, message: str) -> CollectedReport:
    test = TestReport.of(()) if kind is ReportType.TEST else None
    coverage = CoverageReport.of(()) if kind is ReportType.CODE_COVERAGE else None
    return CollectedReport(kind, status, message, (), test, coverage, False)
