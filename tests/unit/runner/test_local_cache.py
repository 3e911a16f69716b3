"""The LOCAL cache: a project's git state and custom paths kept on the runner host."""

from __future__ import annotations

import subprocess
from pathlib import Path

from codeyard.runner.local_cache import LocalCache, directory_name


def _git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True).stdout.strip()


def test_source_cache_keeps_the_git_state(tmp_path: Path) -> None:
    source = tmp_path / "b1"
    source.mkdir()
    _git(source, "init", "-q", "-b", "main")
    (source / "README").write_text("hello")
    _git(source, "add", "README")
    _git(source, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-q", "-m", "first")
    head = _git(source, "rev-parse", "HEAD")
    cache = LocalCache(tmp_path / "cache", "web")
    assert cache.save_source(source)
    fresh = tmp_path / "b2"
    fresh.mkdir()
    assert cache.restore_source(fresh)
    assert _git(fresh, "rev-parse", "HEAD") == head
    assert _git(fresh, "cat-file", "-p", "HEAD:README") == "hello"
    assert not cache.restore_source(fresh)  # a source with a .git keeps its own


def test_source_cache_needs_a_git_directory(tmp_path: Path) -> None:
    cache = LocalCache(tmp_path / "cache", "web")
    (tmp_path / "plain").mkdir()
    assert not cache.save_source(tmp_path / "plain")
    assert not cache.restore_source(tmp_path / "plain")


def test_custom_cache_is_per_project_and_replaced_by_each_save(tmp_path: Path) -> None:
    root = tmp_path / "cache"
    first = tmp_path / "b1"
    (first / "vendor").mkdir(parents=True)
    (first / "vendor" / "lib.txt").write_text("v1")
    (first / "main.go").write_text("package main")
    assert LocalCache(root, "web").save_custom(["vendor/**/*"], first)
    (first / "vendor" / "lib.txt").write_text("v2")
    assert LocalCache(root, "web").save_custom(["vendor/**/*"], first)
    fresh = tmp_path / "b2"
    fresh.mkdir()
    assert LocalCache(root, "web").restore_custom(fresh)
    assert (fresh / "vendor" / "lib.txt").read_text() == "v2"
    assert not (fresh / "main.go").exists()
    other = tmp_path / "b3"
    other.mkdir()
    assert not LocalCache(root, "api/other").restore_custom(other)
    assert list(other.iterdir()) == []


def _custom(tmp_path: Path, name: str, text: str) -> Path:
    source = tmp_path / name
    (source / "deps").mkdir(parents=True)
    (source / "deps" / "stamp").write_text(text)
    return source


def test_a_newer_generation_drops_the_cache_of_an_older_one(tmp_path: Path) -> None:
    root = tmp_path / "cache"
    assert LocalCache(root, "web").save_custom(["deps/**/*"], _custom(tmp_path, "b1", "old"))
    fresh = tmp_path / "b2"
    fresh.mkdir()

    assert not LocalCache(root, "web", generation=1).restore_custom(fresh)

    assert not (fresh / "deps").exists()
    assert sorted(p.name for p in (root / directory_name("web")).iterdir()) == [
        ".generation"
    ]  # the entry is gone
    assert not LocalCache(root, "web").restore_custom(fresh)  # an older build finds nothing either


def test_a_build_of_an_older_generation_saves_nothing_over_a_newer_cache(tmp_path: Path) -> None:
    root = tmp_path / "cache"
    assert LocalCache(root, "web", generation=2).save_custom(["deps/**/*"], _custom(tmp_path, "b1", "new"))

    assert not LocalCache(root, "web", generation=1).save_custom(
        ["deps/**/*"], _custom(tmp_path, "b2", "stale")
    )

    fresh = tmp_path / "b3"
    fresh.mkdir()
    assert LocalCache(root, "web", generation=2).restore_custom(fresh)
    assert (fresh / "deps" / "stamp").read_text() == "new"
    assert (root / directory_name("web") / ".generation").read_text().strip() == "2"


def test_projects_of_one_name_in_other_regions_or_accounts_have_their_own_cache(tmp_path: Path) -> None:
    root = tmp_path / "cache"
    east = "arn:aws:codebuild:us-east-1:111111111111:project/web"
    west = "arn:aws:codebuild:eu-west-1:111111111111:project/web"
    other_account = "arn:aws:codebuild:us-east-1:222222222222:project/web"
    assert LocalCache(root, east).save_custom(["deps/**/*"], _custom(tmp_path, "b1", "east"))
    for index, arn in enumerate((west, other_account)):
        elsewhere = tmp_path / f"elsewhere-{index}"
        elsewhere.mkdir()
        assert not LocalCache(root, arn).restore_custom(elsewhere)
        assert list(elsewhere.iterdir()) == []
    fresh = tmp_path / "b2"
    fresh.mkdir()
    assert LocalCache(root, east).restore_custom(fresh)
    assert (fresh / "deps" / "stamp").read_text() == "east"
    names = {directory_name(arn) for arn in (east, west, other_account)}
    assert len(names) == 3
    assert all(name.endswith("-web") for name in names)
    assert [p.name for p in root.iterdir()] == [directory_name(east)]


def test_a_directory_name_is_one_file_name_however_long_the_project_name(tmp_path: Path) -> None:
    long_name = "p" * 255
    name = directory_name(f"arn:aws:codebuild:us-east-1:111111111111:project/{long_name}")
    assert len(name) <= 255
    assert "/" not in name
    assert name != directory_name(f"arn:aws:codebuild:us-east-2:111111111111:project/{long_name}")
