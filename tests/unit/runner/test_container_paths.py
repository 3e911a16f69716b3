"""A container build's absolute paths through the view of its bind mounts: inside a bound directory they
select what the relative form selects; the rest of the container's file system, and links out of the
bound directories, select nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from codeyard.runner.artifacts import ArtifactError, select_files
from codeyard.runner.engine.container_paths import VIEW, make_mount_view, mount_view
from codeyard.runner.reports.collect import collect_report
from codeyard.runner.reports.model import ReportStatus

JUNIT = b'<testsuite name="s"><testcase classname="c" name="ok"/></testsuite>'
SRC = "/codebuild/output/src"


def _workspace(tmp_path: Path) -> tuple[Path, Path, tuple[Path, ...]]:
    """A container workspace's source and secondary sources, its view, and a host file beside them."""
    root = tmp_path / "ws"
    source, sources = root / "src", root / "sources"
    (source / "out" / "deep").mkdir(parents=True)
    (source / "out" / "app.txt").write_text("app")
    (source / "out" / "deep" / "lib.txt").write_text("lib")
    (source / "reports").mkdir()
    (source / "reports" / "TEST-a.xml").write_bytes(JUNIT)
    (sources / "extra").mkdir(parents=True)
    (sources / "extra" / "notes.txt").write_text("notes")
    (tmp_path / "host-only.txt").write_text("the runner's")
    bound = ((SRC, source), ("/codebuild/output/sources", sources))
    view, roots = mount_view(root, bound)
    make_mount_view(view, bound)
    return source, view, roots


def test_the_view_links_each_container_path_to_its_host_directory(tmp_path: Path) -> None:
    source, view, roots = _workspace(tmp_path)
    assert view == tmp_path / "ws" / VIEW
    assert (view / "codebuild" / "output" / "src").resolve() == source.resolve()
    assert roots == (source, tmp_path / "ws" / "sources")
    with pytest.raises(ValueError, match="not an absolute container path"):
        make_mount_view(tmp_path / "other", (("relative/path", source),))


def test_absolute_artifact_paths_in_bound_directories_select_what_the_relative_form_does(
    tmp_path: Path,
) -> None:
    source, view, roots = _workspace(tmp_path)

    def chosen(files: list[str], base: str | None = None) -> list[tuple[str, Path]]:
        selection = select_files(source, files, base, filesystem_root=view, readable_roots=roots)
        return [(a.archive_path, a.path) for a in selection.files]

    relative = [path for _, path in chosen(["out/**/*"])]
    assert [path for _, path in chosen([f"{SRC}/out/**/*"])] == relative
    assert chosen([f"{SRC}/out/*"]) == [("codebuild/output/src/out/app.txt", source / "out" / "app.txt")]
    assert chosen(["**/*"], f"{SRC}/out") == chosen(["**/*"], "out")
    assert [name for name, _ in chosen(["/codebuild/output/sources/extra/*"])] == [
        "codebuild/output/sources/extra/notes.txt"
    ]
    assert len(chosen([SRC])) == 3  # the source directory named whole


def test_other_absolute_paths_and_links_out_select_nothing(tmp_path: Path) -> None:
    source, view, roots = _workspace(tmp_path)
    (source / "out" / "escape").symlink_to(tmp_path)
    (source / "host").symlink_to(tmp_path / "host-only.txt")
    for pattern in ("/etc/hostname", f"{tmp_path}/host-only.txt", f"{SRC}/out/escape/*", "/codebuild/**/*"):
        with pytest.raises(ArtifactError, match="no matching artifact paths found") as refused:
            select_files(source, [pattern], filesystem_root=view, readable_roots=roots)
        assert refused.value.warnings == (f"{pattern}: outside the build's own directories, not read",)
    with pytest.raises(ArtifactError) as linked:
        select_files(source, [f"{SRC}/*"], filesystem_root=view, readable_roots=roots)
    assert linked.value.warnings == (f"{SRC}/host: symbolic link to outside the directory, skipped",)


def test_absolute_report_paths_in_bound_directories_are_read(tmp_path: Path) -> None:
    source, view, roots = _workspace(tmp_path)
    report = collect_report(source, [f"{SRC}/reports/*.xml"], filesystem_root=view, readable_roots=roots)
    assert report.status is ReportStatus.SUCCEEDED
    assert report.raw_files == (f"{SRC}/reports/TEST-a.xml",)
    based = collect_report(
        source, ["*.xml"], base_directory=f"{SRC}/reports", filesystem_root=view, readable_roots=roots
    )
    assert based.raw_files == ("TEST-a.xml",)
    outside = collect_report(source, ["*"], base_directory="/etc", filesystem_root=view, readable_roots=roots)
    assert outside.status is ReportStatus.INCOMPLETE
    assert outside.message == "base-directory '/etc' is outside the build's own directories, not read"
