"""The pygit2 merge engine on repositories made with the git CLI: merge bases and divergence,
folder/file conflicts, emptied folders, commit objects, merge commits found again."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from codeyard.git.merges import MergeStorage
from codeyard.store.ports.git_merges import (
    ACCEPT_DESTINATION,
    ACCEPT_SOURCE,
    FILE_LEVEL,
    LINE_LEVEL,
    NONE,
    TipsTooFarApart,
    UnresolvedConflicts,
)
from tests.support.git import git

WHEN = datetime(2024, 5, 6, 7, 8, 9, tzinfo=UTC)


class Repo:
    def __init__(self, root: Path) -> None:
        self.bare = root / "r.git"
        self.work = root / "work"
        git(root, "init", "-q", "--bare", str(self.bare))
        git(root, "init", "-q", "-b", "main", str(self.work))

    def commit(self, files: dict[str, str | None], message: str = "change") -> str:
        for path, text in files.items():
            if text is None:
                git(self.work, "rm", "-q", path)
                continue
            target = self.work / path
            target.parent.mkdir(parents=True, exist_ok=True)
            if target.is_dir():
                git(self.work, "rm", "-rq", path)
            target.write_text(text)
            git(self.work, "add", path)
        git(self.work, "commit", "-q", "--allow-empty", "-m", message)
        git(self.work, "push", "-q", "-f", str(self.bare), "HEAD:refs/heads/" + self.branch())
        return self.head()

    def branch(self) -> str:
        return git(self.work, "branch", "--show-current").stdout.strip()

    def head(self) -> str:
        return git(self.work, "rev-parse", "HEAD").stdout.strip()

    def checkout(self, branch: str, start: str | None = None) -> None:
        git(self.work, "checkout", "-q", "-B", branch, *([start] if start else []))

    def bare_git(self, *args: str) -> str:
        return git(self.bare, *args).stdout


@pytest.fixture
def repo(tmp_path: Path) -> Repo:
    return Repo(tmp_path)


def _merge(storage: MergeStorage, source: str, destination: str, **kwargs: object) -> str:
    settings: dict[str, object] = {
        "squash": False,
        "detail_level": FILE_LEVEL,
        "strategy": NONE,
        "resolution": None,
        "author_name": "A",
        "email": "a@example.com",
        "message": None,
        "when": WHEN,
        "keep_empty_folders": False,
        "max_divergence": 100,
        **kwargs,
    }
    return storage.create_merge_commit("r", source, destination, **settings).commit_id  # type: ignore[arg-type]


def test_divergence_limit_and_unrelated_histories(repo: Repo, tmp_path: Path) -> None:
    storage = MergeStorage(tmp_path)
    base = repo.commit({"a.txt": "a\n"})
    repo.checkout("feature")
    for i in range(3):
        source = repo.commit({f"f{i}.txt": "x\n"})
    with pytest.raises(TipsTooFarApart):
        storage.analyse_merge("r", source, base, detail_level=FILE_LEVEL, strategy=NONE, max_divergence=2)
    analysis = storage.analyse_merge(
        "r", source, base, detail_level=FILE_LEVEL, strategy=NONE, max_divergence=3
    )
    assert (analysis.base_commit, analysis.fast_forward, analysis.mergeable) == (base, True, True)
    git(repo.work, "checkout", "-q", "--orphan", "lonely")
    lonely = repo.commit({"z.txt": "z\n"})
    with pytest.raises(TipsTooFarApart):
        storage.analyse_merge("r", lonely, base, detail_level=FILE_LEVEL, strategy=NONE, max_divergence=100)


def test_folder_against_file(repo: Repo, tmp_path: Path) -> None:
    storage = MergeStorage(tmp_path)
    base = repo.commit({"f": "file\n", "keep.txt": "k\n"})
    repo.checkout("feature")
    source = repo.commit({"f": None})
    source = repo.commit({"f/x": "nested\n"})
    repo.checkout("main", base)
    destination = repo.commit({"f": "changed\n"})
    for level in (FILE_LEVEL, LINE_LEVEL):
        analysis = storage.analyse_merge(
            "r", source, destination, detail_level=level, strategy=NONE, max_divergence=100
        )
        conflict = next(c for c in analysis.conflicts if c.path == "f")
        assert conflict.source is not None
        assert conflict.destination is not None
        assert (conflict.source.object_type, conflict.destination.object_type) == ("DIRECTORY", "FILE")
        assert conflict.object_type_conflict
        assert not analysis.mergeable
        with pytest.raises(UnresolvedConflicts):
            _merge(storage, source, destination, detail_level=level)
    theirs = _merge(storage, source, destination, strategy=ACCEPT_SOURCE)
    assert repo.bare_git("ls-tree", "-r", "--name-only", theirs).split() == ["f/x", "keep.txt"]
    ours = _merge(storage, source, destination, strategy=ACCEPT_DESTINATION, detail_level=LINE_LEVEL)
    assert repo.bare_git("ls-tree", "-r", "--name-only", ours).split() == ["f", "keep.txt"]
    assert repo.bare_git("cat-file", "-p", f"{ours}:f") == "changed\n"
    described = storage.describe_merge(
        "r",
        source,
        destination,
        ["f", "f/x", "nope"],
        detail_level=LINE_LEVEL,
        strategy=NONE,
        max_divergence=100,
    )
    found = [None if d is None else d.conflict.path for d in described.files]
    assert found == ["f", "f/x", None]


def test_emptied_folders_and_commit_objects(repo: Repo, tmp_path: Path) -> None:
    storage = MergeStorage(tmp_path)
    base = repo.commit({"dir/sub/only.txt": "o\n", "a.txt": "a\n"})
    repo.checkout("feature")
    source = repo.commit({"dir/sub/only.txt": None}, message="drop the only file")
    repo.checkout("main", base)
    destination = repo.commit({"a.txt": "b\n"})
    plain = _merge(storage, source, destination, squash=True)
    assert repo.bare_git("ls-tree", "-r", "--name-only", plain).split() == ["a.txt"]
    kept = _merge(
        storage,
        source,
        destination,
        squash=True,
        keep_empty_folders=True,
        author_name="Ann <ann>",
        email="",
        when=datetime(2024, 5, 6, 9, 8, 9, tzinfo=timezone(timedelta(hours=2))),
    )
    assert repo.bare_git("ls-tree", "-r", "--name-only", kept).split() == ["a.txt", "dir/sub/.gitkeep"]
    assert repo.bare_git("log", "-1", "--format=%P|%an|%ae|%ai|%B", kept).strip() == (
        f"{destination}|Ann ann||2024-05-06 09:08:09 +0200|drop the only file"
    )
    assert repo.bare_git("fsck", "--strict", "--no-dangling") == ""


def test_merge_commit_found_again(repo: Repo, tmp_path: Path) -> None:
    storage = MergeStorage(tmp_path)
    base = repo.commit({"a.txt": "a\n"})
    repo.checkout("feature")
    source = repo.commit({"b.txt": "b\n"})
    repo.checkout("main", base)
    repo.commit({"c.txt": "c\n"})
    assert storage.find_merge_commit("r", source, repo.head()) is None
    git(repo.work, "merge", "-q", "--no-ff", "-m", "merge", "feature")
    merged = repo.head()
    later = repo.commit({"d.txt": "d\n"})
    assert storage.find_merge_commit("r", source, later) == merged
    assert storage.find_merge_commit("r", base, later) is None  # in main's own history
    assert storage.object_kind("r", f"{later}:a.txt") == "blob"
    assert storage.object_kind("r", "nothing-here") is None
    assert storage.tree_of("r", later) == repo.bare_git("rev-parse", f"{later}^{{tree}}").strip()
