"""A source clone's submodules (gitSubmodulesConfig.fetchSubmodules), fetched on the server.

For each submodule that the commit's `.gitmodules` names and its tree records (a gitlink), the
repository the URL names (see submodule_urls) is looked up in the build's region, like the source's
own, and cloned into `<git dir>/modules/<name>`, where git keeps a submodule's repository, with HEAD
detached at the recorded commit and `origin` at the URL; then its own submodules, recursively. The
runner checks them out with `git submodule update --init --recursive --no-fetch`, which reuses those
repositories and fetches nothing."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from codeyard.execution.submodule_urls import UnreachableUrl, absolute_url, repository_name
from codeyard.git.base import git_environment

GITLINK = "160000"
MAX_LEVELS = 8  # submodules of submodules, at most this deep
# repositories fetched for one source, nested ones included: each level may name several, so the
# levels alone would let a few commits ask for millions of clones
MAX_REPOSITORIES = 256
# the bytes of submodule paths given to one `git ls-tree` (far below the limits of a command line)
PATHS_BYTES_PER_CALL = 64 * 1024

# a repository's name -> (its id, its bare repository), None when the build's region has none
Lookup = Callable[[str], tuple[str, Path] | None]
# (repository id, commit id) -> whether the repository has that commit
HasCommit = Callable[[str, str], bool]


class SubmoduleUnavailable(Exception):
    """A submodule cannot be fetched (the message names it and says why)."""


@dataclass(frozen=True)
class Submodule:
    name: str
    path: str
    url: str
    commit: str


@dataclass(frozen=True)
class SubmoduleFetcher:
    """Fetches into clones made in `scratch`, from the repositories of one region."""

    region: str
    bases: tuple[str, ...]
    lookup: Lookup
    has_commit: HasCommit
    scratch: Path
    limit: int = MAX_REPOSITORIES

    def fetch(
        self, bare: Path, commit: str, url: str, git_dir: Path, level: int = 0, fetched: int = 0
    ) -> int:
        """The submodules of `commit` of the repository `bare` (fetched from `url`) into the
        repository `git_dir` of its clone; answers how many repositories are fetched in all, the
        `fetched` before this call included (at most `limit`)."""
        for module in submodules_at(bare, commit):
            if level >= MAX_LEVELS:
                raise SubmoduleUnavailable(
                    f"Cannot fetch the submodule {module.name!r}: submodules nest more than {MAX_LEVELS} deep"
                )
            what = f"the submodule {module.name!r} (path {module.path}) from {module.url}"
            if fetched >= self.limit:
                raise SubmoduleUnavailable(
                    f"Cannot fetch {what}: a source fetches at most {self.limit} submodule repositories"
                )
            try:
                target_url = absolute_url(module.url, url)
                name = repository_name(target_url, self.region, self.bases)
            except UnreachableUrl as error:
                raise SubmoduleUnavailable(f"Cannot fetch {what}: {error}") from None
            found = self.lookup(name)
            if found is None:
                raise SubmoduleUnavailable(f"Cannot fetch {what}: repository {name!r} does not exist")
            repository_id, module_bare = found
            if not self.has_commit(repository_id, module.commit):
                raise SubmoduleUnavailable(
                    f"Cannot fetch {what}: commit {module.commit} does not exist in repository {name!r}"
                )
            module_dir = git_dir / "modules" / module.name
            self._clone(module_bare, module_dir, target_url, module.commit, what)
            fetched = self.fetch(module_bare, module.commit, target_url, module_dir, level + 1, fetched + 1)
        return fetched

    def _clone(self, bare: Path, git_dir: Path, url: str, commit: str, what: str) -> None:
        holder = Path(tempfile.mkdtemp(prefix="module-", dir=self.scratch))
        try:
            if git_dir.exists():
                raise SubmoduleUnavailable(f"Cannot fetch {what}: another submodule uses its name")
            work = holder / "clone"
            _git(what, "-C", str(holder), "clone", "-q", "--no-checkout", "--local", str(bare), str(work))
            git_dir.parent.mkdir(parents=True, exist_ok=True)
            (work / ".git").rename(git_dir)
        except OSError as error:  # a name the filesystem cannot hold (too long), a full disk
            raise SubmoduleUnavailable(f"Cannot fetch {what}: {error.strerror or error}") from None
        finally:
            shutil.rmtree(holder, ignore_errors=True)
        _git(what, f"--git-dir={git_dir}", "remote", "set-url", "origin", url)
        _git(what, f"--git-dir={git_dir}", "update-ref", "--no-deref", "HEAD", commit)


def submodules_at(bare: Path, commit: str) -> list[Submodule]:
    """The submodules of a commit: the `.gitmodules` entries with a path and a URL whose path is a
    gitlink in the commit's tree (git ignores the others too)."""
    probe = _run(["git", f"--git-dir={bare}", "cat-file", "-e", f"{commit}:.gitmodules"])
    if probe.returncode != 0:
        return []
    listing = _run(["git", f"--git-dir={bare}", "config", "--blob", f"{commit}:.gitmodules", "-z", "--list"])
    if listing.returncode != 0:
        raise SubmoduleUnavailable(f"Cannot read .gitmodules of commit {commit}: {_message(listing)}")
    members: dict[str, dict[str, str]] = {}
    for item in listing.stdout.decode(errors="replace").split("\0"):
        key, _, value = item.partition("\n")
        section, _, rest = key.partition(".")
        name, _, variable = rest.rpartition(".")
        if section == "submodule" and name and variable in ("path", "url"):
            members.setdefault(name, {})[variable] = value
    candidates: list[tuple[str, str, str]] = []
    for name, member in members.items():
        path = member.get("path", "").strip("/")
        if not path or not member.get("url"):
            continue
        _check_name(name)
        candidates.append((name, path, member["url"]))
    links = _gitlinks(bare, commit, [path for _, path, _ in candidates])
    return [Submodule(name, path, url, links[path]) for name, path, url in candidates if path in links]


