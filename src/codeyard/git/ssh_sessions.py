"""One git SSH session once authorised: upload-pack piped through as it is; receive-pack in the two
steps of the HTTP protocol (advertise, then a stateless run) so the push's commands are read and
authorised before git sees them."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import asyncssh

from codeyard.git.access import GitAccess, Target
from codeyard.git.base import git_environment
from codeyard.git.pktline import CommandReader, PktError, ReportScanner, rejection_report
from codeyard.git.processes import CHUNK, IDLE_TIMEOUT, GitProcess, GitTimeout, log, protocol_env
from codeyard.git.pushes import push_changes, read_commands
from codeyard.store.ports.git import GitRepositories

Process = asyncssh.SSHServerProcess[bytes]
_GONE = (BrokenPipeError, ConnectionError, asyncssh.Error)


class GitSession:
    """Runs git for an authorised SSH session and answers its exit status."""

    def __init__(self, access: GitAccess, git: GitRepositories, root: Path) -> None:
        self._access = access
        self._git = git
        self._root = root

    async def _start(self, target: Target, protocol: str, *args: str) -> GitProcess:
        env = git_environment()
        env.update(protocol_env(protocol))
        path = str(self._root / f"{target.repository_id}.git")
        return await GitProcess.start(["git", *args, path], env)

    async def upload(self, target: Target, process: Process, protocol: str) -> int:
        git = await self._start(target, protocol, "upload-pack", "--strict")
        feeder = asyncio.get_running_loop().create_task(git.feed(b"", _stdin(process)))
        try:
            await _relay(git, process, stop_on_gone=True)
            return await git.wait()
        except GitTimeout as error:
            log.warning("%s", error)
            return 128
        finally:
            feeder.cancel()
            await git.stop()

    async def receive(self, target: Target, process: Process, protocol: str) -> int:
        advertise = await self._start(target, protocol, "receive-pack", "--advertise-refs")
        try:
            advertise.close_input()
            await _relay(advertise, process, stop_on_gone=True)
            if await advertise.wait() != 0:
                log.warning("git receive-pack --advertise-refs failed: %s", advertise.stderr.strip())
                return 128
        finally:
            await advertise.stop()
        source = _stdin(process)
        try:
            reader = await read_commands(source)
        except PktError as error:
            _error(process, f"malformed push: {error}")
            return 128
        if not reader.commands:
            return 0  # nothing to push: the client said so with a flush
        denial = await self._access.push_denial(target, reader.refs)
        if denial is not None:
            # Answered at once, then the pack (if any) is read and dropped until the client, which
            # reads the answer once it has sent its pack, closes.
            if reader.wants_report:
                process.stdout.write(
                    rejection_report(reader, "denied by IAM policy (codecommit:GitPush)", denial)
                )
            else:
                _error(process, denial)
            async for _ in source:
                pass
            return 0 if reader.wants_report else 128
        return await self._push(target, process, protocol, reader, source)

    async def _push(
        self,
        target: Target,
        process: Process,
        protocol: str,
        reader: CommandReader,
        source: AsyncIterator[bytes],
    ) -> int:
        before = self._git.refs(target.repository_id)
        scanner = ReportScanner(reader.sideband)
        git = await self._start(target, protocol, "receive-pack", "--stateless-rpc")
        feeder = asyncio.get_running_loop().create_task(git.feed(bytes(reader.consumed), source))
        code = 128
        try:
            # A push whose pack is in completes even if the client goes, and is recorded.
            await _relay(git, process, scanner=scanner, stop_on_gone=False)
            code = await git.wait()
        except GitTimeout as error:
            log.warning("%s", error)
        finally:
            feeder.cancel()
            await git.stop()
            after = self._git.refs(target.repository_id)
            await self._access.record_push(target, push_changes(reader.commands, scanner, before, after))
        return code


async def _stdin(process: Process) -> AsyncIterator[bytes]:
    """What the client sends, until it closes, goes away or sends nothing for IDLE_TIMEOUT."""
    try:
        while True:
            async with asyncio.timeout(IDLE_TIMEOUT):
                chunk = await process.stdin.read(CHUNK)
            if not chunk:
                return
            yield chunk
    except _GONE:
        return
    except TimeoutError:
        log.warning("an SSH client sent nothing for %.0f s", IDLE_TIMEOUT)


async def _relay(
    git: GitProcess, process: Process, *, stop_on_gone: bool, scanner: ReportScanner | None = None
) -> None:
    """Copies git's output to the client as it comes (waiting while the channel is full)."""
    gone = False
    while chunk := await git.read():
        if scanner is not None:
            scanner.feed(chunk)
        if gone:
            continue
        try:
            process.stdout.write(chunk)
            await process.stdout.drain()
        except _GONE:
            gone = True
            if stop_on_gone:
                await git.stop()


def _error(process: Process, message: str) -> None:
    process.stderr.write(f"fatal: {message}\n".encode())
