"""Build artifacts: selection from real trees, every artifacts key, and the ZIP read back."""

from __future__ import annotations

import os
import stat
import zipfile
from pathlib import Path

import pytest

from codeyard.runner.artifacts import (
    ZIP_EPOCH,
    ArtifactError,
    Selection,
    artifact_name,
    package_directory,
    package_zip,
    select_files,
)


def _tree(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


def _names(selection: Selection) -> list[str]:
    return [f.archive_path for f in selection.files]


@pytest.fixture
def source(tmp_path: Path) -> Path:
    return _tree(
        tmp_path / "src",
        {
            "buildspec.yml": "version: 0.2",
            "target/app.jar": "jar",
            "target/classes/A.class": "A",
            "scripts/start.sh": "#!/bin/sh",
            "my-build1/my-file1.txt": "1",
            "my-build2/my-file2.txt": "2",
            "my-build2/my-subdirectory/my-file3.txt": "3",
            ".env": "hidden",
        },
    )


def test_everything_below_the_source(source: Path) -> None:
    assert _names(select_files(source, ["**/*"])) == [
        ".env",
        "buildspec.yml",
        "my-build1/my-file1.txt",
        "my-build2/my-file2.txt",
        "my-build2/my-subdirectory/my-file3.txt",
        "scripts/start.sh",
        "target/app.jar",
        "target/classes/A.class",
    ]


def test_file_and_directory_forms(source: Path) -> None:
    assert _names(select_files(source, ["target/app.jar", "scripts/*"])) == [
        "scripts/start.sh",
        "target/app.jar",
    ]
    assert _names(select_files(source, ["target/*"])) == ["target/app.jar"]
    assert _names(select_files(source, ["target/**/*"])) == ["target/app.jar", "target/classes/A.class"]
    assert _names(select_files(source, ["target"])) == ["target/app.jar", "target/classes/A.class"]


def test_base_directory_contents_become_the_root(source: Path) -> None:
    # the two examples of the buildspec reference
    assert _names(select_files(source, ["*/my-file3.txt"], base_directory="my-build2")) == [
        "my-subdirectory/my-file3.txt"
    ]
    flattened = select_files(source, ["**/*"], base_directory="my-build*", discard_paths=True)
    assert _names(flattened) == ["my-file1.txt", "my-file2.txt", "my-file3.txt"]
    assert _names(select_files(source, ["**/*"], base_directory="my-build*")) == [
        "my-file1.txt",
        "my-file2.txt",
        "my-subdirectory/my-file3.txt",
    ]


def test_exclude_paths_are_relative_to_the_base_directory(source: Path) -> None:
    selection = select_files(source, ["**/*"], base_directory="target", exclude_paths=["classes/**/*"])
    assert _names(selection) == ["app.jar"]
    selection = select_files(source, ["**/*"], exclude_paths=["**/*.txt", "target", ".*"])
    assert _names(selection) == ["buildspec.yml", "scripts/start.sh"]


def test_discard_paths_keeps_the_first_of_two_same_names(tmp_path: Path) -> None:
    source = _tree(tmp_path, {"a/config.json": "a", "b/config.json": "b", "c/other.json": "c"})
    selection = select_files(source, ["**/*.json"], discard_paths=True)
    assert _names(selection) == ["config.json", "other.json"]
    assert selection.files[0].path.read_text() == "a"
    assert selection.warnings == (
        "b/config.json: another file is already named config.json in the artifact, skipped",
    )


def test_a_file_matched_twice_is_taken_once(source: Path) -> None:
    assert _names(select_files(source, ["target/app.jar", "**/*.jar", "target"], discard_paths=True)) == [
        "A.class",
        "app.jar",
    ]


def test_absolute_patterns_are_found_under_the_filesystem_root(tmp_path: Path) -> None:
    sandbox = _tree(tmp_path / "sandbox", {"tmp/buildArtifacts/plugin.zip": "zip", "tmp/other": "x"})
    source = _tree(tmp_path / "src", {"README": "r"})
    selection = select_files(source, ["/tmp/buildArtifacts/*"], filesystem_root=sandbox)
    assert _names(selection) == ["tmp/buildArtifacts/plugin.zip"]
    flat = select_files(source, ["/tmp/buildArtifacts/*"], discard_paths=True, filesystem_root=sandbox)
    assert _names(flat) == ["plugin.zip"]
    based = select_files(source, ["**/*"], base_directory="/tmp/buildArtifacts", filesystem_root=sandbox)
    assert _names(based) == ["plugin.zip"]


def test_nothing_matching_is_an_error(source: Path) -> None:
    with pytest.raises(ArtifactError, match="no matching artifact paths found"):
        select_files(source, ["missing/*"])
    with pytest.raises(ArtifactError, match="no matching artifact paths found"):
        select_files(source, ["**/*"], base_directory="absent*")
    with pytest.raises(ArtifactError, match="files is required"):
        select_files(source, [])
    with pytest.raises(ArtifactError, match=r"\.\."):
        select_files(source, ["../outside"])


def test_symlinks_out_of_the_tree_never_reach_the_artifact(tmp_path: Path) -> None:
    secret = _tree(tmp_path / "host", {"passwd": "root:x:0:0"})
    source = _tree(tmp_path / "src", {"out/app.bin": "bin"})
    os.symlink(secret / "passwd", source / "out" / "passwd")
    os.symlink(secret, source / "host-dir")
    os.symlink(secret, source / "based")
    selection = select_files(source, ["**/*"])
    assert _names(selection) == ["out/app.bin"]
    assert len(selection.warnings) == 3
    with pytest.raises(ArtifactError, match="no matching artifact paths found"):
        select_files(source, ["**/*"], base_directory="based")
    _tree(source, {"based-real/kept": "k"})
    based = select_files(source, ["**/*"], base_directory="based*")
    assert _names(based) == ["kept"]
    assert based.warnings == ("based: base directory links outside the source, skipped",)
    os.symlink("out", source / "inner-base")
    assert _names(select_files(source, ["**/*"], base_directory="inner-base")) == ["app.bin"]
    target = tmp_path / "a.zip"
    package_zip(select_files(source, ["**/*"]).files, target)
    with zipfile.ZipFile(target) as archive:
        assert archive.namelist() == ["based-real/kept", "out/app.bin"]


def test_zip_holds_contents_modes_and_fixed_times(source: Path, tmp_path: Path) -> None:
    (source / "scripts" / "start.sh").chmod(0o755)
    (source / "target" / "app.jar").chmod(0o640)
    target = tmp_path / "out" / "artifact.zip"
    count = package_zip(select_files(source, ["scripts/*", "target/**/*"]).files, target)
    assert count == 3
    with zipfile.ZipFile(target) as archive:
        infos = archive.infolist()
        assert [i.filename for i in infos] == ["scripts/start.sh", "target/app.jar", "target/classes/A.class"]
        assert {i.date_time for i in infos} == {ZIP_EPOCH}
        modes = {i.filename: stat.S_IMODE(i.external_attr >> 16) for i in infos}
        assert modes["scripts/start.sh"] == 0o755
        assert modes["target/app.jar"] == 0o640
        assert archive.read("target/classes/A.class") == b"A"
        assert archive.testzip() is None


def test_zip_is_the_same_bytes_for_the_same_files(source: Path, tmp_path: Path) -> None:
    first, second = tmp_path / "1.zip", tmp_path / "2.zip"
    package_zip(select_files(source, ["**/*"]).files, first)
    os.utime(source / "target" / "app.jar", (1_000_000, 1_000_000))
    package_zip(reversed(select_files(source, ["**/*"]).files), second)
    assert first.read_bytes() == second.read_bytes()
    (source / "target" / "app.jar").write_text("changed")
    package_zip(select_files(source, ["**/*"]).files, second)
    assert first.read_bytes() != second.read_bytes()


def test_large_file_is_streamed_through(tmp_path: Path) -> None:
    source = tmp_path / "src"
    source.mkdir()
    block = os.urandom(1 << 16)
    with open(source / "big.bin", "wb") as out:
        for _ in range(64):
            out.write(block)
    target = tmp_path / "big.zip"
    package_zip(select_files(source, ["big.bin"]).files, target)
    with zipfile.ZipFile(target) as archive, archive.open("big.bin") as stored:
        assert stored.read() == block * 64


def test_enable_symlinks_keeps_internal_links(tmp_path: Path) -> None:
    source = _tree(tmp_path / "src", {"lib/libx.so.1": "elf", "bin/tool": "tool"})
    os.symlink("libx.so.1", source / "lib" / "libx.so")
    os.symlink("lib", source / "current")
    os.symlink(source / "bin" / "tool", source / "bin" / "absolute-link")
    linked = tmp_path / "linked.zip"
    package_zip(select_files(source, ["**/*"]).files, linked, enable_symlinks=True)
    with zipfile.ZipFile(linked) as archive:
        kinds = {i.filename: stat.S_IFMT(i.external_attr >> 16) for i in archive.infolist()}
        assert kinds == {
            "bin/absolute-link": stat.S_IFLNK,
            "bin/tool": stat.S_IFREG,
            "current": stat.S_IFLNK,
            "lib/libx.so": stat.S_IFLNK,
            "lib/libx.so.1": stat.S_IFREG,
        }
        assert archive.read("lib/libx.so") == b"libx.so.1"
        assert archive.read("bin/absolute-link") == b"tool"  # made relative
        assert archive.read("current") == b"lib"
    followed = tmp_path / "followed.zip"
    package_zip(select_files(source, ["**/*"]).files, followed, enable_symlinks=False)
    with zipfile.ZipFile(followed) as archive:
        assert archive.namelist() == ["bin/absolute-link", "bin/tool", "lib/libx.so", "lib/libx.so.1"]
        assert archive.read("lib/libx.so") == b"elf"


def test_secondary_artifacts_are_the_same_call_per_identifier(source: Path, tmp_path: Path) -> None:
    blocks = {"artifact1": (["target/app.jar"], True), "artifact2": (["scripts/*"], False)}
    for identifier, (files, discard) in blocks.items():
        package_zip(select_files(source, files, discard_paths=discard).files, tmp_path / f"{identifier}.zip")
    with (
        zipfile.ZipFile(tmp_path / "artifact1.zip") as one,
        zipfile.ZipFile(tmp_path / "artifact2.zip") as two,
    ):
        assert one.namelist() == ["app.jar"]
        assert two.namelist() == ["scripts/start.sh"]


def test_package_directory_copies_files_modes_and_links(tmp_path: Path) -> None:
    source = _tree(tmp_path / "src", {"a/run.sh": "#!/bin/sh", "a/data": "d"})
    (source / "a" / "run.sh").chmod(0o750)
    os.symlink("data", source / "a" / "data-link")
    target = tmp_path / "out"
    count = package_directory(select_files(source, ["**/*"]).files, target, enable_symlinks=True)
    assert count == 3
    assert (target / "a" / "run.sh").read_text() == "#!/bin/sh"
    assert stat.S_IMODE((target / "a" / "run.sh").stat().st_mode) == 0o750
    assert os.readlink(target / "a" / "data-link") == "data"
    plain = tmp_path / "plain"
    package_directory(select_files(source, ["**/*"]).files, plain)
    assert not (plain / "a" / "data-link").is_symlink()
    assert (plain / "a" / "data-link").read_text() == "d"


@pytest.mark.parametrize(
    ("name", "expected"),
    [("my-app", "my-app"), ("releases/1.2/app.zip", "releases/1.2/app.zip"), ("/a//b/", "a/b")],
)
def test_artifact_names_may_hold_folders(name: str, expected: str) -> None:
    assert artifact_name(name) == expected


@pytest.mark.parametrize("name", ["", "/", "a/../../b", ".."])
def test_artifact_names_may_not_escape(name: str) -> None:
    with pytest.raises(ArtifactError):
        artifact_name(name)
