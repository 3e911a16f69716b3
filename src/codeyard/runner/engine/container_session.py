"""A shell session inside a container: the shell is started in it by the engine (an exec), and talks to
the runner through FIFOs in the control directory, which is bound into the container (stdin, output, and
the private status descriptor), exactly as a host session does through pipes."""

from __future__ import annotations

import asyncio
import contextlib
import os
import select
import shlex
import time
from collections.abc import Callable

from codeyard.runner.engine.container_engine import Container, ContainerError
from codeyard.runner.engine.executors import UnsupportedShellError
from codeyard.runner.engine.session import BASH_STATUS_FD, SH_STATUS_FD, ShellLaunch, ShellSession

READY = b"ready\n"
START_WAIT = 60.0  # seconds a started shell may take to open its FIFOs


class ContainerSession(ShellSession):
    """A ShellSession whose shell runs in `container`: ended by killing the container's processes."""

    def __init__(
        self,
        container: Container,
        launch: ShellLaunch,
        fds: tuple[int, int, int],
        exit_fd: int,
        shell_fd: int,
    ) -> None:
        stdin_fd, status_fd, output_fd = fds
        super().__init__(0, launch, stdin_fd, status_fd, output_fd, shell_fd)
        self._container = container
        self._exit_fd = exit_fd

    @classmethod
    def open_in(cls, container: Container, launch: ShellLaunch, channel: str) -> ContainerSession:
        """Starts `launch.argv` in the container, its stdin, output and status on FIFOs named after
        `channel` in the control directory; returns once the shell holds them.

        Raises UnsupportedShellError when the image cannot start the shell, ContainerError when the
        engine fails."""
        shell_fd = BASH_STATUS_FD if os.path.basename(launch.shell) == "bash" else SH_STATUS_FD
        kinds = ("stdin", "output", "status", "exit")
        names = {kind: f"{channel}.{kind}" for kind in kinds}
        for name in names.values():
            os.mkfifo(launch.control_dir / name, 0o600)
        inside = {kind: shlex.quote(f"{launch.shell_control_dir}/{name}") for kind, name in names.items()}
        # Readers first (opening them does not wait); stdin read-write, so that opening it never waits
        # and a shell that went away cannot make a write block (it fails instead: non-blocking).
        output_fd = os.open(launch.control_dir / names["output"], os.O_RDONLY | os.O_NONBLOCK)
        status_fd = os.open(launch.control_dir / names["status"], os.O_RDONLY | os.O_NONBLOCK)
        exit_fd = os.open(launch.control_dir / names["exit"], os.O_RDONLY | os.O_NONBLOCK)
        stdin_fd = os.open(launch.control_dir / names["stdin"], os.O_RDWR | os.O_NONBLOCK)
        fds = (stdin_fd, status_fd, output_fd)
        shell = " ".join(shlex.quote(part) for part in launch.argv)
        # A starter shell opens the status FIFO and says READY on it, starts the session's shell with
        # it, lets go of it (its end is the session's end), and reports the shell's exit status.
        starter = (
            f"exec {shell_fd}>{inside['status']} 3>{inside['exit']} || exit 125; "
            f"printf 'ready\\n' >&{shell_fd}; "
            f"{shell} <{inside['stdin']} >{inside['output']} 2>&1 3>&- & "
            f"exec {shell_fd}>&-; wait $!; printf '%d\\n' \"$?\" >&3"
        )
        try:
            try:
                exec_id = container.exec([launch.shell, "-c", starter], launch.env, launch.shell_cwd)
            except ContainerError as error:
                raise UnsupportedShellError(f"The image cannot start {launch.shell}: {error}") from None
            _await_ready(container, exec_id, status_fd, launch.shell)
        except BaseException:
            for fd in (*fds, exit_fd):
                os.close(fd)
            raise
        session = cls(container, launch, fds, exit_fd, shell_fd)
        session._send(f"cd -- {shlex.quote(launch.shell_cwd)} || exit 125\n")
        return session

    async def _reap(self, timeout: float) -> int:
        """The shell's exit status, as its starter reports it (-1: not within `timeout`, or the
        starter was killed)."""
        if self._exit_code is None:
            line = await _read_line(self._exit_fd, timeout)
            if line is None:
                return -1
            self._exit_code = int(line)
        return self._exit_code

    async def kill(self, grace: float = 5.0) -> None:
        """SIGTERM to every process of the container (through its first one), then, if some are left
        after `grace`, SIGKILL to the container's first process: the kernel ends all the others with it
        (no process outlives it, whatever it did to leave the session). Returns once they have ended; the
        next session starts the container again (its file system is kept)."""
        self._ended = True
        with contextlib.suppress(ContainerError):
            if not await asyncio.to_thread(self._container.terminate, grace):
                await asyncio.to_thread(self._container.kill)
        await self._reap(timeout=1.0)

    async def close(self, grace: float = 5.0) -> None:
        await super().close(grace)
        with contextlib.suppress(OSError):
            os.close(self._exit_fd)


def _await_ready(container: Container, exec_id: str, status_fd: int, shell: str) -> None:
    """Waits (bounded) for the shell's first status line, READY; raises when it ends without it."""
    deadline = time.monotonic() + START_WAIT
    received = b""
    while time.monotonic() < deadline:
        readable, _, _ = select.select([status_fd], [], [], 0.2)
        if readable:
            chunk = os.read(status_fd, len(READY) - len(received))
            if not chunk:
                raise UnsupportedShellError(f"{shell} ended in the container before it could start")
            received += chunk
            if received == READY:
                return
            continue
        running, code = container.exec_state(exec_id)
        if not running:
            raise UnsupportedShellError(f"{shell} did not start in the container (exit status {code})")
    raise ContainerError(f"{shell} did not start in the container within {START_WAIT:.0f} seconds")


async def _read_line(fd: int, timeout: float) -> str | None:
    """The first line the FIFO gives within `timeout` (None: none, or it was closed first)."""
    received = bytearray()

    def whole(data: bytes) -> bool:
        received.extend(data)
        return data == b"" or b"\n" in received

    await _read_until(fd, timeout, whole)
    line, newline, _ = bytes(received).partition(b"\n")
    return line.decode() if newline and line.strip().lstrip(b"-").isdigit() else None


async def _read_until(fd: int, timeout: float, done: Callable[[bytes], bool]) -> None:
    """Reads a non-blocking FIFO as data comes until `done(data)` (b"": its end), or `timeout`."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while (left := deadline - loop.time()) > 0:
        try:
            if done(os.read(fd, 4096)):
                return
            continue
        except BlockingIOError:
            pass
        readable: asyncio.Future[None] = loop.create_future()
        loop.add_reader(fd, _settle, readable)
        try:
            await asyncio.wait_for(readable, left)
        except TimeoutError:
            return
        finally:
            loop.remove_reader(fd)


def _settle(future: asyncio.Future[None]) -> None:
    if not future.done():
        future.set_result(None)
