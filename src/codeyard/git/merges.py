"""Merges for the CodeCommit API: options, conflicts, hunks, and the merge commits themselves,
all in-process with pygit2. Commits are written as objects only: no ref moves here."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import pygit2
from pygit2.enums import FileMode, ObjectType, SortMode

from codeyard.git.base import GitStorageBase
from codeyard.git.conflict_details import describe
from codeyard.git.conflicts import TreeMerge
from codeyard.git.entries import TREE, commit
from codeyard.git.entries import tree as tree_at
from codeyard.store.ports.git_merges import (
    ConflictResolution,
    FileDescription,
    MergeAnalysis,
    MergedCommit,
    MergeDescription,
    TipsTooFarApart,
    UnresolvedConflicts,
)

_UNSAFE = str.maketrans("", "", "<>\n\r\x00")


class MergeStorage(GitStorageBase):
    """Implements store.ports.git_merges.GitMerges."""

    def analyse_merge(
        self,
        repository_id: str,
        source: str,
        destination: str,
        *,
        detail_level: str,
        strategy: str,
        max_divergence: int,
    ) -> MergeAnalysis:
        repo = self.open(repository_id)
        return self._analyse(repo, source, destination, detail_level, strategy, max_divergence)[1]

    def describe_merge(
        self,
        repository_id: str,
        source: str,
        destination: str,
        paths: Sequence[str],
        *,
        detail_level: str,
        strategy: str,
        max_divergence: int,
    ) -> MergeDescription:
        repo = self.open(repository_id)
        merge, analysis = self._analyse(repo, source, destination, detail_level, strategy, max_divergence)
        files: list[FileDescription | None] = []
        for path in paths:
            state = merge.states.get(path) or merge.state(path)
            sides = (state.base, state.source, state.destination)
            if all(entry is None or entry.filemode == TREE for entry in sides):
                files.append(None)
            else:
                files.append(describe(merge, state, strategy, with_hunks=True))
        return MergeDescription(analysis, tuple(files))

    def create_merge_commit(
        self,
        repository_id: str,
        source: str,
        destination: str,
        *,
        squash: bool,
        detail_level: str,
        strategy: str,
        resolution: ConflictResolution | None,
        author_name: str,
        email: str,
        message: str | None,
        when: datetime,
        keep_empty_folders: bool,
        max_divergence: int,
    ) -> MergedCommit:
        repo = self.open(repository_id)
        source_commit, destination_commit = commit(repo, source), commit(repo, destination)
        base = _merge_base(repo, source_commit.id, destination_commit.id, max_divergence)
        merge = TreeMerge(
            repo, commit(repo, base).tree, source_commit.tree, destination_commit.tree, detail_level
        )
        outcomes, unresolved = merge.resolve(strategy, resolution)
        if unresolved:
            raise UnresolvedConflicts(unresolved)
        tree = merge.write_tree(outcomes)
        if keep_empty_folders:
            tree = _keep_emptied_folders(repo, destination_commit.tree, tree_at(repo, tree))
        if squash:
            parents = [destination_commit.id]
            text = message or _squash_message(repo, source_commit.id, destination_commit.id)
        else:
            parents = [destination_commit.id, source_commit.id]
            text = message or f"Merge {source} into {destination}"
        written = _write_commit(repo, tree, parents, author_name, email, text, when)
        return MergedCommit(str(written), str(tree), str(base))

    def find_merge_commit(self, repository_id: str, source: str, destination: str) -> str | None:
        repo = self.open(repository_id)
        wanted = pygit2.Oid(hex=source)
        current = commit(repo, destination)
        merged: pygit2.Commit | None = None
        for _ in range(10_000):  # a bound, as merge bases have
            if current.id != wanted and not repo.descendant_of(current.id, wanted):
                break
            merged = current
            if current.id == wanted or not current.parent_ids:
                break
            current = commit(repo, current.parent_ids[0])
        if merged is None or merged.id == wanted:
            return None
        return str(merged.id)

    def tree_of(self, repository_id: str, commit_id: str) -> str:
        return str(commit(self.open(repository_id), commit_id).tree_id)

    def object_kind(self, repository_id: str, specifier: str) -> str | None:
        repo = self.open(repository_id)
        try:
            found = repo.revparse_single(specifier)
        except (KeyError, ValueError, pygit2.GitError, pygit2.InvalidSpecError):
            return None
        return str(found.type_str)

    def _analyse(
        self,
        repo: pygit2.Repository,
        source: str,
        destination: str,
        level: str,
        strategy: str,
        max_divergence: int,
    ) -> tuple[TreeMerge, MergeAnalysis]:
        source_commit, destination_commit = commit(repo, source), commit(repo, destination)
        base = _merge_base(repo, source_commit.id, destination_commit.id, max_divergence)
        merge = TreeMerge(repo, commit(repo, base).tree, source_commit.tree, destination_commit.tree, level)
        conflicts = tuple(
            describe(merge, state, strategy, with_hunks=False).conflict for state in merge.conflicts.values()
        )
        fast_forward = base == destination_commit.id
        return merge, MergeAnalysis(source, destination, str(base), fast_forward, conflicts)


def _merge_base(
    repo: pygit2.Repository, source: pygit2.Oid, destination: pygit2.Oid, limit: int
) -> pygit2.Oid:
    base = repo.merge_base(source, destination)
    if base is None:
        raise TipsTooFarApart("the commits share no history")
    for tip in (source, destination):
        walker = repo.walk(tip, SortMode.NONE)
        walker.hide(base)
        for count, _ in enumerate(walker, 1):
            if count > limit:
                raise TipsTooFarApart(f"more than {limit} commits lie between a tip and the merge base")
    return base


def _squash_message(repo: pygit2.Repository, source: pygit2.Oid, destination: pygit2.Oid) -> str:
    """The messages of the commits the source brings, oldest first."""
    walker = repo.walk(source, SortMode.TOPOLOGICAL | SortMode.REVERSE)
    walker.hide(destination)
    messages = [commit.message.strip() for commit in walker]
    return "\n\n".join(m for m in messages if m) or "Squash merge"


def _keep_emptied_folders(repo: pygit2.Repository, before: pygit2.Tree, after: pygit2.Tree) -> pygit2.Oid:
    """`after` with a `.gitkeep` file in every folder of `before` that the merge emptied."""
    folders: set[str] = set()
    for delta in before.diff_to_tree(after).deltas:
        parts = delta.old_file.path.split("/")[:-1]
        folders.update("/".join(parts[: i + 1]) for i in range(len(parts)))
    emptied = [folder for folder in folders if _missing(after, folder)]
    # Only the innermost ones: a .gitkeep inside a folder keeps its parents too.
    leaves = [f for f in emptied if not any(o.startswith(f + "/") for o in emptied)]
    if not leaves:
        return after.id
    index = pygit2.Index()
    index.read_tree(after)
    keep = repo.create_blob(b"")
    for folder in leaves:
        index.add(pygit2.IndexEntry(f"{folder}/.gitkeep", keep, FileMode.BLOB))
    return index.write_tree(repo)


def _missing(tree: pygit2.Tree, path: str) -> bool:
    try:
        tree[path]
    except KeyError:
        return True
    return False


def _write_commit(
    repo: pygit2.Repository,
    tree: pygit2.Oid,
    parents: list[pygit2.Oid],
    name: str,
    email: str,
    message: str,
    when: datetime,
) -> pygit2.Oid:
    """Write the commit object directly: git itself allows an empty email, libgit2's signatures do not."""
    shift = when.utcoffset()
    offset = int(shift.total_seconds()) // 60 if shift else 0
    sign = "-" if offset < 0 else "+"
    zone = f"{sign}{abs(offset) // 60:02d}{abs(offset) % 60:02d}"
    who = f"{name.translate(_UNSAFE).strip() or 'Unknown'} <{email.translate(_UNSAFE).strip()}> {int(when.timestamp())} {zone}"
    lines = [f"tree {tree}", *(f"parent {parent}" for parent in parents), f"author {who}", f"committer {who}"]
    body = message if message.endswith("\n") else message + "\n"
    return repo.odb.write(ObjectType.COMMIT, ("\n".join(lines) + "\n\n" + body).encode())
