"""Process trees: the members of a process session found through /proc, signalled and awaited whole."""

from __future__ import annotations

import asyncio
import contextlib
import os
import select
import signal
from pathlib import Path

PROC = Path("/proc")


def _stat(pid: int) -> tuple[str, int, int, int] | None:
    """(state, parent, process group, session) of a process, or None when it is gone.

    Read with plain os calls, not pathlib: every process of the host is read at each look."""
    try:
        fd = os.open(f"/proc/{pid}/stat", os.O_RDONLY | os.O_CLOEXEC)
    except OSError:
        return None
    try:
        data = os.read(fd, 4096)
    except OSError:
        return None
    finally:
        os.close(fd)
    fields = data[data.rindex(b")") + 2 :].split(maxsplit=4)
    return fields[0].decode(), int(fields[1]), int(fields[2]), int(fields[3])


def session_tree(sid: int) -> list[int]:
    """The live (not zombie) processes of the session whose leader is `sid` (or of its process
    group), and their children that left it: a child that called setsid, or, in a sandbox, the first
    process of the build's PID namespace, whose end the kernel holds until every other one has ended."""
    live: dict[int, tuple[str, int, int, int]] = {}
    for name in os.listdir(PROC):
        if name.isdigit() and (stat := _stat(int(name))) and stat[0] not in ("Z", "X"):
            live[int(name)] = stat
    members = {pid for pid, stat in live.items() if sid in (stat[2], stat[3])}
    return sorted(members | {pid for pid, stat in live.items() if stat[1] in members})


async def wait_gone(pids: list[int], timeout: float) -> None:
    """Waits (through pidfds, without polling) until every process of `pids` has ended, or `timeout`."""
    fds = _open_pidfds(pids)
    try:
        await _wait_fds(list(fds.values()), timeout)
    finally:
        _close(fds)


def _open_pidfds(pids: list[int]) -> dict[int, int]:
    fds: dict[int, int] = {}
    for pid in pids:
        with contextlib.suppress(OSError):
            fds[pid] = os.pidfd_open(pid)
    return fds


def _close(fds: dict[int, int]) -> None:
    for fd in fds.values():
        with contextlib.suppress(OSError):
            os.close(fd)


def _exited(fd: int) -> bool:
    """A pidfd is readable once its process has ended."""
    return bool(select.select([fd], [], [], 0)[0])


async def _wait_fds(fds: list[int], timeout: float) -> None:
    loop = asyncio.get_running_loop()
    waits: list[asyncio.Future[None]] = []
    for fd in fds:
        future: asyncio.Future[None] = loop.create_future()
        loop.add_reader(fd, _settle, future)
        waits.append(future)
    try:
        if waits:
            await asyncio.wait(waits, timeout=timeout)
    finally:
        for fd in fds:
            loop.remove_reader(fd)


def _settle(future: asyncio.Future[None]) -> None:
    if not future.done():
        future.set_result(None)


async def kill_session(sid: int, grace: float) -> None:
    """Ends every process of a session: SIGTERM, then SIGKILL to whatever is left after `grace` seconds,
    and returns once they have all ended.

    Children that left the session are ended with it (found while their parent still is in it), even
    after they are reparented; processes that left it further (double-forking daemons) are out of
    reach on the host, and the sandbox and container executors end them with their namespace. Each
    process is held by a pidfd from first sight, so no signal ever reaches a reused pid."""
    tracked: dict[int, int] = {}

    def track() -> dict[int, int]:
        for pid, fd in _open_pidfds([p for p in session_tree(sid) if p not in tracked]).items():
            tracked[pid] = fd
        return {pid: fd for pid, fd in tracked.items() if not _exited(fd)}

    try:
        alive = track()
        _signal_fds(alive, signal.SIGTERM)
        await _wait_fds(list(alive.values()), grace)
        for _ in range(50):
            alive = track()
            if not alive:
                return
            _signal_fds(alive, signal.SIGKILL)
            await _wait_fds(list(alive.values()), 1.0)
    finally:
        _close(tracked)


def _signal_fds(fds: dict[int, int], signum: int) -> None:
    for fd in fds.values():
        with contextlib.suppress(ProcessLookupError, PermissionError, OSError):
            signal.pidfd_send_signal(fd, signum)
