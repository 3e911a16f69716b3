"""The SSH server's pieces that need no connection: its host key file and the commands it takes."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from codeyard.git.ssh_server import HOST_KEY_FILE, host_key, parse_command


def test_the_host_key_is_made_once_and_readable_by_its_owner_only(tmp_path: Path) -> None:
    first = host_key(tmp_path)
    path = tmp_path / HOST_KEY_FILE
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert first.algorithm == b"ssh-ed25519"
    again = host_key(tmp_path)
    assert again.export_public_key() == first.export_public_key()


@pytest.mark.parametrize(
    ("command", "parsed"),
    [
        ("git-upload-pack '/v1/repos/web'", ("git-upload-pack", "web")),
        ("git-receive-pack '/v1/repos/my.repo_1'", ("git-receive-pack", "my.repo_1")),
        ("git upload-pack 'v1/repos/web/'", ("git-upload-pack", "web")),
        ("git-upload-archive '/v1/repos/web'", None),
        ("git-upload-pack '/v1/repos/web/extra'", None),
        ("git-upload-pack '/etc/passwd'", None),
        ("git-upload-pack '/v1/repos/'", None),
        ("git-upload-pack 'unterminated", None),
        ("sh -c id", None),
        ("", None),
    ],
)
def test_commands(command: str, parsed: tuple[str, str] | None) -> None:
    assert parse_command(command) == parsed
