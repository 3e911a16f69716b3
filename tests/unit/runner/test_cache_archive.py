"""Cache archives: what is written, and that restoring never writes outside its roots."""

from __future__ import annotations

import io
import os
import stat
import tarfile
from pathlib import Path

from codeyard.runner.cache_archive import (
    SkippedEntries,
    cache_entries,
    extract_cache_archive,
    open_directory,
    write_cache_archive,
)


def _tree(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


def _archive(members: list[tuple[tarfile.TarInfo, bytes | None]]) -> io.BytesIO:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as archive:
        for info, data in members:
            if data is not None:
                info.size = len(data)
            archive.addfile(info, io.BytesIO(data) if data is not None else None)
    buffer.seek(0)
    return buffer


def _file(name: str, data: bytes = b"x") -> tuple[tarfile.TarInfo, bytes]:
    return tarfile.TarInfo(name), data


def _link(name: str, target: str) -> tuple[tarfile.TarInfo, None]:
    info = tarfile.TarInfo(name)
    info.type = tarfile.SYMTYPE
    info.linkname = target
    return info, None


def test_entries_name_source_and_absolute_files(tmp_path: Path) -> None:
    source = _tree(tmp_path / "src", {"node_modules/a.js": "a", "src/b.js": "b"})
    root = _tree(tmp_path / "root", {"root/.m2/x.jar": "x"})
    entries, skipped = cache_entries(["node_modules/**/*", "/root/.m2/**/*"], source, root)
    assert [name for name, _ in entries] == ["abs/root/.m2/x.jar", "src/node_modules/a.js"]
    assert skipped == []


def test_round_trip_keeps_modes_times_and_internal_links(tmp_path: Path) -> None:
    source = _tree(tmp_path / "src", {"node_modules/pkg/bin/cli.js": "cli"})
    (source / "node_modules" / "pkg" / "bin" / "cli.js").chmod(0o755)
    os.utime(source / "node_modules" / "pkg" / "bin" / "cli.js", (1_600_000_000, 1_600_000_000))
    (source / "node_modules" / ".bin").mkdir()
    os.symlink("../pkg/bin/cli.js", source / "node_modules" / ".bin" / "cli")
    target = tmp_path / "cache.tar.gz"
    assert write_cache_archive(["node_modules"], source, target) == 2
    restored = tmp_path / "restored"
    with open(target, "rb") as stream:
        assert extract_cache_archive(stream, restored) == 2
    cli = restored / "node_modules" / "pkg" / "bin" / "cli.js"
    assert cli.read_text() == "cli"
    assert stat.S_IMODE(cli.stat().st_mode) == 0o755
    assert int(cli.stat().st_mtime) == 1_600_000_000
    assert os.readlink(restored / "node_modules" / ".bin" / "cli") == "../pkg/bin/cli.js"
    assert (restored / "node_modules" / ".bin" / "cli").read_text() == "cli"


def test_links_out_of_the_tree_are_not_cached(tmp_path: Path) -> None:
    secret = _tree(tmp_path / "host", {"key": "secret"})
    source = _tree(tmp_path / "src", {"cache/ok": "ok"})
    os.symlink(secret / "key", source / "cache" / "key")
    target = tmp_path / "cache.tar"
    assert write_cache_archive(["cache/**/*"], source, target, compress=False) == 1
    with tarfile.open(target) as archive:
        assert archive.getnames() == ["src/cache/ok"]


def test_hostile_names_and_links_are_not_restored(tmp_path: Path) -> None:
    source = tmp_path / "src"
    root = tmp_path / "sandbox"
    stream = _archive(
        [
            _file("src/../escape"),
            _file("src/a/../../escape"),
            _file("/etc/escape"),
            _file("other/escape"),
            _link("src/up", "../../escape-dir"),
            _link("src/abs", "/etc"),
            _link("src/fine", "a/b"),
            _file("src/a/b", b"kept"),
            _file("abs/root/.m2/x", b"m2"),
        ]
    )
    assert extract_cache_archive(stream, source, filesystem_root=root, paths=["/root/.m2"]) == 3
    assert sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*")) == [
        "sandbox",
        "sandbox/root",
        "sandbox/root/.m2",
        "sandbox/root/.m2/x",
        "src",
        "src/a",
        "src/a/b",
        "src/fine",
    ]


