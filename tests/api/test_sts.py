"""STS through boto3 and the aws CLI."""

from __future__ import annotations

from tests.support.server import ROOT_KEY, Server


def test_get_caller_identity_as_root(server: Server) -> None:
    identity = server.client("sts").get_caller_identity()
    assert identity["Account"] == "000000000000"
    assert identity["Arn"] == "arn:aws:iam::000000000000:root"


def test_cli_get_caller_identity(server: Server) -> None:
    import json

    result = server.aws("sts", "get-caller-identity", key=ROOT_KEY)
    assert json.loads(result.stdout)["Arn"].endswith(":root")
