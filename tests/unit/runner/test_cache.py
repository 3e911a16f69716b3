"""The S3-type cache: actions, the directory store, keys, fallback prefixes and immutability."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from codeyard.runner.cache import ArchiveCache, CacheError, DirectoryCacheStore, cache_actions


@pytest.mark.parametrize(
    ("action", "expected"),
    [(None, (True, True)), ("", (True, True)), ("restore", (True, False)), ("SAVE", (False, True))],
)
def test_actions(action: str | None, expected: tuple[bool, bool]) -> None:
    assert cache_actions(action) == expected


def test_unknown_action_is_refused() -> None:
    with pytest.raises(CacheError, match="restore or save"):
        cache_actions("upload")


class Build:
    """A source directory and a scratch directory of one build."""

    def __init__(self, base: Path, files: dict[str, str] | None = None) -> None:
        self.source = base / "src"
        self.scratch = base / "tmp"
        self.source.mkdir(parents=True)
        for name, text in (files or {}).items():
            path = self.source / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text)

    def files(self) -> dict[str, str]:
        return {
            str(p.relative_to(self.source)): p.read_text()
            for p in sorted(self.source.rglob("*"))
            if p.is_file() and not p.is_symlink()
        }


def _save(cache: ArchiveCache, build: Build, key: str | None, paths: list[str] | None = None) -> bool:
    return cache.save(
        paths=paths or ["node_modules/**/*"], key=key, source_dir=build.source, scratch_dir=build.scratch
    )


def _age(store_root: Path, name: str, seconds: int) -> None:
    path = next(p for p in store_root.iterdir() if p.name.endswith(name))
    os.utime(path, (seconds, seconds))


def test_project_cache_round_trip_and_replacement(tmp_path: Path) -> None:
    store = DirectoryCacheStore(tmp_path / "store")
    cache = ArchiveCache(store, "web")
    first = Build(tmp_path / "b1", {"node_modules/a/index.js": "v1", "src/app.js": "app"})
    assert _save(cache, first, None)
    second = Build(tmp_path / "b2", {"node_modules/a/index.js": "v2"})
    assert _save(cache, second, None)  # without a key, every save replaces the archive
    fresh = Build(tmp_path / "b3")
    assert cache.restore(key=None, source_dir=fresh.source) == "web"
    assert fresh.files() == {"node_modules/a/index.js": "v2"}
    other = Build(tmp_path / "b4")
    assert ArchiveCache(store, "api").restore(key=None, source_dir=other.source) is None
    assert other.files() == {}


def test_keyed_cache_is_immutable(tmp_path: Path) -> None:
    cache = ArchiveCache(DirectoryCacheStore(tmp_path / "store"), "web")
    assert _save(cache, Build(tmp_path / "b1", {"node_modules/x": "first"}), "npm-abc")
    assert not _save(cache, Build(tmp_path / "b2", {"node_modules/x": "second"}), "npm-abc")
    fresh = Build(tmp_path / "b3")
    assert cache.restore(key="npm-abc", source_dir=fresh.source) == "npm-abc"
    assert fresh.files() == {"node_modules/x": "first"}


def test_keyed_cache_is_shared_by_projects_of_one_store(tmp_path: Path) -> None:
    store = DirectoryCacheStore(tmp_path / "store")
    assert _save(ArchiveCache(store, "web"), Build(tmp_path / "b1", {"node_modules/x": "x"}), "shared")
    fresh = Build(tmp_path / "b2")
    assert ArchiveCache(store, "api").restore(key="shared", source_dir=fresh.source) == "shared"
    assert fresh.files() == {"node_modules/x": "x"}


def test_fallback_keys_match_by_prefix_newest_first_in_order(tmp_path: Path) -> None:
    root = tmp_path / "store"
    cache = ArchiveCache(DirectoryCacheStore(root), "web")
    assert _save(cache, Build(tmp_path / "b1", {"node_modules/v": "old"}), "npm-linux-111")
    assert _save(cache, Build(tmp_path / "b2", {"node_modules/v": "new"}), "npm-linux-222")
    assert _save(cache, Build(tmp_path / "b3", {"node_modules/v": "other"}), "pip-333")
    _age(root, "npm-linux-111", 1_000)
    _age(root, "npm-linux-222", 2_000)
    _age(root, "pip-333", 3_000)
    fresh = Build(tmp_path / "b4")
    restored = cache.restore(
        key="npm-linux-999", fallback_keys=["npm-linux-", "pip-"], source_dir=fresh.source
    )
    assert restored == "npm-linux-222"
    assert fresh.files() == {"node_modules/v": "new"}
    fresh = Build(tmp_path / "b5")
    assert (
        cache.restore(key="npm-mac-1", fallback_keys=["npm-mac-", "pip-"], source_dir=fresh.source)
        == "pip-333"
    )
    fresh = Build(tmp_path / "b6")
    assert cache.restore(key="npm-mac-1", fallback_keys=["gradle-"], source_dir=fresh.source) is None
    assert fresh.files() == {}


def test_exact_key_wins_over_fallbacks(tmp_path: Path) -> None:
    root = tmp_path / "store"
    cache = ArchiveCache(DirectoryCacheStore(root), "web")
    assert _save(cache, Build(tmp_path / "b1", {"node_modules/v": "exact"}), "npm-1")
    assert _save(cache, Build(tmp_path / "b2", {"node_modules/v": "newer"}), "npm-2")
    _age(root, "npm-1", 1_000)
    _age(root, "npm-2", 2_000)
    fresh = Build(tmp_path / "b3")
    assert cache.restore(key="npm-1", fallback_keys=["npm-"], source_dir=fresh.source) == "npm-1"
    assert fresh.files() == {"node_modules/v": "exact"}


def test_fallback_keys_are_ignored_without_a_key(tmp_path: Path) -> None:
    cache = ArchiveCache(DirectoryCacheStore(tmp_path / "store"), "web")
    assert _save(cache, Build(tmp_path / "b1", {"node_modules/v": "keyed"}), "npm-1")
    fresh = Build(tmp_path / "b2")
    assert cache.restore(key=None, fallback_keys=["npm-"], source_dir=fresh.source) is None


def test_at_most_five_fallback_keys(tmp_path: Path) -> None:
    cache = ArchiveCache(DirectoryCacheStore(tmp_path / "store"), "web")
    with pytest.raises(CacheError, match="at most 5"):
        cache.restore(key="k", fallback_keys=[f"f{i}" for i in range(6)], source_dir=tmp_path)


def test_absolute_paths_are_saved_and_restored_under_the_filesystem_root(tmp_path: Path) -> None:
    cache = ArchiveCache(DirectoryCacheStore(tmp_path / "store"), "java")
    sandbox = tmp_path / "sandbox"
    jar = sandbox / "root" / ".m2" / "repository" / "junit" / "junit.jar"
    jar.parent.mkdir(parents=True)
    jar.write_text("junit")
    (sandbox / "root" / "other").write_text("not cached")
    build = Build(tmp_path / "b1", {"target/app.jar": "app"})
    assert cache.save(
        paths=["/root/.m2/**/*"],
        key=None,
        source_dir=build.source,
        scratch_dir=build.scratch,
        filesystem_root=sandbox,
    )
    second = tmp_path / "sandbox2"
    fresh = Build(tmp_path / "b2")
    restored = cache.restore(
        key=None, source_dir=fresh.source, filesystem_root=second, paths=["/root/.m2/**/*"]
    )
    assert restored == "java"
    assert (second / "root" / ".m2" / "repository" / "junit" / "junit.jar").read_text() == "junit"
    assert not (second / "root" / "other").exists()
    assert fresh.files() == {}


def test_store_keeps_an_existing_archive_under_a_race(tmp_path: Path) -> None:
    store = DirectoryCacheStore(tmp_path / "store")
    one, two = tmp_path / "one", tmp_path / "two"
    one.write_bytes(b"1")
    two.write_bytes(b"2")
    assert store.put("key/k", one, replace=False)
    assert not store.put("key/k", two, replace=False)
    stream = store.open("key/k")
    assert stream is not None
    with stream:
        assert stream.read() == b"1"
    assert store.put("key/k", two, replace=True)
    assert store.newest("key/") == "key/k"
    assert store.newest("project/") is None
    assert sorted(p.name for p in (tmp_path / "store").iterdir()) == ["key%2Fk"]  # no temporary left
