"""Absolute artifact, report and cache paths read only where the workspace allows (a sandboxed build's
own directories), never through a symlink out of them, and never from a file moved after its selection."""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

import pytest

from codeyard.runner.artifacts import ArtifactError, package_zip, select_files
from codeyard.runner.globs import compile_glob, open_selected, readable, select, select_absolute
from codeyard.runner.reports.collect import collect_report
from codeyard.runner.reports.model import ReportStatus

JUNIT = b'<testsuite name="s"><testcase classname="c" name="ok"/></testsuite>'


def _tree(tmp_path: Path) -> tuple[Path, Path, Path]:
    """A workspace (source and home the build owns) and a secret beside it, outside both."""
    source = tmp_path / "ws" / "src"
    home = tmp_path / "ws" / "home"
    (source / "out").mkdir(parents=True)
    home.mkdir()
    (source / "out" / "app.txt").write_text("app")
    (source / "reports").mkdir()
    (source / "reports" / "TEST-a.xml").write_bytes(JUNIT)
    secret = tmp_path / "private" / "secret.txt"
    secret.parent.mkdir(mode=0o700)
    secret.write_text("secret")
    return source, home, secret


def test_readable_follows_links_and_allows_everything_without_roots(tmp_path: Path) -> None:
    source, home, secret = _tree(tmp_path)
    (source / "escape").symlink_to(secret.parent)
    assert readable(secret, None)
    assert readable(source / "out" / "app.txt", [source, home])
    assert not readable(secret, [source, home])
    assert not readable(source / "escape" / "secret.txt", [source, home])
    assert not readable(source.parent, [source, home])  # the workspace's root is not the build's


def test_absolute_patterns_outside_the_roots_select_nothing_and_say_so(tmp_path: Path) -> None:
    source, home, secret = _tree(tmp_path)
    roots = [source, home]
    inside = select_absolute(Path("/"), compile_glob(f"{source}/out/*"), roots)
    assert [f.real for f in inside.found] == [source / "out" / "app.txt"]
    for pattern in (str(secret), f"{secret.parent}/*", "/etc/shadow", f"{source.parent}/**/*"):
        refused = select_absolute(Path("/"), compile_glob(pattern), roots)
        assert refused.found == []
        assert refused.skipped == [f"{pattern}: outside the build's own directories, not read"]
    # without roots (the host executor) the same absolute path is read
    assert [f.real for f in select_absolute(Path("/"), compile_glob(str(secret))).found] == [secret]


def test_symlinks_in_the_workspace_do_not_lead_out(tmp_path: Path) -> None:
    source, _home, secret = _tree(tmp_path)
    (source / "out" / "shadow").symlink_to("/etc/shadow")
    (source / "out" / "private").symlink_to(secret)
    (source / "linked").symlink_to(secret.parent)  # a leading directory that is a link out
    selection = select_files(
        source, [f"{source}/out/*", f"{source}/linked/*"], filesystem_root=Path("/"), readable_roots=[source]
    )
    assert [a.archive_path.rsplit("/", 1)[-1] for a in selection.files] == ["app.txt"]
    assert any("shadow: symbolic link to outside the directory, skipped" in w for w in selection.warnings)
    assert f"{source}/linked/*: outside the build's own directories, not read" in selection.warnings


def test_an_absolute_base_directory_outside_the_roots_matches_nothing(tmp_path: Path) -> None:
    source, home, secret = _tree(tmp_path)
    with pytest.raises(ArtifactError, match="no matching artifact paths found"):
        select_files(source, ["*"], base_directory=str(secret.parent), readable_roots=[source, home])
    (source / "base-link").symlink_to(secret.parent)
    with pytest.raises(ArtifactError, match="no matching artifact paths found"):
        select_files(source, ["*"], base_directory=f"{source}/base-*", readable_roots=[source, home])
    based = select_files(source, ["*"], base_directory=f"{source}/out", readable_roots=[source, home])
    assert [a.archive_path for a in based.files] == ["app.txt"]
    host = select_files(source, ["*"], base_directory=str(secret.parent))  # the host executor: no roots
    assert [a.archive_path for a in host.files] == ["secret.txt"]


