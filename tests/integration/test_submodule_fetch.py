"""The server's submodule fetch (execution/submodules.py) on real repositories: nested submodules are
cloned at their recorded commits, and one source fetches a bounded number of repositories however
widely its commits nest them."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from codeyard.execution import submodules
from codeyard.execution.submodules import SubmoduleFetcher, SubmoduleUnavailable
from tests.support.git import git

BASE = "http://127.0.0.1:4567"


def _commit(work: Path, files: dict[str, str], links: dict[str, str]) -> str:
    if not work.exists():
        work.mkdir(parents=True)
        git(work, "init", "-q", "-b", "main")
    for path, content in files.items():
        (work / path).write_text(content)
        git(work, "add", path)
    for path, commit in links.items():
        git(work, "update-index", "--add", "--cacheinfo", f"160000,{commit},{path}")
    git(work, "commit", "-q", "-m", "change")
    return git(work, "rev-parse", "HEAD").stdout.strip()


def _three_of(commit: str, *names: str) -> tuple[dict[str, str], dict[str, str]]:
    """.gitmodules naming three submodules of ../lib, and their gitlinks at `commit`."""
    gitmodules = "".join(f'[submodule "{n}"]\n\tpath = {n}\n\turl = ../lib\n' for n in names)
    return {".gitmodules": gitmodules, "README": "three\n"}, dict.fromkeys(names, commit)


@pytest.fixture
def repositories(tmp_path: Path) -> tuple[Path, Path, str]:
    """`app` recording three submodules of `lib`, whose commit records three of an older `lib` commit:
    twelve repositories to fetch."""
    lib = tmp_path / "lib"
    first = _commit(lib, {"lib.txt": "first\n"}, {})
    second = _commit(lib, *_three_of(first, "x", "y", "z"))
    app = tmp_path / "app"
    _commit(app, *_three_of(second, "a", "b", "c"))
    return app, lib, first


def _fetcher(lib: Path, scratch: Path, limit: int) -> SubmoduleFetcher:
    def has_commit(_: str, commit: str) -> bool:
        return git(lib, "cat-file", "-e", f"{commit}^{{commit}}", check=False).returncode == 0

    def lookup(name: str) -> tuple[str, Path] | None:
        return ("lib-id", lib / ".git") if name == "lib" else None

    scratch.mkdir()
    return SubmoduleFetcher("us-east-1", (BASE,), lookup, has_commit, scratch, limit=limit)


def test_nested_submodules_are_fetched_up_to_the_limit(
    repositories: tuple[Path, Path, str], tmp_path: Path
) -> None:
    app, lib, first = repositories
    clone = tmp_path / "clone"
    git(tmp_path, "init", "-q", str(clone))

    fetched = _fetcher(lib, tmp_path / "scratch", 12).fetch(
        app / ".git", "HEAD", f"{BASE}/v1/repos/app", clone / ".git"
    )

    assert fetched == 12
    nested = clone / ".git" / "modules" / "c" / "modules" / "z"
    assert git(tmp_path, f"--git-dir={nested}", "rev-parse", "HEAD").stdout.strip() == first


def test_a_source_fetches_at_most_the_limit_of_repositories(
    repositories: tuple[Path, Path, str], tmp_path: Path
) -> None:
    app, lib, _ = repositories
    clone = tmp_path / "clone"
    git(tmp_path, "init", "-q", str(clone))

    with pytest.raises(SubmoduleUnavailable) as refused:
        _fetcher(lib, tmp_path / "scratch", 11).fetch(
            app / ".git", "HEAD", f"{BASE}/v1/repos/app", clone / ".git"
        )

    assert str(refused.value) == (
        "Cannot fetch the submodule 'z' (path z) from ../lib: a source fetches at most 11 submodule repositories"
    )


def test_a_name_the_filesystem_cannot_hold_is_refused_naming_the_submodule(tmp_path: Path) -> None:
    lib = tmp_path / "lib"
    commit = _commit(lib, {"lib.txt": "lib\n"}, {})
    name = "n" * 300  # git takes it; a directory name is at most 255 bytes
    app = tmp_path / "app"
    _commit(app, {".gitmodules": f'[submodule "{name}"]\n\tpath = p\n\turl = ../lib\n'}, {"p": commit})
    clone = tmp_path / "clone"
    git(tmp_path, "init", "-q", str(clone))

    with pytest.raises(SubmoduleUnavailable) as refused:
        _fetcher(lib, tmp_path / "scratch", 12).fetch(
            app / ".git", "HEAD", f"{BASE}/v1/repos/app", clone / ".git"
        )

    assert (
        str(refused.value) == f"Cannot fetch the submodule {name!r} (path p) from ../lib: File name too long"
    )
    assert list((tmp_path / "scratch").iterdir()) == []  # the clone it made is gone


def test_a_gitmodules_of_thousands_of_entries_is_read_in_a_few_git_calls(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lib = tmp_path / "lib"
    commit = _commit(lib, {"lib.txt": "lib\n"}, {})
    paths = [f"vendor/module-{n:05d}" for n in range(6000)]  # two batches of ls-tree
    odd = ["../outside", "./vendor/module-00007", "vendor/./module-05999"]  # never a gitlink path
    gitmodules = "".join(f'[submodule "m{n}"]\n\tpath = {p}\n\turl = ../lib\n' for n, p in enumerate(paths))
    gitmodules += "".join(f'[submodule "odd{n}"]\n\tpath = {p}\n\turl = ../lib\n' for n, p in enumerate(odd))
    app = tmp_path / "app"
    _commit(app, {".gitmodules": gitmodules}, {paths[5999]: commit, paths[7]: commit})
    calls: list[list[str]] = []
    real = submodules._run

    def counted(argv: list[str]) -> subprocess.CompletedProcess[bytes]:
        calls.append(argv)
        return real(argv)

    monkeypatch.setattr(submodules, "_run", counted)

    found = submodules.submodules_at(app / ".git", "HEAD")

    assert found == [
        submodules.Submodule("m7", paths[7], "../lib", commit),
        submodules.Submodule("m5999", paths[5999], "../lib", commit),
    ]
    assert sum("ls-tree" in argv for argv in calls) == 2
