"""The git tests' fixtures: IAM users with Git credentials or SSH keys, and a server with SSH on."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from tests.support.iam import Identity, client, make_user
from tests.support.server import Server, free_port

CODECOMMIT = "codecommit.amazonaws.com"


@dataclass
class GitUser:
    """An IAM user with Git credentials (HTTP Basic) for CodeCommit."""

    server: Server
    identity: Identity
    service_user: str
    password: str
    credential_id: str

    def url(self, repository: str, password: str | None = None) -> str:
        secret = self.password if password is None else password
        user = f"{quote(self.service_user, safe='')}:{quote(secret, safe='')}"
        return f"http://{user}@127.0.0.1:{self.server.port}/v1/repos/{repository}"

    @property
    def auth(self) -> tuple[str, str]:
        return self.service_user, self.password


def git_user(server: Server, name: str, *statements: dict[str, Any]) -> GitUser:
    identity = make_user(server, name, *statements)
    credential = client(server, "iam").create_service_specific_credential(
        UserName=name, ServiceName=CODECOMMIT
    )["ServiceSpecificCredential"]
    return GitUser(
        server,
        identity,
        credential["ServiceUserName"],
        credential["ServicePassword"],
        credential["ServiceSpecificCredentialId"],
    )


@dataclass
class SshServer:
    """A live server with the git SSH server on `ssh_port`."""

    server: Server
    ssh_port: int


@dataclass
class SshUser:
    """An IAM user with an uploaded SSH public key and the private key file beside it."""

    ssh: SshServer
    identity: Identity
    key_id: str
    key_file: Path

    def url(self, repository: str, key_id: str | None = None) -> str:
        return f"ssh://{key_id or self.key_id}@127.0.0.1:{self.ssh.ssh_port}/v1/repos/{repository}"

    def env(self, key_file: Path | None = None) -> dict[str, str]:
        command = (
            f"ssh -i {key_file or self.key_file} -p {self.ssh.ssh_port} -o IdentitiesOnly=yes -o BatchMode=yes "
            "-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR"
        )
        return {"GIT_SSH_COMMAND": command}


def key_pair(directory: Path, name: str, kind: str = "rsa") -> Path:
    """A fresh private key file (and `<file>.pub`) made by ssh-keygen."""
    path = directory / name
    args = ["-t", "rsa", "-b", "2048"] if kind == "rsa" else ["-t", kind]
    subprocess.run(["ssh-keygen", "-q", *args, "-N", "", "-C", name, "-f", str(path)], check=True, timeout=60)
    return path


def ssh_user(
    ssh: SshServer, directory: Path, name: str, *statements: dict[str, Any], kind: str = "ed25519"
) -> SshUser:
    """A user with a key pair of `kind` (AWS documents RSA; Codeyard also takes the quicker Ed25519)."""
    identity = make_user(ssh.server, name, *statements)
    key_file = key_pair(directory, name, kind)
    uploaded = client(ssh.server, "iam").upload_ssh_public_key(
        UserName=name, SSHPublicKeyBody=key_file.with_suffix(".pub").read_text()
    )["SSHPublicKey"]
    return SshUser(ssh, identity, uploaded["SSHPublicKeyId"], key_file)


@pytest.fixture(scope="session")
def ssh_live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SshServer]:
    port = free_port()
    server = Server(tmp_path_factory.mktemp("ssh-server"), extra_env={"CODEYARD_SSH_PORT": str(port)})
    server.start()
    yield SshServer(server, port)
    server.stop()


@pytest.fixture
def ssh_server(ssh_live_server: SshServer) -> SshServer:
    ssh_live_server.server.reset()
    return ssh_live_server
