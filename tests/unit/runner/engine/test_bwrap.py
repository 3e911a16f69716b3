"""The bubblewrap command line: hidden directories, binds in order, namespaces, limits, identity."""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from codeyard.runner.engine.bwrap import (
    SandboxLimits,
    hidden_root,
    identity_argv,
    limit_argv,
    mount_argv,
    namespace_argv,
)

BUILD = (61000, 61000)


@pytest.fixture
def open_dir() -> Iterator[Path]:
    """A fresh directory every user may pass, whose ancestors every user may pass too."""
    with tempfile.TemporaryDirectory() as name:
        path = Path(name).resolve()
        path.chmod(0o755)
        closed = [parent for parent in path.parents if not parent.stat().st_mode & stat.S_IXOTH]
        if closed:
            pytest.skip(f"the temporary directory's ancestor {closed[0]} is closed to other users")
        yield path


def test_the_hidden_root_is_the_highest_directory_the_build_cannot_pass(open_dir: Path) -> None:
    private = open_dir / "private"
    base = private / "open" / "builds"
    base.mkdir(parents=True)
    private.chmod(0o700)
    (private / "open").chmod(0o755)
    assert hidden_root(base, BUILD) == private
    private.chmod(0o711)
    assert hidden_root(base, BUILD) == base
    assert hidden_root(base, None) == base


def test_an_owner_only_directory_of_the_builds_own_uid_is_passable(open_dir: Path) -> None:
    if os.geteuid() != 0:
        pytest.skip("giving a directory to another uid needs root")
    own = open_dir / "own"
    (own / "builds").mkdir(parents=True)
    own.chmod(0o700)
    os.chown(own, *BUILD)
    assert hidden_root(own / "builds", BUILD) == own / "builds"


def test_mounts_hide_then_bind_back_through_passable_directories() -> None:
    argv = mount_argv(Path("/h/a/b/ws"), Path("/h"), False, [Path("/h/a/bin")])
    hidden = argv.index("/h")
    assert argv[hidden - 1] == "--tmpfs"
    assert argv[hidden + 1 :] == [
        "--perms",
        "0711",
        "--dir",
        "/h/a",
        "--perms",
        "0711",
        "--dir",
        "/h/a/b",
        "--bind",
        "/h/a/b/ws",
        "/h/a/b/ws",
        "--ro-bind",
        "/h/a/bin",
        "/h/a/bin",
    ]
    assert argv[:3] == ["--ro-bind", "/", "/"]
    assert argv[argv.index("/tmp") - 3 : argv.index("/tmp")] == ["--perms", "01777", "--tmpfs"]


def test_namespaces_keep_the_user_namespace_only_for_a_runner_that_is_not_root() -> None:
    assert namespace_argv(BUILD, False) == [
        "--unshare-ipc",
        "--unshare-pid",
        "--unshare-uts",
        "--unshare-cgroup-try",
        "--unshare-net",
    ]
    assert "--unshare-net" not in namespace_argv(BUILD, True)
    assert namespace_argv(None, False) == ["--unshare-all"]
    assert namespace_argv(None, True) == ["--unshare-all", "--share-net"]


def test_limits_are_soft_and_hard_and_identity_drops_everything() -> None:
    argv = limit_argv(SandboxLimits(processes=10, open_files=20, address_space_bytes=None))
    assert argv[1:] == ["--nproc=10:10", "--nofile=20:20", "--"]
    assert "--as=30:30" in limit_argv(SandboxLimits(processes=10, open_files=20, address_space_bytes=30))
    assert identity_argv(None) == []
    assert identity_argv(BUILD)[1:] == [
        "--reuid=61000",
        "--regid=61000",
        "--clear-groups",
        "--inh-caps=-all",
        "--bounding-set=-all",
        "--no-new-privs",
        "--",
    ]
