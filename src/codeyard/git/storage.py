"""Bare repositories under the data directory, one per CodeCommit repository id.

Objects are read and written with pygit2 in-process. Refs move with `git update-ref`, which takes
the same lock files as `git receive-pack` and checks the old value under the lock: an API write and
a push to one branch can never both win."""

from __future__ import annotations

import shutil
import subprocess

import pygit2

from codeyard.git.base import ZERO, GitStorageBase, git_environment
from codeyard.git.merges import MergeStorage
from codeyard.git.objects import ObjectStorage
from codeyard.store.ports.git import HEADS, TAGS, RefUpdateRejected


class GitStorage(ObjectStorage, MergeStorage, GitStorageBase):
    """Implements store.ports.git_store.GitStore: refs here, objects and merges in their mixins."""

    def create(self, repository_id: str) -> None:
        path = self.path(repository_id)
        pygit2.init_repository(str(path), bare=True, initial_head="main")
        config = pygit2.Config(str(path / "config"))
        # A push over HTTP is allowed by our own authorisation, not by git's defaults.
        config["http.receivepack"] = True
        config["receive.fsckObjects"] = True
        config["uploadpack.allowFilter"] = True
        config["core.logAllRefUpdates"] = False

    def delete(self, repository_id: str) -> None:
        shutil.rmtree(self.path(repository_id), ignore_errors=True)

    def wipe(self) -> None:
        """Delete every repository (test-mode reset)."""
        for path in self.root.glob("*.git"):
            shutil.rmtree(path, ignore_errors=True)

    def exists(self, repository_id: str) -> bool:
        return (self.path(repository_id) / "HEAD").is_file()

    def refs(self, repository_id: str) -> dict[str, str]:
        repo = self.open(repository_id)
        out: dict[str, str] = {}
        for ref in repo.references.iterator():
            name = ref.name
            if name.startswith((HEADS, TAGS)) and ref.type == pygit2.enums.ReferenceType.DIRECT:
                out[name] = str(ref.target)
        return out

    def resolve_commit(self, repository_id: str, specifier: str) -> str | None:
        repo = self.open(repository_id)
        try:
            found = repo.revparse_single(specifier)
            commit = found.peel(pygit2.Commit)
        except (KeyError, ValueError, pygit2.GitError, pygit2.InvalidSpecError):
            return None
        return str(commit.id)

    def update_ref(self, repository_id: str, ref: str, new: str, old: str | None) -> None:
        self._update_ref(repository_id, ["update-ref", ref, new, old or ZERO])

    def delete_ref(self, repository_id: str, ref: str, old: str) -> None:
        self._update_ref(repository_id, ["update-ref", "-d", ref, old])

    def _update_ref(self, repository_id: str, args: list[str]) -> None:
        done = subprocess.run(
            ["git", *args],
            cwd=self.path(repository_id),
            env=git_environment(),
            capture_output=True,
            check=False,
        )
        if done.returncode != 0:
            raise RefUpdateRejected(done.stderr.decode(errors="replace").strip())

    def set_default_branch(self, repository_id: str, branch: str) -> None:
        repo = self.open(repository_id)
        repo.references.create("HEAD", HEADS + branch, force=True)

    def is_ancestor(self, repository_id: str, ancestor: str, descendant: str) -> bool:
        if ancestor == descendant:
            return True
        repo = self.open(repository_id)
        return bool(repo.descendant_of(pygit2.Oid(hex=descendant), pygit2.Oid(hex=ancestor)))

    def merge_base(self, repository_id: str, one: str, two: str) -> str | None:
        repo = self.open(repository_id)
        base = repo.merge_base(pygit2.Oid(hex=one), pygit2.Oid(hex=two))
        return str(base) if base is not None else None