def test_existing_symlinks_in_the_source_do_not_lead_writes_out(tmp_path: Path) -> None:
    outside = tmp_path / "host"
    outside.mkdir()
    (outside / "passwd").write_text("root")
    source = tmp_path / "src"
    source.mkdir()
    os.symlink(outside, source / "evil")
    os.symlink(outside / "passwd", source / "replaced")
    stream = _archive(
        [_file("src/evil/passwd", b"owned"), _file("src/evil/new/x"), _file("src/replaced", b"new")]
    )
    assert extract_cache_archive(stream, source) == 1
    assert (outside / "passwd").read_text() == "root"
    assert not (outside / "new").exists()
    assert not (source / "replaced").is_symlink()
    assert (source / "replaced").read_text() == "new"


def test_with_readable_roots_absolute_entries_are_cached_and_restored_only_inside_them(
    tmp_path: Path,
) -> None:
    # a workspace as the sandbox's (filesystem root '/') and as a container's view (links to the roots)
    source = _tree(tmp_path / "ws" / "src", {"a.txt": "a"})
    home = _tree(tmp_path / "ws" / "home", {".m2/lib.jar": "jar"})
    outside = _tree(tmp_path / "outside", {"secret": "s"})
    (home / ".m2" / "escape").symlink_to(outside)
    roots = [source, home]
    entries, skipped = cache_entries([f"{home}/.m2/**/*", f"{outside}/*"], source, Path("/"), roots)
    assert [name for name, _ in entries] == [f"abs{home}/.m2/lib.jar"]
    assert skipped == [
        f"{home}/.m2/escape: symbolic link to outside the directory, skipped",
        f"{outside}/*: outside the build's own directories, not read",
    ]

    home_again = tmp_path / "ws2" / "home"
    home_again.mkdir(parents=True)
    (home_again / "out").symlink_to(outside)
    stream = _archive(
        [
            _file(f"abs{home_again}/.m2/lib.jar", b"jar"),
            _file(f"abs{outside}/planted", b"no"),
            _file(f"abs{home_again}/out/planted", b"no"),
            _file(f"abs{home_again.parent}/beside", b"no"),
        ]
    )
    paths = [f"{home_again}/.m2/**/*", f"{outside}/*", f"{home_again}/**/*", f"{home_again.parent}/*"]
    assert extract_cache_archive(stream, source, readable_roots=[source, home_again], paths=paths) == 1
    assert (home_again / ".m2" / "lib.jar").read_bytes() == b"jar"
    assert sorted(p.name for p in outside.iterdir()) == ["secret"]
    assert sorted(p.name for p in home_again.parent.iterdir()) == ["home"]

    view = tmp_path / "view"
    (view / "codebuild" / "output").mkdir(parents=True)
    (view / "codebuild" / "output" / "src").symlink_to(source)
    stream = _archive([_file("abs/codebuild/output/src/cached/b.txt", b"b"), _file("abs/etc/passwd", b"no")])
    paths = ["/codebuild/output/src/cached/**/*", "/etc/passwd"]
    assert (
        extract_cache_archive(stream, source, filesystem_root=view, readable_roots=[source], paths=paths) == 1
    )
    assert (source / "cached" / "b.txt").read_bytes() == b"b"
    assert not (view / "etc").exists()


