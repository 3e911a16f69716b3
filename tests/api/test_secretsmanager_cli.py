"""Secrets Manager through the real `aws` CLI."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

from tests.support.server import Server


def _json(server: Server, *args: str) -> Any:
    return json.loads(server.aws("secretsmanager", *args).stdout)


def test_cli_create_and_get_string_secret(server: Server) -> None:
    created = _json(server, "create-secret", "--name", "cli/db", "--secret-string", '{"user":"admin"}')
    assert created["Name"] == "cli/db"
    assert created["ARN"].startswith("arn:aws:secretsmanager:us-east-1:000000000000:secret:cli/db-")
    value = _json(server, "get-secret-value", "--secret-id", "cli/db")
    assert json.loads(value["SecretString"]) == {"user": "admin"}
    assert value["VersionStages"] == ["AWSCURRENT"]
    assert value["VersionId"] == created["VersionId"]


def test_cli_binary_secret_from_file(server: Server, tmp_path: Path) -> None:
    payload = bytes(range(256)) * 4
    source = tmp_path / "key.bin"
    source.write_bytes(payload)
    _json(server, "create-secret", "--name", "cli/bin", "--secret-binary", f"fileb://{source}")
    value = _json(server, "get-secret-value", "--secret-id", "cli/bin")
    assert base64.b64decode(value["SecretBinary"]) == payload
    assert "SecretString" not in value


def test_cli_put_secret_value_and_previous_version(server: Server) -> None:
    _json(server, "create-secret", "--name", "cli/rot", "--secret-string", "v1")
    put = _json(server, "put-secret-value", "--secret-id", "cli/rot", "--secret-string", "v2")
    assert put["VersionStages"] == ["AWSCURRENT"]
    assert _json(server, "get-secret-value", "--secret-id", "cli/rot")["SecretString"] == "v2"
    previous = _json(server, "get-secret-value", "--secret-id", "cli/rot", "--version-stage", "AWSPREVIOUS")
    assert previous["SecretString"] == "v1"


def test_cli_delete_and_restore_secret(server: Server) -> None:
    created = _json(server, "create-secret", "--name", "cli/del", "--secret-string", "v")
    deleted = _json(server, "delete-secret", "--secret-id", "cli/del", "--recovery-window-in-days", "7")
    assert deleted["ARN"] == created["ARN"]
    assert "DeletionDate" in deleted
    refused = server.aws("secretsmanager", "get-secret-value", "--secret-id", "cli/del", check=False)
    assert refused.returncode != 0
    assert "InvalidRequestException" in refused.stderr
    assert "marked for deletion" in refused.stderr
    restored = _json(server, "restore-secret", "--secret-id", "cli/del")
    assert restored["Name"] == "cli/del"
    assert _json(server, "get-secret-value", "--secret-id", "cli/del")["SecretString"] == "v"


def test_cli_missing_secret_fails_with_aws_error(server: Server) -> None:
    result = server.aws("secretsmanager", "get-secret-value", "--secret-id", "cli/none", check=False)
    assert result.returncode != 0
    assert "ResourceNotFoundException" in result.stderr
    assert "Secrets Manager can't find the specified secret." in result.stderr