def test_a_directory_swapped_for_a_link_after_selection_is_not_read(tmp_path: Path) -> None:
    source, _, secret = _tree(tmp_path)
    (source / "out" / "secret.txt").write_text("mine")
    selection = select_files(source, ["out/*"])
    # a process of the build still running replaces the selected directory by a link to the secret's
    (source / "out").rename(source / "gone")
    (source / "out").symlink_to(secret.parent)
    assert (source / "out" / "secret.txt").read_text() == "secret"  # the path now leads there
    with pytest.raises(OSError, match="moved since it was selected"):
        os.close(open_selected(source / "out" / "secret.txt"))
    with pytest.raises(ArtifactError, match=r"cannot read secret\.txt: moved since it was selected"):
        package_zip([a for a in selection.files if a.archive_path == "out/secret.txt"], tmp_path / "a.zip")
    found = select(source, [compile_glob("reports/*")]).found
    descriptor = open_selected(found[0].real)  # a file that stayed where it was is read
    try:
        assert os.read(descriptor, 100) == JUNIT
    finally:
        os.close(descriptor)


def test_reports_take_absolute_files_and_base_directories(tmp_path: Path) -> None:
    source, _home, _ = _tree(tmp_path)
    elsewhere = tmp_path / "tmp-reports"
    elsewhere.mkdir()
    (elsewhere / "TEST-b.xml").write_bytes(JUNIT)
    files = collect_report(source, [f"{elsewhere}/*.xml", "reports/*.xml"], file_format="JUNITXML")
    assert files.status is ReportStatus.SUCCEEDED, files.message
    assert files.raw_files == ("reports/TEST-a.xml", f"{elsewhere}/TEST-b.xml")
    based = collect_report(source, ["*.xml"], base_directory=str(elsewhere))
    assert (based.status, based.raw_files) == (ReportStatus.SUCCEEDED, ("TEST-b.xml",))
    assert based.test is not None
    assert based.test.summary.total == 1
    flat = collect_report(source, [f"{elsewhere}/*.xml"], discard_paths=True)
    assert flat.raw_files == ("TEST-b.xml",)
    # the same report in a container: nothing of its file system is read
    empty = tmp_path / "container-filesystem"
    empty.mkdir()
    unseen = collect_report(source, [f"{elsewhere}/*.xml"], filesystem_root=empty)
    assert unseen.status is ReportStatus.INCOMPLETE


def test_reports_outside_the_roots_are_incomplete_and_say_why(tmp_path: Path) -> None:
    source, home, secret = _tree(tmp_path)
    roots = [source, home]
    outside = collect_report(source, [f"{secret.parent}/*"], readable_roots=roots)
    assert outside.status is ReportStatus.INCOMPLETE
    assert outside.message == (
        f"no report files matched '{secret.parent}/*'; "
        f"{secret.parent}/*: outside the build's own directories, not read"
    )
    based = collect_report(source, ["*"], base_directory=str(secret.parent), readable_roots=roots)
    assert based.status is ReportStatus.INCOMPLETE
    assert (
        based.message
        == f"base-directory {str(secret.parent)!r} is outside the build's own directories, not read"
    )
    inside = collect_report(source, ["*.xml"], base_directory=f"{source}/reports", readable_roots=roots)
    assert (inside.status, inside.raw_files) == (ReportStatus.SUCCEEDED, ("TEST-a.xml",))
    mixed = collect_report(source, [f"{source}/reports/*.xml", "/etc/shadow"], readable_roots=roots)
    assert mixed.status is ReportStatus.SUCCEEDED
    assert mixed.raw_files == (f"{source}/reports/TEST-a.xml",)
    assert mixed.message == "/etc/shadow: outside the build's own directories, not read"


def test_a_zip_of_absolute_files_inside_the_roots(tmp_path: Path) -> None:
    source, home, _ = _tree(tmp_path)
    (home / "cache.txt").write_text("home")
    selection = select_files(source, [f"{home}/*", "out/*"], readable_roots=[source, home])
    package_zip(selection.files, tmp_path / "a.zip")
    with zipfile.ZipFile(tmp_path / "a.zip") as archive:
        assert sorted(archive.namelist()) == sorted([f"{home}/cache.txt".lstrip("/"), "out/app.txt"])


def test_a_pattern_naming_a_root_directory_whole_takes_what_is_in_it(tmp_path: Path) -> None:
    source, home, _ = _tree(tmp_path)
    (source / "shadow").symlink_to("/etc/shadow")
    whole = select_absolute(Path("/"), compile_glob(str(source)), [source, home])
    assert sorted(f.real for f in whole.found) == [
        source / "out" / "app.txt",
        source / "reports" / "TEST-a.xml",
    ]
    assert next(f.relative for f in whole.found) == f"{source}/out/app.txt".lstrip("/")
    assert whole.skipped == [f"{source}/shadow: symbolic link to outside the directory, skipped"]
    # the same pattern without roots, searched from its parent, takes the same files
    assert sorted(f.real for f in select_absolute(Path("/"), compile_glob(str(source))).found) == sorted(
        f.real for f in whole.found
    )
