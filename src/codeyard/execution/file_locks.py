"""Lock files held with flock for a process's life: whether one is held, and a block holding one.

The kernel gives a flock back when its holder dies, so a lock that can be taken names something
its owner left behind. The server's clone directories and the runners' containers are cleaned up
by this rule. Standard library only: the runner imports it too."""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def held(lock: Path) -> bool:
    """Whether a live process holds the lock file (False when there is none). A file that cannot
    be opened (not ours, a link) counts as held, so nothing of its owner is removed."""
    try:
        handle = os.open(lock, os.O_RDWR | os.O_CLOEXEC | os.O_NOFOLLOW)
    except FileNotFoundError:
        return False
    except OSError:
        return True
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(handle)
    return False


@contextmanager
def locked(path: Path, mode: int) -> Iterator[None]:
    """Holds a flock of `mode` (fcntl.LOCK_SH or LOCK_EX) on `path`, made if missing, for the block."""
    handle = os.open(path, os.O_CREAT | os.O_RDWR | os.O_CLOEXEC, 0o600)
    try:
        fcntl.flock(handle, mode)
        yield
    finally:
        os.close(handle)
