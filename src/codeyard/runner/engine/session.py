"""The shell session: one long-lived shell (0.2) or a fresh shell per command (0.1) fed command strings."""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import shlex
import signal
import stat
from collections.abc import Awaitable, Callable, Mapping, Sequence
from pathlib import Path
from typing import NamedTuple

from codeyard.runner.engine.lines import LineSplitter
from codeyard.runner.engine.processes import kill_session, wait_gone

# The shell's private descriptor for status reports: commands run with it closed, so their output
# can never be taken for a status. Shells other than bash only know descriptors 0-9.
BASH_STATUS_FD = 251
SH_STATUS_FD = 9
READ_SIZE = 64 * 1024
# More than a pipe holds (64 KiB by default, 1 MiB at most without privileges).
DRAIN_LIMIT = 2 * 1024 * 1024
# The largest variable value read from the shell (bytes): CodePipeline takes at most 122,880 bytes of
# output variables from one action, and a larger value could not be a path either. A larger one is
# left out unread, so no value can grow the runner's memory or a work API request without bound.
MAX_VARIABLE_BYTES = 122_880

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")

OutputSink = Callable[[list[str]], Awaitable[None]]


class CommandResult(NamedTuple):
    """How a command string ended: its exit status, and whether the shell session ended with it."""

    exit_code: int
    session_ended: bool = False


class VariableValues(dict[str, str]):
    """The values read from the shell by name; `oversized` names those left out for their size."""

    def __init__(self) -> None:
        super().__init__()
        self.oversized: list[str] = []


class ShellLaunch(NamedTuple):
    """What an executor hands a session: the argv that starts the shell, its environment and cwd
    (as the shell sees it).

    `control_dir` is where the session writes command scripts (a host path), `shell_control_dir` the
    same directory as the shell sees it."""

    argv: Sequence[str]
    env: Mapping[str, str]
    shell_cwd: str
    control_dir: Path
    shell_control_dir: str
    separate_shells: bool = False
    shell: str = "bash"


