"""A git subprocess for the git server: streamed both ways, bounded in time, stopped as a group."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import re
import signal
from collections.abc import AsyncIterator, Mapping, Sequence

log = logging.getLogger("codeyard.git")

CHUNK = 256 * 1024
PIPE_BUFFER = 1024 * 1024  # what is read ahead of git's output (reading pauses at twice this)
IDLE_TIMEOUT = 600.0  # seconds without a byte either way before a git process is stopped
STOP_GRACE = 5.0  # seconds between SIGTERM (git removes its lock files) and SIGKILL
STDERR_KEPT = 8 * 1024
_GIT_PROTOCOL = re.compile(r"[A-Za-z0-9=:._-]{1,256}")


def protocol_env(value: str) -> dict[str, str]:
    """GIT_PROTOCOL for git, from what the client asked (`version=2`), if it is well-formed."""
    return {"GIT_PROTOCOL": value} if _GIT_PROTOCOL.fullmatch(value) else {}


class GitTimeout(Exception):
    """Nothing moved for IDLE_TIMEOUT seconds."""


class GitProcess:
    """One git process in a process group of its own (git runs children: they stop with it)."""

    def __init__(self, process: asyncio.subprocess.Process, name: str, idle_timeout: float) -> None:
        self._process = process
        self.name = name
        self._idle = idle_timeout
        self._stderr = bytearray()
        self._stderr_task = asyncio.get_running_loop().create_task(self._collect_stderr())

    @classmethod
    async def start(
        cls, args: Sequence[str], env: Mapping[str, str], *, idle_timeout: float = IDLE_TIMEOUT
    ) -> GitProcess:
        process = await asyncio.create_subprocess_exec(
            *args,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            env=dict(env),
            start_new_session=True,
            limit=PIPE_BUFFER,
        )
        return cls(process, " ".join(args[:2]), idle_timeout)

    @property
    def returncode(self) -> int | None:
        return self._process.returncode

    @property
    def stderr(self) -> str:
        return self._stderr.decode("utf-8", "replace")

    async def _collect_stderr(self) -> None:
        stream = self._process.stderr
        assert stream is not None
        while chunk := await stream.read(CHUNK):
            self._stderr += chunk
            del self._stderr[:-STDERR_KEPT]

    async def read(self, size: int = CHUNK) -> bytes:
        """Up to `size` bytes of its output; b"" at its end."""
        stdout = self._process.stdout
        assert stdout is not None
        try:
            async with asyncio.timeout(self._idle):
                return await stdout.read(size)
        except TimeoutError:
            raise GitTimeout(f"{self.name} sent nothing for {self._idle:.0f} s") from None

    async def write(self, data: bytes) -> bool:
        """Hands `data` to its input, waiting while the pipe is full; False once it stopped reading."""
        stdin = self._process.stdin
        assert stdin is not None
        try:
            stdin.write(data)
            async with asyncio.timeout(self._idle):
                await stdin.drain()
        except (BrokenPipeError, ConnectionResetError):
            return False
        except TimeoutError:
            raise GitTimeout(f"{self.name} read nothing for {self._idle:.0f} s") from None
        return True

    def close_input(self) -> None:
        stdin = self._process.stdin
        if stdin is not None and not stdin.is_closing():
            stdin.close()

    async def feed(self, head: bytes, rest: AsyncIterator[bytes] | None) -> None:
        """Writes `head` then everything `rest` yields, then closes its input. If git stops
        reading early (it failed, or needs no more), what is left of `rest` is not read."""
        try:
            if head and not await self.write(head):
                return
            if rest is not None:
                async for chunk in rest:
                    if not await self.write(chunk):
                        return
        finally:
            self.close_input()

    async def wait(self) -> int:
        code = await self._process.wait()
        with contextlib.suppress(asyncio.CancelledError):
            await self._stderr_task
        return code

    async def stop(self) -> None:
        """Ends the process group if it still runs: SIGTERM, then SIGKILL after STOP_GRACE."""
        process = self._process
        self.close_input()
        if process.returncode is None:
            self._signal(signal.SIGTERM)
            try:
                async with asyncio.timeout(STOP_GRACE):
                    await process.wait()
            except TimeoutError:
                self._signal(signal.SIGKILL)
                await process.wait()
        self._stderr_task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._stderr_task

    def _signal(self, sig: int) -> None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self._process.pid, sig)
