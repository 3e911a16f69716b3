"""The server's source clone directories: those a server left when it died mid-clone are removed when
a server starts; the live clones of a server still running on the same repositories stay."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

from codeyard.execution.clone_dirs import clone_dir
from tests.support.server import Server

# a process that makes a clone directory, says where, and waits in the middle of its clone
CLONING = """
import sys
from pathlib import Path
from codeyard.execution.clone_dirs import clone_dir
with clone_dir(Path(sys.argv[1])) as scratch:
    (scratch / "clone" / ".git").mkdir(parents=True)
    print(scratch, flush=True)
    sys.stdin.read()
"""


def _killed_mid_clone(root: Path) -> Path:
    with subprocess.Popen(
        [sys.executable, "-c", CLONING, str(root)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    ) as process:
        assert process.stdout is not None
        scratch = Path(process.stdout.readline().strip())
        process.send_signal(signal.SIGKILL)
        assert process.wait(timeout=30) == -signal.SIGKILL
    return scratch


def test_start_up_removes_the_clones_of_dead_servers_only(make_server: Any) -> None:
    server: Server = make_server(backend="sqlite")
    root = server.data_dir / "git"
    root.mkdir(parents=True)
    killed = _killed_mid_clone(root)
    unlocked = root / ".source-older"  # made before clone directories had locks
    (unlocked / "clone").mkdir(parents=True)
    (root / "keep.git").mkdir()
    assert (killed / "clone" / ".git").is_dir()

    with clone_dir(root) as live:  # this process plays a server still cloning on the same repositories
        (live / "clone").mkdir()
        server.start()
        assert not killed.exists()
        assert not unlocked.exists()
        assert (live / "clone").is_dir()
        assert (root / "keep.git").is_dir()
    assert not live.exists()
    assert sorted(p.name for p in root.glob(".source-*")) == []