class ShellSession:
    """A shell reading commands from a pipe; each command's output streamed, its status on a private fd."""

    def __init__(
        self, pid: int, launch: ShellLaunch, stdin_fd: int, status_fd: int, output_fd: int, shell_fd: int
    ) -> None:
        self._pid = pid
        self._launch = launch
        self._stdin_fd = stdin_fd
        self._status_fd = status_fd
        self._output_fd = output_fd
        self._output_open = True
        self._status_buffer = b""
        self._ended = False
        self._exit_code: int | None = None
        self._fd = shell_fd

    @classmethod
    def start(cls, launch: ShellLaunch) -> ShellSession:
        """Starts the shell in a session of its own (setsid), its stdout and stderr on one pipe."""
        launch.control_dir.mkdir(parents=True, exist_ok=True)
        status_fd = BASH_STATUS_FD if os.path.basename(launch.shell) == "bash" else SH_STATUS_FD
        stdin_read, stdin_write = os.pipe()
        output_read, output_write = os.pipe()
        status_read, status_write = os.pipe()
        try:
            pid = os.posix_spawnp(
                launch.argv[0],
                list(launch.argv),
                dict(launch.env),
                file_actions=[
                    (os.POSIX_SPAWN_DUP2, stdin_read, 0),
                    (os.POSIX_SPAWN_DUP2, output_write, 1),
                    (os.POSIX_SPAWN_DUP2, output_write, 2),
                    (os.POSIX_SPAWN_DUP2, status_write, status_fd),
                ],
                setsid=True,
                # Python ignores SIGPIPE; a build's processes get the default back (`yes | head` ends quietly).
                setsigdef=(signal.SIGPIPE, signal.SIGXFSZ),
            )
        except OSError:
            for fd in (stdin_write, output_read, status_read):
                os.close(fd)
            raise
        finally:
            for fd in (stdin_read, output_write, status_write):
                os.close(fd)
        os.set_blocking(output_read, False)
        os.set_blocking(status_read, False)
        session = cls(pid, launch, stdin_write, status_read, output_read, status_fd)
        session._send(f"cd -- {shlex.quote(launch.shell_cwd)} || exit 125\n")
        return session

    @property
    def pid(self) -> int:
        """The shell's process id (also its session and process group id)."""
        return self._pid

    @property
    def ended(self) -> bool:
        """True once the shell has exited (or was killed)."""
        return self._ended

    def _send(self, text: str) -> None:
        try:
            os.write(self._stdin_fd, text.encode())
        except OSError:
            self._ended = True

    async def run(self, command: str, on_output: OutputSink) -> CommandResult:
        """Runs one command string; its output goes to `on_output` line by line as it comes.

        Its stdin is /dev/null, so a command reading stdin cannot eat the commands after it."""
        if self._ended:
            return CommandResult(exit_code=-1, session_ended=True)
        script = self._launch.control_dir / "script.sh"
        script.write_text(command if command.endswith("\n") else command + "\n")
        path = shlex.quote(f"{self._launch.shell_control_dir}/script.sh")
        shell = shlex.quote(self._launch.shell)
        run = f"{shell} {path}" if self._launch.separate_shells else f". {path}"
        self._send(f"{run} </dev/null {self._fd}>&-; command printf '%d\\n' \"$?\" >&{self._fd}\n")
        return await self._collect(on_output)

    async def _collect(self, on_output: OutputSink) -> CommandResult:
        splitter = LineSplitter()
        loop = asyncio.get_running_loop()
        try:
            while True:
                fds = (self._output_fd, self._status_fd) if self._output_open else (self._status_fd,)
                ready = await _readable(loop, fds)
                if ready == self._output_fd:
                    chunk = _read(self._output_fd)
                    if chunk == b"":
                        self._output_open = False
                    elif chunk:
                        await _emit(on_output, splitter.feed(chunk))
                    continue
                # Everything the command wrote is in the output pipe before its status: drain it first.
                await self._drain(splitter, on_output)
                report = _read(self._status_fd)
                if report is None:
                    continue
                if not report:
                    return await self._finish(splitter, on_output)
                self._status_buffer += report
                if b"\n" in self._status_buffer:
                    line, self._status_buffer = self._status_buffer.split(b"\n", 1)
                    await _emit(on_output, splitter.flush())
                    return CommandResult(exit_code=int(line))
        except asyncio.CancelledError:
            await _emit(on_output, splitter.flush())
            raise

    async def _drain(self, splitter: LineSplitter, on_output: OutputSink) -> None:
        """Reads what is already in the output pipe; at most DRAIN_LIMIT bytes, so that a background
        process writing without pause cannot hold the command's end back."""
        budget = DRAIN_LIMIT
        while self._output_open and budget > 0:
            budget -= READ_SIZE
            chunk = _read(self._output_fd)
            if chunk is None:
                return
            if not chunk:
                self._output_open = False
                return
            await _emit(on_output, splitter.feed(chunk))

    async def _finish(self, splitter: LineSplitter, on_output: OutputSink) -> CommandResult:
        """The shell has closed its status descriptor: it exited during the command."""
        self._ended = True
        code = await self._reap(timeout=5.0)
        await self._drain(splitter, on_output)
        await _emit(on_output, splitter.flush())
        return CommandResult(exit_code=code, session_ended=True)

    async def _reap(self, timeout: float) -> int:
        """Waits for the shell to exit and collects its status (128+n when killed by signal n)."""
        if self._exit_code is None:
            await wait_gone([self._pid], timeout)
            try:
                pid, status = os.waitpid(self._pid, os.WNOHANG)
            except ChildProcessError:
                pid, status = self._pid, 0
            if pid == 0:
                return -1
            code = os.waitstatus_to_exitcode(status)
            self._exit_code = code if code >= 0 else 128 - code
        return self._exit_code

    async def variables(
        self, names: Sequence[str], on_output: OutputSink | None = None, limit: int = MAX_VARIABLE_BYTES
    ) -> VariableValues:
        """The current values of the named shell variables (unset ones are left out, and those longer
        than `limit` bytes, which `oversized` names).

        One printf of the shell writes a record per requested name, in order: `=value` for a set
        variable, nothing for an unset one. Only those records are read: no other variable of the build
        goes into the file, and nothing a process of the build appends to it afterwards is read.
        What the build's background processes print meanwhile goes to `on_output` (else nowhere)."""
        values = VariableValues()
        wanted = [name for name in dict.fromkeys(names) if _NAME.fullmatch(name)]
        if self._ended or not wanted:
            return values
        target = self._launch.control_dir / "variables"
        shell_target = shlex.quote(f"{self._launch.shell_control_dir}/variables")
        fields = " ".join(f'"${{{name}+=${name}}}"' for name in wanted)
        self._send(
            f"command printf '%s\\0' {fields} > {shell_target}; command printf '%d\\n' \"$?\" >&{self._fd}\n"
        )
        result = await self._collect(on_output or _ignore)
        if result.session_ended or result.exit_code != 0:
            return values
        for name, record in zip(wanted, _read_records(target, len(wanted), limit + 1), strict=False):
            if record is None:
                values.oversized.append(name)
            elif record.startswith(b"="):
                values[name] = record[1:].decode(errors="replace")
        return values

    async def kill(self, grace: float = 5.0) -> None:
        """Ends the shell and every process of its session: SIGTERM, then SIGKILL after `grace`."""
        self._ended = True
        await kill_session(self._pid, grace)
        await self._reap(timeout=1.0)

    async def close(self, grace: float = 5.0) -> None:
        """Ends the session and frees its pipes."""
        with contextlib.suppress(OSError):
            os.close(self._stdin_fd)
        await self.kill(grace)
        for fd in (self._status_fd, self._output_fd):
            with contextlib.suppress(OSError):
                os.close(fd)


