"""Merges as the CodeCommit API asks for them (implemented in codeyard.git.merges).

Sides are named as CodeCommit names them: the *source* is merged into the *destination*; the
*base* is their merge base. Commit ids are 40-character hex strings; the enum-like strings
(detail levels, strategies, file modes, object types, operations) are the AWS values."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

FILE_LEVEL = "FILE_LEVEL"
LINE_LEVEL = "LINE_LEVEL"
DETAIL_LEVELS = (FILE_LEVEL, LINE_LEVEL)

NONE = "NONE"
ACCEPT_SOURCE = "ACCEPT_SOURCE"
ACCEPT_DESTINATION = "ACCEPT_DESTINATION"
AUTOMERGE = "AUTOMERGE"
STRATEGIES = (NONE, ACCEPT_SOURCE, ACCEPT_DESTINATION, AUTOMERGE)

KEEP_BASE = "KEEP_BASE"
KEEP_SOURCE = "KEEP_SOURCE"
KEEP_DESTINATION = "KEEP_DESTINATION"
USE_NEW_CONTENT = "USE_NEW_CONTENT"
REPLACEMENT_TYPES = (KEEP_BASE, KEEP_SOURCE, KEEP_DESTINATION, USE_NEW_CONTENT)

FILE_MODES = ("NORMAL", "EXECUTABLE", "SYMLINK")


class TipsTooFarApart(Exception):
    """The two commits share no history, or too many commits lie between them and their base."""


class UnresolvedConflicts(Exception):
    """Conflicts are left that neither the strategy nor the caller's resolution settles."""

    def __init__(self, paths: Sequence[str]) -> None:
        super().__init__(", ".join(paths))
        self.paths = tuple(paths)


class ResolutionRejected(Exception):
    """A conflict resolution entry cannot apply (names no conflict, sets the mode of a deleted
    file...); the message says which and why."""


@dataclass(frozen=True)
class FileVersion:
    """A path in one of the three commits of a merge."""

    object_id: str
    object_type: str  # FILE | SYMBOLIC_LINK | GIT_LINK | DIRECTORY
    mode: str | None  # NORMAL | EXECUTABLE | SYMLINK; None for a folder or a submodule
    size: int | None  # bytes of a file or link; None otherwise
    is_binary: bool


@dataclass(frozen=True)
class MergeConflict:
    """The ConflictMetadata of one path. `resolved` says whether the strategy of the request
    settles it; a path described without being in conflict has every flag false."""

    path: str
    base: FileVersion | None
    source: FileVersion | None
    destination: FileVersion | None
    content_conflict: bool
    file_mode_conflict: bool
    object_type_conflict: bool
    number_of_conflicts: int
    resolved: bool
    source_operation: str | None  # A | M | D, None when the source left the path as in the base
    destination_operation: str | None

    @property
    def is_conflict(self) -> bool:
        return self.content_conflict or self.file_mode_conflict or self.object_type_conflict


@dataclass(frozen=True)
class HunkSide:
    """Lines [start_line, end_line) (zero-based) of one version, and their bytes."""

    start_line: int
    end_line: int
    content: bytes


@dataclass(frozen=True)
class MergeHunk:
    is_conflict: bool
    base: HunkSide | None
    source: HunkSide | None
    destination: HunkSide | None


@dataclass(frozen=True)
class FileDescription:
    conflict: MergeConflict
    hunks: tuple[MergeHunk, ...]


@dataclass(frozen=True)
class MergeAnalysis:
    source_commit: str
    destination_commit: str
    base_commit: str
    fast_forward: bool  # the destination is the source or an ancestor of it
    conflicts: tuple[MergeConflict, ...]  # the conflicts at the detail level, in path order

    @property
    def mergeable(self) -> bool:
        """Whether a squash or three-way merge needs no resolution from the caller."""
        return all(c.resolved for c in self.conflicts)


@dataclass(frozen=True)
class MergeDescription:
    analysis: MergeAnalysis
    files: tuple[FileDescription | None, ...]  # one per path asked for; None: in no version


@dataclass(frozen=True)
class ReplaceContent:
    path: str
    replacement_type: str  # one of REPLACEMENT_TYPES
    content: bytes | None = None  # USE_NEW_CONTENT only
    file_mode: str | None = None


@dataclass(frozen=True)
class ConflictResolution:
    """A caller's resolution of conflicts: each path appears at most once across the lists."""

    replace_contents: tuple[ReplaceContent, ...] = ()
    delete_files: tuple[str, ...] = ()
    set_file_modes: tuple[tuple[str, str], ...] = ()  # (path, file mode)


@dataclass(frozen=True)
class MergedCommit:
    commit_id: str
    tree_id: str
    base_commit: str


class GitMerges(Protocol):
    """Merge options, conflicts and merge commits of one repository at a time. Every method
    that merges raises TipsTooFarApart when the commits' histories are unrelated or more than
    `max_divergence` commits lie between one of them and the merge base."""

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
        """The merge base, whether a fast-forward is possible, and the conflicts."""
        ...

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
        """The analysis, and the conflict metadata and merge hunks of each path (conflicting or
        not; None for a path that is a file in none of the three commits)."""
        ...

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
        """Write the merge commit, moving no ref: parents (destination, source), or only the
        destination when `squash`. A squash without a message gets the source's commit messages.
        Raises UnresolvedConflicts or ResolutionRejected."""
        ...

    def find_merge_commit(self, repository_id: str, source: str, destination: str) -> str | None:
        """The commit of the destination's first-parent history that merged the source in (None
        when the source is not merged, or was fast-forwarded)."""
        ...

    def tree_of(self, repository_id: str, commit_id: str) -> str:
        """The root tree id of a commit."""
        ...

    def object_kind(self, repository_id: str, specifier: str) -> str | None:
        """What a specifier names: "commit", "tree", "blob", "tag", or None for nothing."""
        ...
