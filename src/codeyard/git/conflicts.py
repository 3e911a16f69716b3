"""The conflicts of one merge: which paths conflict at a detail level, what a strategy or the
caller's resolution makes of each, and the merged tree.

libgit2 merges the trees (no rename detection, so that paths line up with the file-level view).
The paths it reports in conflict and the paths both sides changed differently are then judged
here: at LINE_LEVEL a path conflicts when its lines, modes or object types do not merge; at
FILE_LEVEL as soon as both sides changed its content, even where the lines merge cleanly."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass

import pygit2
from pygit2.enums import FileMode, MergeFavor, MergeFlag

from codeyard.git.entries import MODES, NORMAL, TREE, Entry, lookup, tree
from codeyard.store.ports.git_merges import (
    ACCEPT_DESTINATION,
    ACCEPT_SOURCE,
    AUTOMERGE,
    FILE_LEVEL,
    KEEP_BASE,
    KEEP_DESTINATION,
    KEEP_SOURCE,
    ConflictResolution,
    ReplaceContent,
    ResolutionRejected,
)


@dataclass(frozen=True)
class Outcome:
    """What the merged tree holds at a path: an entry, or nothing (None)."""

    entry: Entry | None


@dataclass(frozen=True)
class PathState:
    path: str
    base: Entry | None
    source: Entry | None
    destination: Entry | None
    content_conflict: bool
    mode_conflict: bool
    type_conflict: bool

    @property
    def is_conflict(self) -> bool:
        return self.content_conflict or self.mode_conflict or self.type_conflict

    def side(self, name: str) -> Entry | None:
        return {KEEP_BASE: self.base, KEEP_SOURCE: self.source, KEEP_DESTINATION: self.destination}[name]


class TreeMerge:
    """The merge of `source` into `destination` from `base` (three trees of one repository)."""

    def __init__(
        self,
        repo: pygit2.Repository,
        base: pygit2.Tree,
        source: pygit2.Tree,
        destination: pygit2.Tree,
        level: str,
    ) -> None:
        self.repo, self.level = repo, level
        self.trees = (base, source, destination)
        self.index = repo.merge_trees(base, destination, source, flags=MergeFlag(0))
        candidates = {
            next(e.path for e in entries if e is not None) for entries in self.index.conflicts or ()
        }
        # Paths libgit2 merged silently may still conflict here (two modes for one added file).
        candidates |= self._changed_on_both_sides()
        self.states = {path: self.state(path) for path in sorted(candidates)}
        self.conflicts = {path: state for path, state in self.states.items() if state.is_conflict}

    def _changed_on_both_sides(self) -> set[str]:
        base, source, destination = self.trees
        changed = [
            {delta.new_file.path for delta in base.diff_to_tree(side).deltas}
            for side in (source, destination)
        ]
        return {path for path in changed[0] & changed[1] if lookup(source, path) != lookup(destination, path)}

    # --- one path ------------------------------------------------------------------------------

    def state(self, path: str) -> PathState:
        base, source, destination = (lookup(tree, path) for tree in self.trees)
        both = source is not None and destination is not None
        type_conflict = both and source.kind != destination.kind  # type: ignore[union-attr]
        mode_conflict = self.merged_mode(base, source, destination) is None
        if self.level == FILE_LEVEL:
            content_conflict = (source.oid if source else None) != (destination.oid if destination else None)
        else:
            content_conflict = not type_conflict and self.merged_content(base, source, destination) is None
        return PathState(path, base, source, destination, content_conflict, mode_conflict, type_conflict)

    @staticmethod
    def merged_mode(base: Entry | None, source: Entry | None, destination: Entry | None) -> int | None:
        """The file mode both sides agree on (None: they changed it differently); 0 when no
        mode applies (a side deleted the path, or it is not a file on both sides)."""
        if source is None or destination is None or source.kind != "FILE" or destination.kind != "FILE":
            return 0
        if source.filemode == destination.filemode:
            return source.filemode
        if base is not None and base.filemode == source.filemode:
            return destination.filemode
        if base is not None and base.filemode == destination.filemode:
            return source.filemode
        return None

    def merged_content(
        self,
        base: Entry | None,
        source: Entry | None,
        destination: Entry | None,
        favor: MergeFavor = MergeFavor.NORMAL,
    ) -> Outcome | None:
        """The content both sides' changes make together, or None when they conflict."""
        if (source is None) != (destination is None):
            present = source or destination
            if base is None:  # added on one side only
                return Outcome(present)
            # deleted on one side: fine if the other left it alone, a conflict if it changed it
            return Outcome(None) if present == base else None
        if source is None or destination is None:
            return Outcome(None)
        if source.oid == destination.oid or (base is not None and base.oid == source.oid):
            return Outcome(destination)
        if base is not None and base.oid == destination.oid:
            return Outcome(source)
        if not (source.has_lines and destination.has_lines and source.kind == destination.kind):
            return None
        merged = self._merge_blobs(base, source, destination, favor)
        return None if merged is None else Outcome(Entry(merged, destination.filemode))

    def _merge_blobs(
        self, base: Entry | None, source: Entry, destination: Entry, favor: MergeFavor
    ) -> pygit2.Oid | None:
        trees = []
        for entry in (base, destination, source):
            builder = self.repo.TreeBuilder()
            if entry is not None and entry.has_lines:
                builder.insert("f", entry.oid, NORMAL)
            trees.append(tree(self.repo, builder.write()))
        index = self.repo.merge_trees(trees[0], trees[1], trees[2], favor=favor, flags=MergeFlag(0))
        if index.conflicts is not None:
            return None
        return index["f"].id

    # --- outcomes ------------------------------------------------------------------------------

    def automatic(self, state: PathState, mode: int | None = None) -> Outcome | None:
        """The line-by-line merge of a path (with `mode` when given), or None if it conflicts."""
        if state.type_conflict:
            return None
        merged = self.merged_content(state.base, state.source, state.destination)
        filemode = mode or self.merged_mode(state.base, state.source, state.destination)
        if merged is None or filemode is None:
            return None
        if merged.entry is None or not filemode:
            return merged
        return Outcome(Entry(merged.entry.oid, filemode))

    def by_strategy(self, state: PathState, strategy: str) -> Outcome | None:
        if not state.is_conflict:
            return self.automatic(state)
        if strategy in (ACCEPT_SOURCE, ACCEPT_DESTINATION):
            favored = state.source if strategy == ACCEPT_SOURCE else state.destination
            if (
                self.level == FILE_LEVEL
                or state.type_conflict
                or state.source is None
                or state.destination is None
            ):
                return Outcome(favored)
            favor = MergeFavor.THEIRS if strategy == ACCEPT_SOURCE else MergeFavor.OURS
            merged = self.merged_content(state.base, state.source, state.destination, favor)
            if merged is None or merged.entry is None or favored is None:
                return Outcome(favored)
            mode = self.merged_mode(state.base, state.source, state.destination) or favored.filemode
            return Outcome(Entry(merged.entry.oid, mode))
        if strategy == AUTOMERGE:
            return self.automatic(state)
        return None

    def resolve(
        self, strategy: str, resolution: ConflictResolution | None
    ) -> tuple[dict[str, Outcome], list[str]]:
        """The outcome of every path that needs one, and the conflicts left unresolved."""
        fixes: dict[str, ReplaceContent | str | None] = {}
        if resolution is not None:
            fixes.update({entry.path: entry for entry in resolution.replace_contents})
            fixes.update(dict.fromkeys(resolution.delete_files))
            fixes.update(dict(resolution.set_file_modes))
        strays = sorted(path for path in fixes if path not in self.conflicts)
        if strays:
            raise ResolutionRejected(f"These files are not in conflict: {', '.join(strays)}.")
        outcomes: dict[str, Outcome] = {}
        unresolved: list[str] = []
        for path, state in self.states.items():
            if path in fixes:
                outcome = self._fixed(state, strategy, fixes[path])
            else:
                outcome = self.by_strategy(state, strategy)
            if outcome is None:
                unresolved.append(path)
            else:
                outcomes[path] = outcome
        return outcomes, unresolved

    def _fixed(self, state: PathState, strategy: str, fix: ReplaceContent | str | None) -> Outcome | None:
        if fix is None:  # deleteFiles
            return Outcome(None)
        if isinstance(fix, str):  # setFileModes: the content must be settled otherwise
            outcome = self.by_strategy(state, strategy)
            if outcome is None and not (state.content_conflict or state.type_conflict):
                outcome = self.automatic(state, MODES[fix])
            if outcome is None:
                return None
            return Outcome(self._with_mode(state.path, outcome.entry, MODES[fix]))
        mode = MODES[fix.file_mode] if fix.file_mode else None
        if fix.content is not None:  # USE_NEW_CONTENT
            default = next(
                (e.filemode for e in (state.destination, state.source) if e and e.has_lines), NORMAL
            )
            return Outcome(Entry(self.repo.create_blob(fix.content), mode or default))
        kept = state.side(fix.replacement_type)
        return Outcome(kept if mode is None else self._with_mode(state.path, kept, mode))

    @staticmethod
    def _with_mode(path: str, entry: Entry | None, mode: int) -> Entry:
        if entry is None or not entry.has_lines:
            raise ResolutionRejected(f"{path} is not a file in the merge result: its mode cannot be set.")
        return Entry(entry.oid, mode)

    # --- the tree ------------------------------------------------------------------------------

    def write_tree(self, outcomes: dict[str, Outcome]) -> pygit2.Oid:
        index = self.index
        for path, outcome in outcomes.items():
            conflicts = index.conflicts
            if conflicts is not None and path in conflicts:
                del conflicts[path]
            with contextlib.suppress(OSError):
                index.remove(path)
            index.remove_directory(path)
            if outcome.entry is not None:
                for sub, oid, mode in self._blobs(path, outcome.entry):
                    index.add(pygit2.IndexEntry(sub, oid, FileMode(mode)))
        return index.write_tree(self.repo)

    def _blobs(self, path: str, entry: Entry) -> Iterator[tuple[str, pygit2.Oid, int]]:
        if entry.filemode != TREE:
            yield path, entry.oid, entry.filemode
            return
        for child in tree(self.repo, entry.oid):
            yield from self._blobs(f"{path}/{child.name}", Entry(child.id, child.filemode))