def _read_records(path: Path, count: int, limit: int) -> list[bytes | None]:
    """The first `count` NUL-terminated records of a regular file (fewer when it holds fewer), read
    no further than the last of them; none when it cannot be opened or is no regular file. A record
    longer than `limit` bytes is None, skipped without being kept in memory."""
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError:
        return []
    records: list[bytes | None] = []
    pending: bytearray | None = bytearray()  # None: skipping the rest of a record over the limit
    with os.fdopen(descriptor, "rb", buffering=0) as stream:
        if not stat.S_ISREG(os.fstat(descriptor).st_mode):
            return []
        while len(records) < count and (chunk := stream.read(READ_SIZE)):
            start = 0
            while len(records) < count:
                end = chunk.find(b"\0", start)
                piece = chunk[start:] if end == -1 else chunk[start:end]
                if pending is not None:
                    pending += piece
                    if len(pending) > limit:
                        pending = None
                if end == -1:
                    break
                records.append(bytes(pending) if pending is not None else None)
                pending, start = bytearray(), end + 1
    return records


async def _ignore(lines: list[str]) -> None:
    """Output nobody asked for."""


async def _emit(on_output: OutputSink, lines: list[str]) -> None:
    if lines:
        await on_output(lines)


def _read(fd: int) -> bytes | None:
    """Up to READ_SIZE bytes; b"" at the end of the pipe, None when nothing is there yet."""
    try:
        return os.read(fd, READ_SIZE)
    except BlockingIOError:
        return None


async def _readable(loop: asyncio.AbstractEventLoop, fds: tuple[int, ...]) -> int:
    """The first of `fds` that can be read without blocking (or is at its end)."""
    future: asyncio.Future[int] = loop.create_future()

    def ready(fd: int) -> None:
        if not future.done():
            future.set_result(fd)

    for fd in fds:
        loop.add_reader(fd, ready, fd)
    try:
        return await future
    finally:
        for fd in fds:
            loop.remove_reader(fd)
