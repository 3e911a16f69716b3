"""Tree editing with pygit2 tree builders: only the folders on the edited paths are rewritten."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import pygit2

from codeyard.store.ports.git_objects import BLOB, MODE_FILE, MODE_TREE, PutBlob, TreeEntry

GITKEEP = ".gitkeep"


@dataclass
class _Edits:
    """The edits under one folder, by name: puts and deletes here, and edits of subfolders."""

    puts: dict[str, PutBlob] = field(default_factory=dict)
    deletes: set[str] = field(default_factory=set)
    below: dict[str, _Edits] = field(default_factory=dict)


def _group(puts: Sequence[PutBlob], deletes: Sequence[str]) -> _Edits:
    root = _Edits()

    def folder(parts: list[str]) -> _Edits:
        node = root
        for part in parts:
            node = node.below.setdefault(part, _Edits())
        return node

    for path in deletes:
        *parents, name = path.split("/")
        folder(parents).deletes.add(name)
    for put in puts:
        *parents, name = put.path.split("/")
        folder(parents).puts[name] = put
    return root


def edit_tree(
    repo: pygit2.Repository,
    base: pygit2.Tree | None,
    puts: Sequence[PutBlob],
    deletes: Sequence[str],
    keep_empty_folders: bool,
) -> tuple[str, list[TreeEntry]]:
    """The id of `base` edited, and the `.gitkeep` entries added to keep emptied folders."""
    kept: list[TreeEntry] = []
    oid = _edit(repo, base, _group(puts, deletes), "", keep_empty_folders, kept)
    if oid is None:  # the root stays, even empty
        oid = repo.TreeBuilder().write()
    return str(oid), kept


def _edit(
    repo: pygit2.Repository,
    base: pygit2.Tree | None,
    edits: _Edits,
    prefix: str,
    keep: bool,
    kept: list[TreeEntry],
) -> pygit2.Oid | None:
    builder = repo.TreeBuilder(base) if base is not None else repo.TreeBuilder()
    for name in edits.deletes:
        if builder.get(name) is not None:
            builder.remove(name)
    for name, below in sorted(edits.below.items()):
        existing = builder.get(name)
        subtree = existing if isinstance(existing, pygit2.Tree) else None
        edited = _edit(repo, subtree, below, f"{prefix}{name}/", keep, kept)
        if edited is not None:
            builder.insert(name, edited, MODE_TREE)
        elif existing is not None:
            builder.remove(name)
    for name, put in edits.puts.items():
        builder.insert(name, pygit2.Oid(hex=put.blob_id), put.mode)
    if len(builder) == 0 and prefix:
        if not (keep and base is not None):
            return None
        blob = repo.create_blob(b"")
        builder.insert(GITKEEP, blob, MODE_FILE)
        kept.append(TreeEntry(prefix + GITKEEP, str(blob), MODE_FILE, BLOB))
    oid: pygit2.Oid = builder.write()
    return oid
