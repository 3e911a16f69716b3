"""The lock each runner process holds in its work directory: held while the process lives (by this
process, or another one, however it ends), and the lock files of runners that are gone removed."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from codeyard.runner.engine.runner_locks import DIRECTORY, examining, hold

# a runner process: takes its lock, says its name, and holds it until its standard input closes
HOLDER = """
import sys
from pathlib import Path
from codeyard.runner.engine.runner_locks import hold
lock = hold(Path(sys.argv[1]))
print(lock.name, flush=True)
sys.stdin.read()
"""


def test_a_lock_is_held_while_its_runner_lives(tmp_path: Path) -> None:
    mine = hold(tmp_path)
    other = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(tmp_path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert other.stdout is not None
        theirs = other.stdout.readline().strip()
        assert theirs != mine.name
        with examining(tmp_path) as gone:
            assert not gone(mine.name)
            assert not gone(theirs)
            assert gone("")  # a container that names no owner
            assert gone("123-unknown.lock")
            assert gone("../elsewhere.lock")
    finally:
        assert other.stdin is not None
        other.stdin.close()
        other.wait(60)
        assert other.stdout is not None
        other.stdout.close()
    # the other process is gone (it never released its lock: the kernel did)
    with examining(tmp_path) as gone:
        assert gone(theirs)
        assert not gone(mine.name)
    # its lock file went with that look; this process's stays
    assert sorted(p.name for p in (tmp_path / DIRECTORY).glob("*.lock")) == [mine.name]

    mine.release()
    with examining(tmp_path) as gone:
        assert gone(mine.name)
    assert list((tmp_path / DIRECTORY).glob("*.lock")) == []
