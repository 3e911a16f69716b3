"""A file's history: the commits that changed it, linked as `git log -- <path>` simplifies them."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pygit2


def file_versions(
    order: Sequence[str], parents: Mapping[str, Sequence[str]], blobs: Mapping[str, str | None]
) -> list[tuple[str, tuple[str, ...]]]:
    """The versions of a file, newest first, each with its children among the versions.

    `order` lists commits children first (a topological walk from the tip), `parents` gives each
    commit's parents, `blobs` the file's state in each commit (blob and mode; None: no file there).
    A commit is a version when it has the file and its state differs from the one in every parent (a
    merge that kept one side's file is not). A version's parents are the nearest versions on each
    parent line.
    """
    nearest: dict[str, frozenset[str]] = {}
    versions: set[str] = set()
    for commit in reversed(order):
        blob = blobs.get(commit)
        own = [p for p in parents.get(commit, ()) if p in blobs]
        if blob is not None and all(blobs[p] != blob for p in own):
            versions.add(commit)
            nearest[commit] = frozenset((commit,))
        else:
            nearest[commit] = frozenset().union(*(nearest[p] for p in own))
    children: dict[str, list[str]] = {}
    for commit in order:
        if commit in versions:
            for parent in frozenset().union(*(nearest[p] for p in parents.get(commit, ()) if p in nearest)):
                children.setdefault(parent, []).append(commit)
    return [(commit, tuple(children.get(commit, ()))) for commit in order if commit in versions]


def walk(
    repo: pygit2.Repository, tip: str, path: str
) -> tuple[list[str], dict[str, list[str]], dict[str, str | None]]:
    """The commits reachable from `tip`, children first, their parents and the file's state at
    `path` ("<blob id> <mode>", None when there is no file there)."""
    order: list[str] = []
    parents: dict[str, list[str]] = {}
    blobs: dict[str, str | None] = {}
    sorting = pygit2.enums.SortMode.TOPOLOGICAL | pygit2.enums.SortMode.TIME
    for commit in repo.walk(pygit2.Oid(hex=tip), sorting):
        key = str(commit.id)
        order.append(key)
        parents[key] = [str(p) for p in commit.parent_ids]
        try:
            found = commit.tree[path]
        except KeyError:
            found = None
        blobs[key] = f"{found.id} {found.filemode:o}" if isinstance(found, pygit2.Blob) else None
    return order, parents, blobs
