"""Paths of git trees as the merge engine handles them: an object and its file mode, and typed
lookups of commits, trees and blobs."""

from __future__ import annotations

from dataclasses import dataclass

import pygit2

NORMAL, EXECUTABLE, SYMLINK, GITLINK, TREE = 0o100644, 0o100755, 0o120000, 0o160000, 0o040000
MODE_NAMES = {NORMAL: "NORMAL", EXECUTABLE: "EXECUTABLE", SYMLINK: "SYMLINK"}
MODES = {name: mode for mode, name in MODE_NAMES.items()}
TYPES = {NORMAL: "FILE", EXECUTABLE: "FILE", SYMLINK: "SYMBOLIC_LINK", GITLINK: "GIT_LINK", TREE: "DIRECTORY"}


@dataclass(frozen=True)
class Entry:
    """A path in one tree: its object and git file mode (a TREE mode entry is a folder)."""

    oid: pygit2.Oid
    filemode: int

    @property
    def kind(self) -> str:
        return TYPES.get(self.filemode, "FILE")

    @property
    def has_lines(self) -> bool:
        return self.filemode in (NORMAL, EXECUTABLE, SYMLINK)


def blob(repo: pygit2.Repository, oid: pygit2.Oid) -> pygit2.Blob:
    found = repo[oid]
    if not isinstance(found, pygit2.Blob):
        raise TypeError(f"{oid} is not a blob")
    return found


def tree(repo: pygit2.Repository, oid: pygit2.Oid | str) -> pygit2.Tree:
    found = repo[oid]
    if not isinstance(found, pygit2.Tree):
        raise TypeError(f"{oid} is not a tree")
    return found


def commit(repo: pygit2.Repository, oid: pygit2.Oid | str) -> pygit2.Commit:
    return repo[oid].peel(pygit2.Commit)


def lookup(tree: pygit2.Tree, path: str) -> Entry | None:
    try:
        found = tree[path]
    except KeyError:
        return None
    return Entry(found.id, found.filemode)


def operation(base: Entry | None, side: Entry | None) -> str | None:
    if base == side:
        return None
    return "A" if base is None else "D" if side is None else "M"
