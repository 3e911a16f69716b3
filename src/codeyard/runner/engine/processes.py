"""Process trees: the members of a process session found through /proc, signalled and awaited whole."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
from pathlib import Path

PROC = Path("/proc")


def _stat(pid: int) -> tuple[str, int, int] | None:
    """(state, process group, session) of a process, or None when it is gone."""
    try:
        text = (PROC / str(pid) / "stat").read_text()
    except OSError:
        return None
    fields = text[text.rindex(")") + 2 :].split()
    return fields[0], int(fields[2]), int(fields[3])


def session_members(sid: int) -> list[int]:
    """The live (not zombie) processes of the session whose leader is `sid`, or of its process group."""
    members = []
    for entry in PROC.iterdir():
        if not entry.name.isdigit():
            continue
        stat = _stat(int(entry.name))
        if stat and stat[0] not in ("Z", "X") and sid in (stat[1], stat[2]):
            members.append(int(entry.name))
    return members


async def wait_gone(pids: list[int], timeout: float) -> None:
    """Waits (through pidfds, without polling) until every process of `pids` has ended, or `timeout`."""
    loop = asyncio.get_running_loop()
    waits: list[asyncio.Future[None]] = []
    fds: list[int] = []
    for pid in pids:
        try:
            fd = os.pidfd_open(pid)
        except OSError:
            continue
        future: asyncio.Future[None] = loop.create_future()
        loop.add_reader(fd, _settle, future)
        fds.append(fd)
        waits.append(future)
    try:
        if waits:
            await asyncio.wait(waits, timeout=timeout)
    finally:
        for fd in fds:
            loop.remove_reader(fd)
            os.close(fd)


def _settle(future: asyncio.Future[None]) -> None:
    if not future.done():
        future.set_result(None)


def signal_all(pids: list[int], signum: int) -> None:
    """Sends `signum` to each process that still exists."""
    for pid in pids:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(pid, signum)


async def kill_session(sid: int, grace: float) -> None:
    """Ends every process of a session: SIGTERM, then SIGKILL to whatever is left after `grace` seconds.

    Processes that left the session (setsid, double-forking daemons) are out of reach on the host;
    the sandbox and container executors end them with their namespace."""
    members = session_members(sid)
    signal_all(members, signal.SIGTERM)
    await wait_gone(members, grace)
    for _ in range(50):
        members = session_members(sid)
        if not members:
            return
        signal_all(members, signal.SIGKILL)
        await wait_gone(members, 1.0)
