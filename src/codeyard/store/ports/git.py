"""The git repositories on disk, as the services see them: refs and commits by id.

The implementation is `codeyard.git.storage` (pygit2 and the git binary). Every commit, tree or
blob id is a 40-character hex string; every ref is a full name (`refs/heads/main`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

HEADS = "refs/heads/"
TAGS = "refs/tags/"


class RefUpdateRejected(Exception):
    """A ref was not where the caller expected it (another writer moved it first)."""


@dataclass(frozen=True)
class RefChange:
    """One ref before and after a change; `old` None = created, `new` None = deleted."""

    ref: str
    old: str | None
    new: str | None


def ref_changes(before: dict[str, str], after: dict[str, str]) -> list[RefChange]:
    """What changed between two snapshots of a repository's refs, in ref order."""
    changes: list[RefChange] = []
    for ref in sorted(before.keys() | after.keys()):
        old, new = before.get(ref), after.get(ref)
        if old != new:
            changes.append(RefChange(ref, old, new))
    return changes


class GitRepositories(Protocol):
    def create(self, repository_id: str) -> None:
        """An empty bare repository."""
        ...

    def delete(self, repository_id: str) -> None: ...

    def exists(self, repository_id: str) -> bool: ...

    def refs(self, repository_id: str) -> dict[str, str]:
        """Every branch and tag: full ref name -> the object it points at."""
        ...

    def resolve_commit(self, repository_id: str, specifier: str) -> str | None:
        """The commit a full or abbreviated id, branch, tag, `HEAD` or full ref names; None if none."""
        ...

    def update_ref(self, repository_id: str, ref: str, new: str, old: str | None) -> None:
        """Point `ref` at `new` if it is at `old` now (None: if it does not exist yet);
        raises RefUpdateRejected otherwise. Atomic against git pushes."""
        ...

    def delete_ref(self, repository_id: str, ref: str, old: str) -> None:
        """Delete `ref` if it is at `old`; raises RefUpdateRejected otherwise."""
        ...

    def set_default_branch(self, repository_id: str, branch: str) -> None:
        """Point HEAD at the branch, so that a clone checks it out."""
        ...

    def is_ancestor(self, repository_id: str, ancestor: str, descendant: str) -> bool:
        """Whether `ancestor` is `descendant` or reachable from it."""
        ...

    def merge_base(self, repository_id: str, one: str, two: str) -> str | None: ...
