"""The source of a local build: the user's directory copied into the workspace (or used in place), its commit."""

from __future__ import annotations

import asyncio
import os
import shutil
import stat
from pathlib import Path

from codeyard.runner.engine.executors import HostExecutor, Workspace

# A tree this small is copied in-process: starting cp costs more (≈ 3 ms of CPU) than copying a few files.
SMALL_TREE_ENTRIES = 100
SMALL_TREE_BYTES = 4 * 1024 * 1024


class SourceError(Exception):
    """The source directory cannot be copied into the workspace."""


async def copy_source(source: Path, target: Path) -> None:
    """Copy the tree (links, modes and times kept) so that a buildspec cannot change the user's files.

    A copy, not hard links: a build appending to a hard-linked file would change the user's file.
    GNU cp with `--reflink=auto` shares the blocks on copy-on-write filesystems (btrfs, XFS), so the copy
    costs only metadata there; elsewhere (and without GNU cp) it is a plain copy. A small tree of
    directories, regular files and symbolic links (see _small_plain_tree) is copied in-process, with
    the same result."""
    if _small_plain_tree(source):
        try:
            shutil.copytree(source, target, symlinks=True, dirs_exist_ok=True)
            return
        except (OSError, shutil.Error):
            pass  # cp copies again, and says what is wrong if it fails too
    cp = shutil.which("cp")
    if cp is not None:
        code, _, errors = await _run(cp, "-a", "--reflink=auto", f"{source}/.", f"{target}/")
        if code == 0:
            return
        if "reflink" not in errors and "unrecognized option" not in errors:
            raise SourceError(f"cannot copy {source}: {errors.strip()}")
    try:
        await asyncio.to_thread(shutil.copytree, source, target, symlinks=True, dirs_exist_ok=True)
    except (OSError, shutil.Error) as error:
        raise SourceError(f"cannot copy {source}: {error}") from error


def _small_plain_tree(source: Path) -> bool:
    """True when the tree under `source` has at most SMALL_TREE_ENTRIES entries and SMALL_TREE_BYTES of file
    data, every one a directory, a symbolic link or a regular file of one link, all of them and `source` owned
    by this user: copied by shutil.copytree (modes, times and extended attributes kept, links as links), those
    come out as `cp -a` makes them. Hard links, special files and other owners are kept by cp only."""
    uid = os.geteuid()
    entries = size = 0
    try:
        if os.lstat(source).st_uid != uid:
            return False
        pending = [os.fspath(source)]
        while pending:
            with os.scandir(pending.pop()) as listing:
                for entry in listing:
                    info = entry.stat(follow_symlinks=False)
                    entries += 1
                    if entries > SMALL_TREE_ENTRIES or info.st_uid != uid:
                        return False
                    if stat.S_ISDIR(info.st_mode):
                        pending.append(entry.path)
                    elif stat.S_ISREG(info.st_mode):
                        size += info.st_size
                        if info.st_nlink != 1 or size > SMALL_TREE_BYTES:
                            return False
                    elif not stat.S_ISLNK(info.st_mode):
                        return False
    except OSError:
        return False
    return True


async def git_commit(source: Path) -> str | None:
    """`git rev-parse HEAD` of the directory when it is in a git work tree with a commit, else None."""
    git = shutil.which("git")
    if git is None or not any((folder / ".git").exists() for folder in (source, *source.parents)):
        return None
    code, output, _ = await _run(git, "-C", str(source), "rev-parse", "--verify", "-q", "HEAD")
    commit = output.strip()
    return commit if code == 0 and commit else None


async def _run(*argv: str) -> tuple[int, str, str]:
    """A command's exit status, standard output and error (without a thread: the build's loop waits)."""
    process = await asyncio.create_subprocess_exec(
        *argv,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    output, errors = await process.communicate()
    assert process.returncode is not None
    return process.returncode, output.decode(errors="replace"), errors.decode(errors="replace")


class InPlaceHostExecutor(HostExecutor):
    """The host executor with the user's directory as the source directory (`--in-place`): no copy."""

    def __init__(self, base_dir: Path, source: Path) -> None:
        super().__init__(base_dir)
        self._source = source

    def prepare(self, build_id: str) -> Workspace:
        workspace = super().prepare(build_id)
        workspace.src_dir.rmdir()
        return workspace._replace(src_dir=self._source, shell_src_dir=str(self._source))
