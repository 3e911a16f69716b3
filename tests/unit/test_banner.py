"""What `codeyard up` prints: endpoint, git addresses, credentials once."""

from __future__ import annotations

from pathlib import Path

from codeyard.bootstrap import RootCredentials, banner
from codeyard.config import Settings


def test_banner_names_git_over_http_and_ssh_when_on(tmp_path: Path) -> None:
    root = RootCredentials("AKIAROOT", "secret", False, tmp_path / "root-credentials.json")
    plain = banner(Settings(data_dir=tmp_path, port=4567), root)
    assert "Git over HTTP: http://127.0.0.1:4567/v1/repos/<repository>" in plain
    assert "SSH" not in plain
    with_ssh = banner(
        Settings(data_dir=tmp_path, port=4567, ssh_port=2222, public_url="https://git.example"), root
    )
    assert "Git over HTTP: https://git.example/v1/repos/<repository>" in with_ssh
    assert "Git over SSH: ssh://<SSH key id>@127.0.0.1:2222/v1/repos/<repository>" in with_ssh
