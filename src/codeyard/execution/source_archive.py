"""A CODECOMMIT build's source as a git clone: the tar of the `.git` of a clone at the resolved commit.

The clone is made on the server from the bare repository at the build's depth (a shallow fetch of
the commit, or a local clone sharing the objects for the full history), with the branch checked out
when the version names a branch and HEAD detached otherwise. The runner unpacks it and checks the
work tree out, so builds see a real repository (`git rev-parse HEAD`, `git log`, `git describe`).
With fetchSubmodules, the `.git` also holds the repositories of the submodules (submodules.py).
The clone is made in a locked scratch directory beside the repositories (clone_dirs.py)."""

from __future__ import annotations

import re
import subprocess
from collections.abc import Callable, Generator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from codeyard.execution.clone_dirs import clone_dir
from codeyard.execution.submodules import SubmoduleFetcher, SubmoduleUnavailable
from codeyard.git.base import git_environment
from codeyard.git.storage import GitStorage
from codeyard.store.ports import Store
from codeyard.store.ports.codecommit import RepositoryRecord

REPO_MARKER = "/v1/repos/"
HEADS, TAGS = "refs/heads/", "refs/tags/"
_COMMIT_ID = re.compile(r"[0-9a-f]{4,40}")


class SourceNotFound(Exception):
    """The repository or the version does not exist (the message says which)."""


class TarFailed(Exception):
    """tar stopped before the whole `.git` was sent (the message says why)."""


@dataclass(frozen=True)
class SourceArchive:
    """The resolved commit, the branch checked out ("" when HEAD is detached) and the clone."""

    commit: str
    branch: str
    clone: Path

    def tar(self, chunk: int) -> Generator[bytes]:
        """The tar of the clone's `.git`, made as it is read (tar writes to a pipe: the first bytes
        come at once, however big the repository), in pieces of at most `chunk` bytes. Raises
        TarFailed at the end when tar failed; closing the iterator early ends tar."""
        errors = self.clone.parent / "tar.errors"
        with errors.open("wb") as stderr:
            process = subprocess.Popen(
                ["tar", "-C", str(self.clone), "-cf", "-", ".git"],
                stdout=subprocess.PIPE,
                stderr=stderr,
                env=git_environment(),
            )
        assert process.stdout is not None
        try:
            while piece := process.stdout.read(chunk):
                yield piece
            if process.wait() != 0:
                raise TarFailed(f"tar of the source failed: {errors.read_text(errors='replace').strip()}")
        finally:
            if process.poll() is None:
                process.kill()
            process.stdout.close()
            process.wait()


class SourceArchives:
    def __init__(self, store: Store, git: GitStorage, clone_url_bases: tuple[str, ...] = ()) -> None:
        """`clone_url_bases`: this server's clone URL bases (HTTPS, SSH), that submodule URLs may use."""
        self._store = store
        self._git = git
        self._bases = clone_url_bases

    @contextmanager
    def clone(
        self, region: str, location: str, version: str, depth: int, *, submodules: bool = False
    ) -> Iterator[SourceArchive]:
        """The clone of the repository a clone URL names at `version` (a commit, branch, tag or ref;
        empty for the default branch), `depth` commits deep (0: all), with the repositories of its
        submodules when `submodules` (see submodules.py); removed when the block ends."""
        name = location.rpartition(REPO_MARKER)[2].strip("/") if REPO_MARKER in location else ""
        repository = self._repository(region, name) if name else None
        if repository is None:
            raise SourceNotFound(f"repository {name or location!r} does not exist")
        repository_id = repository.repository_id
        specifier = version or (
            f"{HEADS}{repository.default_branch}" if repository.default_branch else "HEAD"
        )
        commit = self._git.resolve_commit(repository_id, specifier)
        if commit is None:
            raise SourceNotFound(f"version {specifier!r} does not exist in repository {name!r}")
        refs = self._git.refs(repository_id)
        branch = next(
            (b for b in (specifier.removeprefix(HEADS), specifier) if f"{HEADS}{b}" in refs and b), ""
        )
        if specifier.startswith(TAGS) or (_COMMIT_ID.fullmatch(specifier) and commit.startswith(specifier)):
            branch = ""  # a tag or a commit id: detached, even if a branch has the same name
        bare = self._git.path(repository_id)
        # beside the repositories, so that a full clone hard-links their objects instead of copying them
        with clone_dir(self._git.root) as scratch:
            work = scratch / "clone"
            _make_clone(bare, work, commit, branch, depth, location)
            if submodules:
                fetcher = SubmoduleFetcher(
                    region, self._bases, self._lookup(region), self._has_commit, scratch
                )
                try:
                    fetcher.fetch(bare, commit, location, work / ".git")
                except SubmoduleUnavailable as error:
                    raise SourceNotFound(str(error)) from None
            yield SourceArchive(commit, branch, work)

    def _repository(self, region: str, name: str) -> RepositoryRecord | None:
        with self._store.reader() as uow:
            return uow.repositories.get(region=region, repository_name=name)

    def _lookup(self, region: str) -> Callable[[str], tuple[str, Path] | None]:
        def lookup(name: str) -> tuple[str, Path] | None:
            found = self._repository(region, name)
            return None if found is None else (found.repository_id, self._git.path(found.repository_id))

        return lookup

    def _has_commit(self, repository_id: str, commit: str) -> bool:
        return self._git.resolve_commit(repository_id, commit) == commit


def _make_clone(bare: Path, work: Path, commit: str, branch: str, depth: int, location: str) -> None:
    if depth > 0:
        _git(work.parent, "init", "-q", str(work))
        _git(
            work,
            "-c",
            "uploadpack.allowAnySHA1InWant=true",
            "fetch",
            "-q",
            "--no-tags",
            f"--depth={depth}",
            bare.resolve().as_uri(),
            commit,
        )
        _git(work, "remote", "add", "origin", location)
        if branch:
            _git(work, "update-ref", f"refs/remotes/origin/{branch}", commit)
    else:
        _git(work.parent, "clone", "-q", "--no-checkout", "--local", str(bare), str(work))
        _git(work, "remote", "set-url", "origin", location)
    if branch:
        _git(work, "update-ref", f"{HEADS}{branch}", commit)
        _git(work, "symbolic-ref", "HEAD", f"{HEADS}{branch}")
        _git(work, "config", f"branch.{branch}.remote", "origin")
        _git(work, "config", f"branch.{branch}.merge", f"{HEADS}{branch}")
    else:
        _git(work, "update-ref", "--no-deref", "HEAD", commit)


def _git(cwd: Path, *args: str) -> None:
    _run(cwd, ["git", *args])


def _run(cwd: Path, argv: list[str]) -> None:
    result = subprocess.run(argv, cwd=cwd, env=git_environment(), capture_output=True, check=False)
    if result.returncode != 0:
        message = result.stderr.decode(errors="replace").strip()
        raise SourceNotFound(f"cannot clone the source: {' '.join(argv[:3])}: {message}")
