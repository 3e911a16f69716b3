"""Git objects as the CodeCommit API reads and writes them (implemented in codeyard.git.objects).

Ids are 40-character hex strings, paths are relative to the repository root without a leading
slash ("" is the root), modes are git's integer file modes (0o100644, 0o100755, 0o120000, 0o040000,
0o160000)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

BLOB = "blob"
TREE = "tree"
GITLINK = "commit"  # a submodule entry points at a commit

MODE_FILE = 0o100644
MODE_EXECUTABLE = 0o100755
MODE_SYMLINK = 0o120000
MODE_TREE = 0o040000
MODE_GITLINK = 0o160000


@dataclass(frozen=True)
class Identity:
    """A commit's author or committer: `time` in epoch seconds, `offset` in minutes east of UTC."""

    name: str
    email: str
    time: int
    offset: int = 0


@dataclass(frozen=True)
class CommitInfo:
    commit_id: str
    tree_id: str
    parents: tuple[str, ...]
    message: str
    author: Identity
    committer: Identity


@dataclass(frozen=True)
class TreeEntry:
    """One entry of a tree: `kind` is BLOB, TREE or GITLINK; `path` is its full path."""

    path: str
    object_id: str
    mode: int
    kind: str

    @property
    def name(self) -> str:
        return self.path.rpartition("/")[2]


@dataclass(frozen=True)
class FileObject:
    """A blob found at a path, with its content."""

    path: str
    blob_id: str
    mode: int
    size: int
    content: bytes


@dataclass(frozen=True)
class FolderListing:
    tree_id: str
    entries: tuple[TreeEntry, ...]


@dataclass(frozen=True)
class PutBlob:
    """A tree edit: the blob `blob_id` at `path` with `mode` (parent folders created as needed)."""

    path: str
    blob_id: str
    mode: int


@dataclass(frozen=True)
class WrittenTree:
    """A tree written from edits; `kept` are the `.gitkeep` files added to folders the deletes
    emptied (only when empty folders are kept)."""

    tree_id: str
    kept: tuple[TreeEntry, ...] = ()


@dataclass(frozen=True)
class Difference:
    """One changed path: `before`/`after` are None for an addition/deletion; `change` A, M or D."""

    change: str
    before: TreeEntry | None
    after: TreeEntry | None


# The kinds of a diff line, as git marks them.
LINE_CONTEXT = " "
LINE_ADD = "+"
LINE_DELETE = "-"


@dataclass(frozen=True)
class DiffLine:
    """One line of a hunk: `kind` LINE_CONTEXT, LINE_ADD or LINE_DELETE; the 1-based line numbers on
    each side (None on the side the line is not in); its bytes without the trailing newline."""

    kind: str
    before_line: int | None
    after_line: int | None
    content: bytes


@dataclass(frozen=True)
class DiffHunk:
    """A run of changed lines with their context, numbered as git's `@@ -start,count +start,count @@`:
    a side with no lines starts at the line before the change (0 at the top of the file)."""

    before_start: int
    before_count: int
    after_start: int
    after_count: int
    lines: tuple[DiffLine, ...]


@dataclass(frozen=True)
class BlobDiff:
    """A line diff of two blobs; no hunks when `binary` (either side has a NUL in its first 8,000
    bytes, as git decides)."""

    binary: bool
    hunks: tuple[DiffHunk, ...]


@dataclass(frozen=True)
class FileVersion:
    """A commit that changed a file (as `git log` simplifies history), the file's blob there, and
    the later versions in the listed history that follow from it."""

    commit: CommitInfo
    blob_id: str
    path: str
    children: tuple[str, ...]


class GitObjects(Protocol):
    """Files, folders, blobs, commits and differences of one repository at a time."""

    def commit_info(self, repository_id: str, commit_id: str) -> CommitInfo | None:
        """The commit with this full id; None if there is no such commit."""
        ...

    def entries(self, repository_id: str, commit_id: str, paths: Sequence[str]) -> dict[str, TreeEntry]:
        """The entries found at `paths` in the commit's tree (paths with no entry are left out)."""
        ...

    def read_file(self, repository_id: str, commit_id: str, path: str, limit: int) -> FileObject | None:
        """The blob at `path` (None if none); its content is left empty when larger than `limit`."""
        ...

    def folder(self, repository_id: str, commit_id: str, path: str) -> FolderListing | None:
        """The entries of the tree at `path` ("" = root), by name; None if it is not a folder."""
        ...

    def blob_size(self, repository_id: str, blob_id: str) -> int | None:
        """The size of the blob; None if there is no blob with this id."""
        ...

    def blob(self, repository_id: str, blob_id: str) -> bytes | None: ...

    def hash_blob(self, content: bytes) -> str:
        """The id `content` has (or would have) as a blob."""
        ...

    def write_blob(self, repository_id: str, content: bytes) -> str: ...

    def write_tree(
        self,
        repository_id: str,
        base_tree: str | None,
        puts: Sequence[PutBlob],
        deletes: Sequence[str],
        *,
        keep_empty_folders: bool,
    ) -> WrittenTree:
        """`base_tree` (None: empty) with `deletes` removed and `puts` added. Folders left empty are
        dropped, or given an empty `.gitkeep` when `keep_empty_folders`. The caller has checked that
        the edits fit the tree (no file where a folder is needed and so on)."""
        ...

    def write_commit(
        self,
        repository_id: str,
        tree_id: str,
        parents: Sequence[str],
        message: str,
        author: Identity,
        committer: Identity,
    ) -> str:
        """A new commit object; no ref moves."""
        ...

    def differences(
        self,
        repository_id: str,
        before_commit: str | None,
        after_commit: str,
        before_path: str,
        after_path: str,
    ) -> list[Difference] | None:
        """What changed from `before_path` in `before_commit` (None: nothing) to `after_path` in
        `after_commit` ("" = the whole tree; a path may name a folder or a file), by path.
        Entries carry full paths. None when neither path exists on its side."""
        ...

    def blob_diff(
        self,
        repository_id: str,
        before_blob_id: str | None,
        after_blob_id: str,
        *,
        context_lines: int,
        ignore_whitespace: bool,
    ) -> BlobDiff:
        """The hunks of `git diff -U<context_lines>` (with `-w` when `ignore_whitespace`) from the
        blob `before_blob_id` (None: an added file) to `after_blob_id`. The caller has checked
        that both blobs exist (KeyError otherwise)."""
        ...

    def file_history(self, repository_id: str, commit_id: str, path: str) -> list[FileVersion]:
        """The commits reachable from `commit_id` that changed the file at `path`, newest first."""
        ...
