"""Reading and writing git objects for the CodeCommit API: files, folders, blobs, commits, diffs."""

from __future__ import annotations

import contextlib
import re
from collections.abc import Sequence

import pygit2

from codeyard.git import diffs, history, line_diffs, trees
from codeyard.git.base import GitStorageBase
from codeyard.store.ports.git_objects import (
    BlobDiff,
    CommitInfo,
    Difference,
    FileObject,
    FileVersion,
    FolderListing,
    Identity,
    PutBlob,
    TreeEntry,
    WrittenTree,
)

_HEX40 = re.compile(r"[0-9a-f]{40}")
# What a git signature cannot hold: the brackets around the email and line breaks.
_SIGNATURE_CRUD = re.compile(r"[<>\n\r\x00]")


def _identity(signature: pygit2.Signature) -> Identity:
    return Identity(
        name=signature.raw_name.decode(errors="replace"),
        email=signature.raw_email.decode(errors="replace"),
        time=int(signature.time),
        offset=int(signature.offset),
    )


def _signature_line(who: Identity) -> str:
    sign = "-" if who.offset < 0 else "+"
    hours, minutes = divmod(abs(who.offset), 60)
    name = _SIGNATURE_CRUD.sub("", who.name).strip()
    email = _SIGNATURE_CRUD.sub("", who.email).strip()
    return f"{name} <{email}> {who.time} {sign}{hours:02}{minutes:02}"


def _entry(obj: pygit2.Object, path: str) -> TreeEntry:
    return TreeEntry(path, str(obj.id), int(obj.filemode), obj.type_str)


