"""The changes of one API commit (PutFile, DeleteFile, CreateCommit): their checks against the
request and against the parent's tree, and the tree edits and file lists they come to."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from codeyard.services.codecommit import paths
from codeyard.services.codecommit.errors import (
    DirectoryNameConflictsWithFileNameException,
    FileContentSizeLimitExceededException,
    FileDoesNotExistException,
    FileEntryRequiredException,
    FileNameConflictsWithDirectoryNameException,
    FilePathConflictsWithSubmodulePathException,
    FolderContentSizeLimitExceededException,
    MaximumFileEntriesExceededException,
    PutFileEntryConflictException,
    RestrictedSourceFileException,
    SamePathRequestException,
)
from codeyard.store.ports.git_objects import BLOB, GITLINK, MODE_FILE, TREE, PutBlob, TreeEntry

MAX_FILE_SIZE = 6 * 1024 * 1024
MAX_FOLDER_CHANGE = 6 * 1024 * 1024
MAX_COMMIT_CHANGE = 7 * 1024 * 1024
MAX_ENTRIES = 100
GITKEEP = ".gitkeep"


@dataclass(frozen=True)
class PutFile:
    """A file to write: new `content`, or the parent's file at `source` copied (or moved)."""

    path: str
    mode: int | None = None
    content: bytes | None = None
    source: str | None = None
    move: bool = False


@dataclass(frozen=True)
class Changes:
    puts: tuple[PutFile, ...] = ()
    deletes: tuple[str, ...] = ()
    modes: tuple[tuple[str, int], ...] = ()

    def check(self) -> None:
        """What can be told from the request alone (paths are already normalized)."""
        count = len(self.puts) + len(self.deletes) + len(self.modes)
        if not count:
            raise FileEntryRequiredException("The commit has no files to add, update, delete or change.")
        if count > MAX_ENTRIES:
            raise MaximumFileEntriesExceededException(
                f"A commit can change at most {MAX_ENTRIES} files; this one names {count}."
            )
        touched = [put.path for put in self.puts] + list(self.deletes) + [path for path, _ in self.modes]
        touched += [put.source for put in self.puts if put.source is not None and put.move]
        seen: set[str] = set()
        for path in touched:
            if path in seen:
                raise SamePathRequestException(f"The path {path} is named by more than one change.")
            seen.add(path)
        written = {put.path for put in self.puts} | {path for path, _ in self.modes}
        for path in written:
            for parent in paths.parents(path):
                if parent in written:
                    raise PutFileEntryConflictException(
                        f"The path {parent} is both a file and the folder of {path} in this commit."
                    )
        for put in self.puts:
            if put.source is not None and put.source.rpartition("/")[2] == GITKEEP:
                raise RestrictedSourceFileException(f"The file {put.source} cannot be copied or moved.")
        self._check_sizes()

    def _check_sizes(self) -> None:
        total = 0
        folders: dict[str, int] = {}
        for put in self.puts:
            size = len(put.content or b"")
            if size > MAX_FILE_SIZE:
                raise FileContentSizeLimitExceededException(
                    f"The file {put.path} is {size} bytes: the limit is {MAX_FILE_SIZE} bytes."
                )
            folder = put.path.rpartition("/")[0]
            folders[folder] = folders.get(folder, 0) + size
            if folders[folder] > MAX_FOLDER_CHANGE:
                raise FolderContentSizeLimitExceededException(
                    f"The changes to the folder '{folder}' come to more than {MAX_FOLDER_CHANGE} bytes."
                )
            total += size
        if total > MAX_COMMIT_CHANGE:
            raise FileContentSizeLimitExceededException(
                f"The file contents of the commit come to {total} bytes: the limit is {MAX_COMMIT_CHANGE}."
            )

    def lookups(self) -> list[str]:
        """The paths whose entries in the parent's tree `plan` needs."""
        wanted: list[str] = []
        for put in self.puts:
            wanted += [*paths.parents(put.path), put.path]
            if put.source is not None:
                wanted.append(put.source)
        wanted += list(self.deletes) + [path for path, _ in self.modes]
        return list(dict.fromkeys(wanted))


@dataclass(frozen=True)
class Plan:
    """Tree edits, the new blobs they need by id, and what the commit adds, updates and deletes."""

    puts: tuple[PutBlob, ...]
    deletes: tuple[str, ...]
    blobs: Mapping[str, bytes] = field(default_factory=dict)
    added: tuple[TreeEntry, ...] = ()
    updated: tuple[TreeEntry, ...] = ()
    deleted: tuple[TreeEntry, ...] = ()

    @property
    def changes_anything(self) -> bool:
        return bool(self.added or self.updated or self.deleted)


def _file(existing: Mapping[str, TreeEntry], path: str) -> TreeEntry:
    entry = existing.get(path)
    if entry is None or entry.kind != BLOB:
        raise FileDoesNotExistException(f"The file {path} does not exist.")
    return entry


def _check_target(existing: Mapping[str, TreeEntry], path: str, removed: set[str]) -> TreeEntry | None:
    for parent in paths.parents(path):
        entry = existing.get(parent)
        if entry is None or parent in removed:
            continue
        if entry.kind == GITLINK:
            raise FilePathConflictsWithSubmodulePathException(f"The path {parent} is a submodule.")
        if entry.kind == BLOB:
            raise DirectoryNameConflictsWithFileNameException(
                f"The folder {parent} of {path} has the name of a file."
            )
    entry = existing.get(path)
    if entry is not None and entry.kind == TREE:
        raise FileNameConflictsWithDirectoryNameException(f"The file {path} has the name of a folder.")
    if entry is not None and entry.kind == GITLINK:
        raise FilePathConflictsWithSubmodulePathException(f"The path {path} is a submodule.")
    return entry if path not in removed else None


def plan(changes: Changes, existing: Mapping[str, TreeEntry], hash_blob: Callable[[bytes], str]) -> Plan:
    """Check `changes` against the parent's entries (see Changes.lookups) and plan the tree edits."""
    deleted = [_file(existing, path) for path in changes.deletes]
    sources = {put.source: _file(existing, put.source) for put in changes.puts if put.source is not None}
    deleted += [sources[put.source] for put in changes.puts if put.source is not None and put.move]
    removed = {entry.path for entry in deleted}
    puts: list[PutBlob] = []
    blobs: dict[str, bytes] = {}
    added: list[TreeEntry] = []
    updated: list[TreeEntry] = []
    for put in changes.puts:
        before = _check_target(existing, put.path, removed)
        if put.source is not None:
            source = sources[put.source]
            blob_id, mode = source.object_id, put.mode or source.mode
        else:
            content = put.content or b""
            blob_id = hash_blob(content)
            blobs[blob_id] = content
            mode = put.mode or (before.mode if before is not None else MODE_FILE)
        after = TreeEntry(put.path, blob_id, mode, BLOB)
        puts.append(PutBlob(put.path, blob_id, mode))
        if before is None:
            added.append(after)
        elif (before.object_id, before.mode) != (blob_id, mode):
            updated.append(after)
    for path, mode in changes.modes:
        before = _file(existing, path)
        if before.mode != mode:
            puts.append(PutBlob(path, before.object_id, mode))
            updated.append(TreeEntry(path, before.object_id, mode, BLOB))
    return Plan(
        puts=tuple(puts),
        deletes=tuple(sorted(removed)),
        blobs=blobs,
        added=tuple(added),
        updated=tuple(updated),
        deleted=tuple(deleted),
    )
