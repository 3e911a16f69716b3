"""The scratch directories the server clones sources in (`.source-*` beside the repositories), and
the removal, at start-up, of those a server left behind when it died mid-clone.

Each directory holds a lock file that its server keeps locked (flock) while the clone lives; the
kernel drops the lock when the process dies, however it dies. Start-up removes the `.source-*`
directories whose lock it can take, so the live clones of other servers sharing the repositories
stay. A directory is made and locked under a shared lock on `.source.lock`, which start-up takes
exclusively while it looks: it never sees a directory between its creation and its lock."""

from __future__ import annotations

import fcntl
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from codeyard.execution.file_locks import held, locked

PREFIX = ".source-"
GUARD = ".source.lock"
LOCK = ".lock"


@contextmanager
def clone_dir(root: Path) -> Iterator[Path]:
    """A new, locked scratch directory in `root`, removed when the block ends."""
    with locked(root / GUARD, fcntl.LOCK_SH):
        scratch = Path(tempfile.mkdtemp(prefix=PREFIX, dir=root))
        try:
            lock = os.open(scratch / LOCK, os.O_CREAT | os.O_RDWR | os.O_CLOEXEC, 0o600)
        except OSError:
            shutil.rmtree(scratch, ignore_errors=True)
            raise
        fcntl.flock(lock, fcntl.LOCK_EX)
    try:
        yield scratch
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
        os.close(lock)


def remove_stale(root: Path) -> list[Path]:
    """Removes the scratch directories in `root` that no live process holds; answers them."""
    if not root.is_dir():
        return []
    removed: list[Path] = []
    with locked(root / GUARD, fcntl.LOCK_EX):
        for path in sorted(root.glob(PREFIX + "*")):
            if path.is_symlink() or not path.is_dir() or held(path / LOCK):
                continue
            shutil.rmtree(path, ignore_errors=True)
            removed.append(path)
    return removed
