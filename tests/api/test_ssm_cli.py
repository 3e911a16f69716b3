"""SSM Parameter Store through the real `aws` CLI."""

from __future__ import annotations

import json

from tests.support.server import Server


def test_cli_secure_string_round_trip(server: Server) -> None:
    put = server.aws(
        "ssm", "put-parameter", "--name", "/cli/db/password", "--value", "p@ss w0rd", "--type", "SecureString"
    )
    assert json.loads(put.stdout) == {"Version": 1, "Tier": "Standard"}
    hidden = json.loads(server.aws("ssm", "get-parameter", "--name", "/cli/db/password").stdout)
    assert hidden["Parameter"]["Value"] != "p@ss w0rd"
    shown = json.loads(
        server.aws("ssm", "get-parameter", "--name", "/cli/db/password", "--with-decryption").stdout
    )
    assert shown["Parameter"]["Value"] == "p@ss w0rd"
    assert shown["Parameter"]["Type"] == "SecureString"


def test_cli_get_parameters_by_path_recursive(server: Server) -> None:
    server.aws("ssm", "put-parameter", "--name", "/cli/app/name", "--value", "shop", "--type", "String")
    server.aws("ssm", "put-parameter", "--name", "/cli/app/db/host", "--value", "db", "--type", "String")
    server.aws("ssm", "put-parameter", "--name", "/cli/app/db/pw", "--value", "pw", "--type", "SecureString")
    server.aws("ssm", "put-parameter", "--name", "/cli/elsewhere", "--value", "x", "--type", "String")
    result = server.aws(
        "ssm", "get-parameters-by-path", "--path", "/cli/app", "--recursive", "--with-decryption"
    )
    found = {p["Name"]: p["Value"] for p in json.loads(result.stdout)["Parameters"]}
    assert found == {"/cli/app/db/host": "db", "/cli/app/db/pw": "pw", "/cli/app/name": "shop"}


def test_cli_reports_errors(server: Server) -> None:
    result = server.aws("ssm", "get-parameter", "--name", "/cli/missing", check=False)
    assert result.returncode != 0
    assert "ParameterNotFound" in result.stderr
