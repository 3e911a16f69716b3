"""The lock each runner process holds in its work directory while it lives, by which a runner starting
up tells the containers of runners that are gone from those of runners still working there.

A runner process makes `runners/<name>.lock` in its work directory and keeps it locked (flock) for
its life; the kernel drops the lock when the process dies, however it dies. Its containers carry the
lock's name (container_engine.OWNER_LABEL). At start-up a runner removes the containers whose
owner's lock it can take (or that name no owner: made before owners were noted), so the live
containers of other runner processes sharing the work directory stay; then it removes the lock files
no one holds. A lock file is made and locked under a shared lock on `runners/.guard`, which start-up
takes exclusively while it looks: it never sees a lock file between its creation and its lock."""

from __future__ import annotations

import contextlib
import fcntl
import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from codeyard.execution.file_locks import held, locked

DIRECTORY = "runners"
GUARD = ".guard"
SUFFIX = ".lock"


class RunnerLock:
    """This process's lock in a work directory; `name` is what its containers are labelled with."""

    def __init__(self, path: Path, fd: int) -> None:
        self.path = path
        self._fd: int | None = fd

    @property
    def name(self) -> str:
        return self.path.name

    def release(self) -> None:
        """Gives the lock back and removes its file (the process ending does the first by itself)."""
        if self._fd is not None:
            fd, self._fd = self._fd, None
            with contextlib.suppress(FileNotFoundError):
                self.path.unlink()
            os.close(fd)


def hold(work_dir: Path) -> RunnerLock:
    """A new lock file of this process in `work_dir`, locked until released or the process ends.
    Raises OSError when it cannot be made."""
    directory = work_dir / DIRECTORY
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    with locked(directory / GUARD, fcntl.LOCK_SH):
        # mkstemp's descriptor is not inherited by the builds' processes (PEP 446)
        fd, path = tempfile.mkstemp(prefix=f"{os.getpid()}-", suffix=SUFFIX, dir=directory)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
        except BaseException:
            os.close(fd)
            os.unlink(path)
            raise
    return RunnerLock(Path(path), fd)


@contextmanager
def examining(work_dir: Path) -> Iterator[Callable[[str], bool]]:
    """While the block runs, no runner process makes a lock in `work_dir`; it gets `gone(owner)`: True
    when the runner whose lock is named `owner` ("" for none) is gone. Afterwards the lock files of
    runners that are gone are removed."""
    directory = work_dir / DIRECTORY
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    with locked(directory / GUARD, fcntl.LOCK_EX):

        def gone(owner: str) -> bool:
            if not owner or "/" in owner or not owner.endswith(SUFFIX):
                return True
            return not held(directory / owner)

        yield gone
        for path in directory.glob(f"*{SUFFIX}"):
            if not path.is_symlink() and path.is_file() and not held(path):
                with contextlib.suppress(FileNotFoundError):
                    path.unlink()
