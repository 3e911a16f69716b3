"""State survives a restart: stopped with SIGTERM or killed with SIGKILL, on SQLite and PostgreSQL."""

from __future__ import annotations

import signal
from typing import Any

import pytest

from tests.support.server import Server

BACKENDS = ["sqlite", "postgres"]
STOPS = {"sigterm": signal.SIGTERM, "sigkill": signal.SIGKILL}


def write_state(server: Server) -> dict[str, str]:
    """One of each kind of state: a user with an access key, parameters, a secret."""
    iam = server.client("iam")
    iam.create_user(UserName="restart-user", Tags=[{"Key": "team", "Value": "yard"}])
    key = iam.create_access_key(UserName="restart-user")["AccessKey"]
    ssm = server.client("ssm")
    ssm.put_parameter(Name="/restart/plain", Value="v1", Type="String")
    ssm.put_parameter(Name="/restart/plain", Value="v2", Type="String", Overwrite=True)
    ssm.put_parameter(Name="/restart/secure", Value="sealed value", Type="SecureString")
    server.client("secretsmanager").create_secret(Name="restart/secret", SecretString="s3cret")
    return {"key": key["AccessKeyId"], "secret": key["SecretAccessKey"]}


def check_state(server: Server, state: dict[str, str]) -> None:
    sts = server.client("sts")
    assert sts.get_caller_identity()["Arn"] == "arn:aws:iam::000000000000:root", "the root key survives"
    iam = server.client("iam")
    assert iam.get_user(UserName="restart-user")["User"]["Tags"] == [{"Key": "team", "Value": "yard"}]
    user = server.client("sts", key=state["key"], secret=state["secret"])
    assert user.get_caller_identity()["Arn"] == "arn:aws:iam::000000000000:user/restart-user"
    ssm = server.client("ssm")
    plain = ssm.get_parameter(Name="/restart/plain")["Parameter"]
    assert (plain["Value"], plain["Version"]) == ("v2", 2)
    secure = ssm.get_parameter(Name="/restart/secure", WithDecryption=True)["Parameter"]
    assert secure["Value"] == "sealed value"
    secret = server.client("secretsmanager").get_secret_value(SecretId="restart/secret")
    assert secret["SecretString"] == "s3cret"


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("stop", list(STOPS))
def test_state_survives_a_restart(make_server: Any, backend: str, stop: str) -> None:
    server: Server = make_server(backend=backend, test_mode=False)
    server.start()
    state = write_state(server)
    check_state(server, state)
    if backend == "sqlite":
        assert (server.data_dir / "codeyard.db-wal").exists(), "SQLite runs in WAL mode"
    code = server.stop(STOPS[stop])
    if stop == "sigterm":
        assert code == 0
        assert "Codeyard stopped." in server.log()
    else:
        assert code == -signal.SIGKILL

    server.start()
    check_state(server, state)
    if stop == "sigkill":
        # The database recovered from a kill takes writes, and those survive the next kill too.
        server.client("ssm").put_parameter(Name="/restart/after", Value="a", Type="String")
        assert server.stop(signal.SIGKILL) == -signal.SIGKILL
        server.start()
        check_state(server, state)
        assert server.client("ssm").get_parameter(Name="/restart/after")["Parameter"]["Value"] == "a"


def test_sigkill_right_after_a_write_keeps_the_write(make_server: Any) -> None:
    """A write is acknowledged only once committed: killing the process at once loses nothing."""
    server: Server = make_server(backend="sqlite", test_mode=False)
    server.start()
    ssm = server.client("ssm")
    for i in range(20):
        ssm.put_parameter(Name=f"/burst/{i}", Value=str(i), Type="String")
    assert server.stop(signal.SIGKILL) == -signal.SIGKILL
    server.start()
    names = []
    for page in server.client("ssm").get_paginator("get_parameters_by_path").paginate(Path="/burst"):
        names += [p["Name"] for p in page["Parameters"]]
    assert sorted(names) == sorted(f"/burst/{i}" for i in range(20))
