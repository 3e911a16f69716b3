"""Git over SSH (`ssh://<SSH key id>@host:port/v1/repos/<name>`), with asyncssh: the user name is
the id of an IAM user's uploaded SSH public key, and the key must be that one and Active."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import shlex
import socket
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import asyncssh

from codeyard.accounts import Principal
from codeyard.git.access import GIT_PULL, GIT_PUSH, GitAccess, Refused
from codeyard.git.ssh_sessions import GitSession

log = logging.getLogger("codeyard.git")

HOST_KEY_FILE = "ssh_host_ed25519_key"
PRINCIPAL = "codeyard_principal"
GRACEFUL_TIMEOUT = 5.0


def host_key(data_dir: Path) -> asyncssh.SSHKey:
    """The server's host key, made on first start (readable by its owner only)."""
    path = data_dir / HOST_KEY_FILE
    if not path.exists():
        key = asyncssh.generate_private_key("ssh-ed25519")
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass  # another server made it first
        else:
            with os.fdopen(fd, "wb") as handle:
                handle.write(key.export_private_key())
    return asyncssh.read_private_key(path)


class _Connection(asyncssh.SSHServer):
    """One client connection: public-key authentication against IAM."""

    def __init__(self, server: GitSshServer) -> None:
        self._server = server
        self._conn: asyncssh.SSHServerConnection | None = None

    def connection_made(self, conn: asyncssh.SSHServerConnection) -> None:
        self._conn = conn
        self._server.connections.add(conn)

    def connection_lost(self, exc: Exception | None) -> None:
        if self._conn is not None:
            self._server.connections.discard(self._conn)

    def begin_auth(self, username: str) -> bool:
        return True

    def password_auth_supported(self) -> bool:
        return False

    def public_key_auth_supported(self) -> bool:
        return True

    async def validate_public_key(self, username: str, key: asyncssh.SSHKey) -> bool:
        # Called for the key offered, then again with its signature: the last success is the one
        # that authenticates, and its principal is kept on the connection.
        public = key.export_public_key("openssh").decode()
        principal = await self._server.access.key_principal(username, public)
        if self._conn is not None:
            self._conn.set_extra_info(**{PRINCIPAL: principal})
        return principal is not None


class GitSshServer:
    """Serves git-upload-pack and git-receive-pack sessions on one listening socket."""

    def __init__(self, access: GitAccess, session: GitSession, data_dir: Path) -> None:
        self.access = access
        self._session = session
        self._data_dir = data_dir
        self.connections: set[asyncssh.SSHServerConnection] = set()
        self._sessions: set[asyncio.Task[Any]] = set()

    @contextlib.asynccontextmanager
    async def serving(self, sock: socket.socket) -> AsyncIterator[None]:
        """Serves on the bound socket while the context is open; on exit, lets the sessions in
        flight finish for a few seconds, then closes every connection."""
        acceptor = await asyncssh.listen(
            sock=sock,
            server_factory=lambda: _Connection(self),
            server_host_keys=[host_key(self._data_dir)],
            process_factory=self._process,
            encoding=None,
            allow_pty=False,
            x11_forwarding=False,
            agent_forwarding=False,
            allow_scp=False,
            keepalive_interval=30,
        )
        try:
            yield
        finally:
            acceptor.close()
            if self._sessions:
                await asyncio.wait(list(self._sessions), timeout=GRACEFUL_TIMEOUT)
            for conn in list(self.connections):
                conn.close()
            for conn in list(self.connections):
                with contextlib.suppress(Exception):
                    await asyncio.wait_for(conn.wait_closed(), 1.0)
            await acceptor.wait_closed()

    async def _process(self, process: asyncssh.SSHServerProcess[bytes]) -> None:
        task = asyncio.current_task()
        if task is not None:
            self._sessions.add(task)
        try:
            process.exit(await self._serve(process))
        except (asyncssh.Error, BrokenPipeError, ConnectionError):
            pass  # the client went away
        except Exception:
            log.exception("git SSH session failed: %s", process.command)
            process.exit(1)
        finally:
            if task is not None:
                self._sessions.discard(task)

    async def _serve(self, process: asyncssh.SSHServerProcess[bytes]) -> int:
        principal: Principal | None = process.get_extra_info(PRINCIPAL)
        parsed = parse_command(process.command or "")
        if principal is None or parsed is None:
            _error(process, "Codeyard serves only git-upload-pack and git-receive-pack on /v1/repos/<name>.")
            return 128
        service, name = parsed
        peer = process.get_extra_info("peername") or ("",)
        action = GIT_PUSH if service == "git-receive-pack" else GIT_PULL
        try:
            target = await self.access.open(principal, name, action, str(peer[0]) or "127.0.0.1")
        except Refused as refused:
            _error(process, refused.message)
            return 128
        env = process.env.get("GIT_PROTOCOL", "")
        if service == "git-upload-pack":
            return await self._session.upload(target, process, env)
        return await self._session.receive(target, process, env)


def parse_command(command: str) -> tuple[str, str] | None:
    """(service, repository name) of `git-upload-pack '/v1/repos/<name>'` and its kin."""
    try:
        words = shlex.split(command)
    except ValueError:
        return None
    if len(words) == 3 and words[0] == "git":
        words = [f"git-{words[1]}", words[2]]
    if len(words) != 2 or words[0] not in ("git-upload-pack", "git-receive-pack"):
        return None
    path = words[1].strip("/").split("/")
    if len(path) != 3 or path[:2] != ["v1", "repos"] or not path[2]:
        return None
    return words[0], path[2]


def _error(process: asyncssh.SSHServerProcess[bytes], message: str) -> None:
    process.stderr.write(f"fatal: {message}\n".encode())