class ObjectStorage(GitStorageBase):
    """Implements store.ports.git_objects.GitObjects."""

    def _commit(self, repo: pygit2.Repository, commit_id: str) -> pygit2.Commit | None:
        if not _HEX40.fullmatch(commit_id):
            return None
        found = repo.get(commit_id)
        return found if isinstance(found, pygit2.Commit) else None

    def _required_commit(self, repo: pygit2.Repository, commit_id: str) -> pygit2.Commit:
        commit = self._commit(repo, commit_id)
        if commit is None:
            raise KeyError(f"no commit {commit_id}")
        return commit

    def commit_info(self, repository_id: str, commit_id: str) -> CommitInfo | None:
        commit = self._commit(self.open(repository_id), commit_id)
        return None if commit is None else self._info(commit)

    @staticmethod
    def _info(commit: pygit2.Commit) -> CommitInfo:
        return CommitInfo(
            commit_id=str(commit.id),
            tree_id=str(commit.tree_id),
            parents=tuple(str(p) for p in commit.parent_ids),
            message=commit.raw_message.decode(errors="replace"),
            author=_identity(commit.author),
            committer=_identity(commit.committer),
        )

    def entries(self, repository_id: str, commit_id: str, paths: Sequence[str]) -> dict[str, TreeEntry]:
        tree = self._required_commit(self.open(repository_id), commit_id).tree
        out: dict[str, TreeEntry] = {}
        for path in paths:
            if not path:
                continue
            with contextlib.suppress(KeyError):
                out[path] = _entry(tree[path], path)
        return out

    def read_file(self, repository_id: str, commit_id: str, path: str, limit: int) -> FileObject | None:
        repo = self.open(repository_id)
        try:
            found = self._required_commit(repo, commit_id).tree[path]
        except KeyError:
            return None
        if not isinstance(found, pygit2.Blob):
            return None
        _, size = repo.odb.read_header(found.id)
        content = bytes(found.data) if size <= limit else b""
        return FileObject(path, str(found.id), int(found.filemode), int(size), content)

    def folder(self, repository_id: str, commit_id: str, path: str) -> FolderListing | None:
        tree: pygit2.Object = self._required_commit(self.open(repository_id), commit_id).tree
        if path:
            try:
                tree = tree[path]  # type: ignore[index]
            except KeyError:
                return None
        if not isinstance(tree, pygit2.Tree):
            return None
        prefix = f"{path}/" if path else ""
        return FolderListing(str(tree.id), tuple(_entry(obj, prefix + (obj.name or "")) for obj in tree))

    def blob_size(self, repository_id: str, blob_id: str) -> int | None:
        if not _HEX40.fullmatch(blob_id):
            return None
        try:
            kind, size = self.open(repository_id).odb.read_header(blob_id)
        except (KeyError, ValueError):
            return None
        return int(size) if kind == pygit2.enums.ObjectType.BLOB else None

    def blob(self, repository_id: str, blob_id: str) -> bytes | None:
        if not _HEX40.fullmatch(blob_id):
            return None
        found = self.open(repository_id).get(blob_id)
        return bytes(found.data) if isinstance(found, pygit2.Blob) else None

    def hash_blob(self, content: bytes) -> str:
        return str(pygit2.hash(content))

    def write_blob(self, repository_id: str, content: bytes) -> str:
        return str(self.open(repository_id).create_blob(content))

    def write_tree(
        self,
        repository_id: str,
        base_tree: str | None,
        puts: Sequence[PutBlob],
        deletes: Sequence[str],
        *,
        keep_empty_folders: bool,
    ) -> WrittenTree:
        repo = self.open(repository_id)
        base = repo.get(base_tree) if base_tree else None
        if base is not None and not isinstance(base, pygit2.Tree):
            raise KeyError(f"no tree {base_tree}")
        tree_id, kept = trees.edit_tree(repo, base, puts, deletes, keep_empty_folders)
        return WrittenTree(tree_id, tuple(kept))

    def write_commit(
        self,
        repository_id: str,
        tree_id: str,
        parents: Sequence[str],
        message: str,
        author: Identity,
        committer: Identity,
    ) -> str:
        # Written as raw text rather than with pygit2.Signature, which refuses the empty email that
        # AWS leaves when none is given (git itself accepts "Name <>").
        lines = [f"tree {tree_id}", *(f"parent {p}" for p in parents)]
        lines += [f"author {_signature_line(author)}", f"committer {_signature_line(committer)}"]
        raw = "\n".join(lines).encode() + b"\n\n" + message.encode()
        oid = self.open(repository_id).odb.write(pygit2.enums.ObjectType.COMMIT, raw)
        return str(oid)

    def differences(
        self,
        repository_id: str,
        before_commit: str | None,
        after_commit: str,
        before_path: str,
        after_path: str,
    ) -> list[Difference] | None:
        repo = self.open(repository_id)
        before = self._required_commit(repo, before_commit) if before_commit else None
        after = self._required_commit(repo, after_commit)
        before_side = diffs.side_of(repo, before, before_path)
        after_side = diffs.side_of(repo, after, after_path)
        if (before_path or after_path) and before_side is None and after_side is None:
            return None
        return diffs.differences(repo, before_side, after_side, before_path, after_path)

    def blob_diff(
        self,
        repository_id: str,
        before_blob_id: str | None,
        after_blob_id: str,
        *,
        context_lines: int,
        ignore_whitespace: bool,
    ) -> BlobDiff:
        before = self.blob(repository_id, before_blob_id) if before_blob_id is not None else None
        after = self.blob(repository_id, after_blob_id)
        if after is None or (before_blob_id is not None and before is None):
            raise KeyError(f"no blob {after_blob_id if after is None else before_blob_id}")
        return line_diffs.blob_diff(before, after, context_lines, ignore_whitespace)

    def file_history(self, repository_id: str, commit_id: str, path: str) -> list[FileVersion]:
        repo = self.open(repository_id)
        self._required_commit(repo, commit_id)
        order, parents, states = history.walk(repo, commit_id, path)
        out: list[FileVersion] = []
        for commit_id_, children in history.file_versions(order, parents, states):
            state = states[commit_id_] or ""
            info = self._info(self._required_commit(repo, commit_id_))
            out.append(FileVersion(info, state.partition(" ")[0], path, children))
        return out
