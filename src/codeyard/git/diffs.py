"""Differences between two trees (or two entries), walked in-process: identical subtrees are skipped
by id, a path that changes between file and folder is a deletion plus additions."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

import pygit2

from codeyard.store.ports.git_objects import Difference, TreeEntry

# One side of a comparison: the entries of a folder by name, or one file as the single name "".
Side = Mapping[str, pygit2.Object]


def side_of(repo: pygit2.Repository, commit: pygit2.Commit | None, path: str) -> Side | None:
    """The side `path` names in `commit` (the root when ""); None when nothing is there."""
    if commit is None:
        return None
    if not path:
        return _children(commit.tree)
    try:
        found = commit.tree[path]
    except KeyError:
        return None
    if isinstance(found, pygit2.Tree):
        return _children(found)
    return {"": found}


def _children(tree: pygit2.Tree) -> dict[str, pygit2.Object]:
    return {entry.name or "": entry for entry in tree}


def _join(base: str, rel: str) -> str:
    if not rel:
        return base
    return f"{base}/{rel}" if base else rel


def _entry(obj: pygit2.Object, path: str) -> TreeEntry:
    return TreeEntry(path, str(obj.id), int(obj.filemode), obj.type_str)


def differences(
    repo: pygit2.Repository, before: Side | None, after: Side | None, before_path: str, after_path: str
) -> list[Difference]:
    """The changes from `before` to `after`, sorted by path; entries carry full paths."""
    out: list[Difference] = []
    for rel, old, new in _walk(repo, before or {}, after or {}, ""):
        old_entry = _entry(old, _join(before_path, rel)) if old is not None else None
        new_entry = _entry(new, _join(after_path, rel)) if new is not None else None
        change = "A" if old_entry is None else "D" if new_entry is None else "M"
        out.append(Difference(change, old_entry, new_entry))
    out.sort(key=_path_of)
    return out


def _path_of(difference: Difference) -> str:
    entry = difference.after or difference.before
    return entry.path if entry is not None else ""


def _walk(
    repo: pygit2.Repository, before: Side, after: Side, prefix: str
) -> Iterator[tuple[str, pygit2.Object | None, pygit2.Object | None]]:
    for name in sorted(before.keys() | after.keys()):
        old, new = before.get(name), after.get(name)
        if old is not None and new is not None and old.id == new.id and old.filemode == new.filemode:
            continue
        rel = _join(prefix, name)
        old_tree = old if isinstance(old, pygit2.Tree) else None
        new_tree = new if isinstance(new, pygit2.Tree) else None
        if old_tree is not None or new_tree is not None:
            yield from _walk(
                repo,
                _children(old_tree) if old_tree is not None else {},
                _children(new_tree) if new_tree is not None else {},
                rel,
            )
        old_leaf = old if old is not None and old_tree is None else None
        new_leaf = new if new is not None and new_tree is None else None
        if old_leaf is not None or new_leaf is not None:
            yield rel, old_leaf, new_leaf
