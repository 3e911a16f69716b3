"""`codeyard build`'s copy of the source: in-process for a small plain tree, by `cp -a` otherwise, the same result."""

from __future__ import annotations

import asyncio
import os
import subprocess
from pathlib import Path

from codeyard.cli.build_source import SMALL_TREE_ENTRIES, _small_plain_tree, copy_source


def tree(root: Path) -> Path:
    """Directories, files of several modes and times, symbolic links (one dangling), an empty directory."""
    (root / "src" / "pkg").mkdir(parents=True)
    (root / "empty").mkdir()
    (root / "src" / "main.py").write_text("print('hi')\n")
    (root / "src" / "pkg" / "data.bin").write_bytes(bytes(range(256)) * 40)
    (root / "run.sh").write_text("#!/bin/sh\necho run\n")
    (root / "run.sh").chmod(0o750)
    (root / "secret.txt").write_text("s\n")
    (root / "secret.txt").chmod(0o600)
    (root / "link-to-main").symlink_to("src/main.py")
    (root / "dangling").symlink_to("nowhere")
    (root / "src" / "pkg-link").symlink_to("pkg", target_is_directory=True)
    for number, path in enumerate(sorted(root.rglob("*"), reverse=True)):
        os.utime(
            path,
            ns=(1_600_000_000_000_000_000 + number, 1_500_000_000_000_000_000 + number),
            follow_symlinks=False,
        )
    os.utime(root, ns=(1_600_000_000_000_000_000, 1_500_000_000_000_000_000))
    return root


def listing(root: Path) -> dict[str, tuple[object, ...]]:
    """Every entry under `root` (and root itself): kind, mode, modification time, content or link target."""
    found: dict[str, tuple[object, ...]] = {}
    for path in [root, *sorted(root.rglob("*"))]:
        info = path.lstat()
        if path.is_symlink():
            what: object = ("link", os.readlink(path))
        elif path.is_dir():
            what = ("dir",)
        else:
            what = ("file", path.read_bytes(), info.st_nlink)
        found[str(path.relative_to(root))] = (what, oct(info.st_mode), info.st_mtime_ns)
    return found


def test_a_small_tree_is_copied_in_process_as_cp_copies_it(tmp_path: Path) -> None:
    source = tree(tmp_path / "source")
    assert _small_plain_tree(source)
    by_cp = tmp_path / "by-cp"
    by_cp.mkdir()
    subprocess.run(["cp", "-a", f"{source}/.", f"{by_cp}/"], check=True)
    copied = tmp_path / "copied"
    copied.mkdir()
    asyncio.run(copy_source(source, copied))
    assert listing(copied) == listing(by_cp)
    assert listing(copied)["run.sh"][1] == oct(0o100750)
    assert listing(copied) == listing(source)


def test_hard_links_special_files_and_big_trees_go_to_cp(tmp_path: Path) -> None:
    linked = tree(tmp_path / "linked")
    os.link(linked / "secret.txt", linked / "secret-again.txt")
    assert not _small_plain_tree(linked)
    copied = tmp_path / "copied"
    copied.mkdir()
    asyncio.run(copy_source(linked, copied))
    assert (copied / "secret.txt").stat().st_ino == (copied / "secret-again.txt").stat().st_ino
    assert (copied / "secret.txt").stat().st_nlink == 2

    fifo = tree(tmp_path / "fifo")
    os.mkfifo(fifo / "pipe")
    assert not _small_plain_tree(fifo)

    big = tmp_path / "big"
    big.mkdir()
    for number in range(SMALL_TREE_ENTRIES + 1):
        (big / f"f{number}").write_text("x")
    assert not _small_plain_tree(big)
    copied_big = tmp_path / "copied-big"
    copied_big.mkdir()
    asyncio.run(copy_source(big, copied_big))
    assert listing(copied_big) == listing(big)