def _gitlinks(bare: Path, commit: str, paths: list[str]) -> dict[str, str]:
    """The commits that the gitlinks at those paths of the commit's tree record, by path, read a
    batch of paths per git call (a .gitmodules may name thousands). Paths git cannot take from a
    tree (`..`, `.` or empty parts) are none."""
    wanted = sorted({p for p in paths if not any(part in ("", ".", "..") for part in p.split("/"))})
    found: dict[str, str] = {}
    start = 0
    while start < len(wanted):
        end, size = start, 0
        while end < len(wanted) and (end == start or size + len(wanted[end]) < PATHS_BYTES_PER_CALL):
            size += len(wanted[end]) + 1
            end += 1
        batch = wanted[start:end]
        git = ["git", "--literal-pathspecs", f"--git-dir={bare}", "ls-tree", "-z", commit, "--", *batch]
        listing = _run(git)
        if listing.returncode != 0:
            raise SubmoduleUnavailable(f"Cannot read the tree of commit {commit}: {_message(listing)}")
        asked = set(batch)
        for record in listing.stdout.decode(errors="replace").split("\0"):
            fields = record.split(None, 3)
            if len(fields) == 4 and fields[0] == GITLINK and fields[3] in asked:
                found[fields[3]] = fields[2]
        start = end
    return found


def _check_name(name: str) -> None:
    # the name becomes a directory under .git/modules: git refuses the same ones
    parts = name.replace("\\", "/").split("/")
    if name.startswith("/") or any(part in ("", ".", "..") for part in parts):
        raise SubmoduleUnavailable(f"Cannot fetch the submodule {name!r}: it is not a valid submodule name")


def _git(what: str, *args: str) -> None:
    result = _run(["git", *args])
    if result.returncode != 0:
        raise SubmoduleUnavailable(f"Cannot fetch {what}: {_message(result)}")


def _run(argv: list[str]) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(argv, env=git_environment(), capture_output=True, check=False)


def _message(result: subprocess.CompletedProcess[bytes]) -> str:
    return result.stderr.decode(errors="replace").strip()