def test_absolute_entries_are_restored_only_where_the_builds_cache_paths_select_them(
    tmp_path: Path,
) -> None:
    # a keyed archive another build saved (its cache paths named /root/.m2 and /etc): a build whose
    # own paths name only /root/.m2 gets nothing else written on its host
    root = tmp_path / "host"
    source = tmp_path / "src"
    stream = _archive(
        [
            _file("abs/root/.m2/lib.jar", b"jar"),
            _file("abs/root/.m2/deep/x.pom", b"pom"),
            _file("abs/etc/cron.d/planted", b"no"),
            _file("abs/root/.bashrc", b"no"),
            _link("abs/root/.m2/latest", "lib.jar"),
            _link("abs/etc/cron.d/also", "planted"),
            _file("src/kept.txt", b"src"),
        ]
    )
    skipped = SkippedEntries()
    restored = extract_cache_archive(
        stream, source, filesystem_root=root, paths=["/root/.m2/**/*", "node_modules"], skipped=skipped
    )
    assert restored == 4
    assert sorted(str(p.relative_to(root)) for p in root.rglob("*") if not p.is_dir()) == [
        "root/.m2/deep/x.pom",
        "root/.m2/latest",
        "root/.m2/lib.jar",
    ]
    assert (source / "kept.txt").read_bytes() == b"src"
    assert skipped.names == ["/etc/cron.d/planted", "/root/.bashrc", "/etc/cron.d/also"]
    assert (skipped.count, skipped.unnamed) == (3, 0)


def test_the_entries_left_out_are_named_up_to_the_limit_and_only_counted_beyond(tmp_path: Path) -> None:
    root = tmp_path / "fs"
    members = [_file(f"abs/etc/planted/{i}", b"no") for i in range(3000)]
    members.append(_file("abs/root/.m2/lib.jar", b"jar"))
    skipped = SkippedEntries(limit=20)
    restored = extract_cache_archive(
        _archive(members), tmp_path / "src", filesystem_root=root, paths=["/root/.m2/**/*"], skipped=skipped
    )
    assert restored == 1
    assert skipped.names == [f"/etc/planted/{i}" for i in range(20)]
    assert (skipped.count, skipped.unnamed) == (3000, 2980)
    assert not (root / "etc").exists()


def test_a_link_above_the_target_leading_out_of_the_readable_roots_is_refused(tmp_path: Path) -> None:
    home = tmp_path / "ws" / "home"
    (home / "real").mkdir(parents=True)
    outside = tmp_path / "outside"
    outside.mkdir()
    (home / "out").symlink_to(outside)  # a directory above the target: out of the roots
    (home / "in").symlink_to(home / "real")  # one that stays inside: taken by its resolved path
    stream = _archive([_file(f"abs{home}/out/deps/x", b"no"), _file(f"abs{home}/in/deps/y", b"yes")])
    skipped = SkippedEntries()
    restored = extract_cache_archive(
        stream, tmp_path / "src", readable_roots=[home], paths=[f"{home}/**/*"], skipped=skipped
    )
    assert restored == 1
    assert list(outside.iterdir()) == []
    assert (home / "real" / "deps" / "y").read_bytes() == b"yes"
    assert open_directory(home, ["out", "deps"]) is None
    assert not (outside / "deps").exists()


def test_the_directory_opened_is_the_one_written_into_whatever_its_path_leads_to_later(
    tmp_path: Path,
) -> None:
    root = tmp_path / "root"
    outside = tmp_path / "outside"
    outside.mkdir()
    descriptor = open_directory(root, ["cache", "deps"])
    assert descriptor is not None
    try:
        # the build swaps the checked directory for a link out of the root after the check
        (root / "cache").rename(root / "moved")
        (root / "cache").symlink_to(outside)
        os.close(os.open("written", os.O_WRONLY | os.O_CREAT, 0o600, dir_fd=descriptor))
    finally:
        os.close(descriptor)
    assert (root / "moved" / "deps" / "written").exists()
    assert list(outside.iterdir()) == []
    assert open_directory(root, ["cache", "deps"]) is None  # the link now leads out: refused
