"""The `codeyard` command as a user runs it: settings, first start, restarts, test mode, errors."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import httpx
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from tests.support.postgres import PostgresCluster
from tests.support.server import free_port

CODEYARD = [sys.executable, "-m", "codeyard"]


def clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CODEYARD_", "AWS_"))}
    env.update(extra)
    return env


def run(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*CODEYARD, *args],
        cwd=cwd,
        env=env or clean_env(),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


class Up:
    """`codeyard up` in the foreground of a subprocess, as a terminal would run it."""

    def __init__(
        self, cwd: Path, *args: str, env: dict[str, str] | None = None, port: int | None = None
    ) -> None:
        self.port = port or free_port()
        self.host = "127.0.0.1"
        self.args = [*args] if port is None and "--port" not in args else list(args)
        if "--port" not in args and not (env and "CODEYARD_PORT" in env):
            self.args += ["--port", str(self.port)]
        self.cwd = cwd
        self.env = env or clean_env()
        self.out = cwd / f"up-{self.port}-{uuid.uuid4().hex[:6]}.out"
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def endpoint(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self, timeout: float = 60) -> Up:
        with self.out.open("wb") as sink:
            self.process = subprocess.Popen(
                [*CODEYARD, "up", *self.args],
                cwd=self.cwd,
                env=self.env,
                stdout=sink,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"codeyard up exited with {self.process.returncode}:\n{self.output()}")
            try:
                if httpx.get(f"{self.endpoint}/_codeyard/v1/health", timeout=1).status_code == 200:
                    return self
            except httpx.HTTPError:
                time.sleep(0.05)
        raise AssertionError(f"codeyard up not ready:\n{self.output()}")

    def output(self) -> str:
        return self.out.read_text(errors="replace")

    def stop(self, sig: int = signal.SIGINT) -> int:
        assert self.process is not None
        self.process.send_signal(sig)
        code = self.process.wait(30)
        self.process = None
        return code

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(30)

    def client(self, service: str, key: str, secret: str) -> Any:
        return boto3.session.Session(aws_access_key_id=key, aws_secret_access_key=secret).client(
            service,
            endpoint_url=self.endpoint,
            region_name="us-east-1",
            config=Config(retries={"max_attempts": 1}),
        )


@pytest.fixture
def up(tmp_path: Path) -> Iterator[Any]:
    started: list[Up] = []

    def factory(*args: str, env: dict[str, str] | None = None, port: int | None = None) -> Up:
        server = Up(tmp_path, *args, env=env, port=port)
        started.append(server)
        return server

    yield factory
    for server in started:
        server.kill()


def banner_key(output: str) -> tuple[str, str]:
    key = re.search(r"AWS_ACCESS_KEY_ID=(\S+)", output)
    secret = re.search(r"AWS_SECRET_ACCESS_KEY=(\S+)", output)
    assert key, output
    assert secret, output
    return key.group(1), secret.group(1)


# --- settings -------------------------------------------------------------------------------------


def test_config_prints_the_effective_settings_and_their_sources(tmp_path: Path) -> None:
    (tmp_path / "codeyard.toml").write_text('port = 1111\naccount_id = "222222222222"\nhost = "0.0.0.0"\n')
    env = clean_env(CODEYARD_PORT="3333", CODEYARD_ROOT_SECRET_ACCESS_KEY="s3cr3t-value")
    result = run("config", "--host", "127.0.0.9", "--root-access-key-id", "AKIAFLAG", cwd=tmp_path, env=env)
    assert result.returncode == 0, result.stderr
    lines = {line.split("=")[0].strip(): line for line in result.stdout.splitlines()}
    assert lines["host"].endswith("= 127.0.0.9  (flag --host)")
    assert lines["port"].endswith("= 3333  (environment CODEYARD_PORT)")
    assert lines["account_id"].endswith("= 222222222222  (codeyard.toml)")
    assert lines["log_level"].endswith("= info  (default)")
    assert lines["root_secret_access_key"].endswith(
        "= ********  (environment CODEYARD_ROOT_SECRET_ACCESS_KEY)"
    )
    assert "s3cr3t-value" not in result.stdout


@pytest.mark.parametrize(
    ("args", "env", "toml", "message"),
    [
        (["--port", "abc"], {}, None, "port must be a number, not 'abc' (from flag --port)"),
        ([], {"CODEYARD_PORT": "abc"}, None, "(from environment CODEYARD_PORT)"),
        ([], {}, "colour = 'red'\n", "unknown setting 'colour'"),
        ([], {}, "port = [1\n", "not valid TOML"),
        ([], {}, "port = 'x'\n", "port must be a number"),
        (["--config", "missing.toml"], {}, None, "no such settings file"),
        (["--account-id", "42"], {}, None, "account_id must be 12 digits"),
    ],
    ids=["flag-port", "env-port", "unknown-key", "malformed-toml", "toml-port", "missing-file", "account"],
)
@pytest.mark.parametrize("command", ["up", "config", "db upgrade"])
def test_bad_settings_are_one_line_and_exit_2(
    tmp_path: Path, command: str, args: list[str], env: dict[str, str], toml: str | None, message: str
) -> None:
    if toml is not None:
        (tmp_path / "codeyard.toml").write_text(toml)
    result = run(
        *command.split(), "--data-dir", str(tmp_path / "data"), *args, cwd=tmp_path, env=clean_env(**env)
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert result.stderr.startswith("codeyard: ")
    assert message in result.stderr


def test_db_upgrade_on_a_fresh_data_dir(tmp_path: Path) -> None:
    data = tmp_path / "fresh" / "data"
    result = run("db", "upgrade", "--data-dir", str(data), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert re.search(r"at revision \S+", result.stdout)
    assert (data / "codeyard.db").is_file()
    assert data.stat().st_mode & 0o777 == 0o700
    assert "alembic" not in result.stdout + result.stderr
    again = run("db", "upgrade", "--data-dir", str(data), cwd=tmp_path)
    assert again.returncode == 0
    assert again.stdout == result.stdout


def test_db_upgrade_on_postgres(tmp_path: Path, postgres: PostgresCluster) -> None:
    url = postgres.create_database("cy_" + uuid.uuid4().hex[:12])
    result = run("db", "upgrade", "--data-dir", str(tmp_path / "d"), "--database-url", url, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "at revision" in result.stdout


def test_unreachable_database_is_a_one_line_error(tmp_path: Path) -> None:
    url = f"postgresql+psycopg://nobody:pw@127.0.0.1:{free_port()}/nothing"
    for command in (["up", "--port", str(free_port())], ["db", "upgrade"]):
        result = run(*command, "--data-dir", str(tmp_path / "d"), "--database-url", url, cwd=tmp_path)
        assert result.returncode == 1
        assert "Traceback" not in result.stderr
        assert result.stderr.startswith(
            "codeyard: cannot open the database postgresql+psycopg://nobody:********@"
        )


# --- first start, second start --------------------------------------------------------------------


def test_first_start_makes_root_credentials_and_the_second_reuses_them(tmp_path: Path, up: Any) -> None:
    data = tmp_path / "data"
    first = up("--data-dir", str(data)).start()
    output = first.output()
    key, secret = banner_key(output)
    stored = json.loads((data / "root-credentials.json").read_text())
    assert stored == {"AccessKeyId": key, "SecretAccessKey": secret}
    assert (data / "root-credentials.json").stat().st_mode & 0o777 == 0o600
    assert f"aws configure set aws_access_key_id {key} --profile codeyard" in output
    assert f"aws configure set aws_secret_access_key {secret} --profile codeyard" in output
    assert f"export AWS_ENDPOINT_URL={first.endpoint}" in output
    assert "alembic" not in output
    assert first.client("sts", key, secret).get_caller_identity()["Arn"] == "arn:aws:iam::000000000000:root"
    assert first.stop(signal.SIGINT) == 0
    assert first.output().rstrip().endswith("Codeyard stopped.")
    assert "Traceback" not in first.output()

    second = up("--data-dir", str(data)).start()
    assert secret not in second.output()
    assert key in second.output()
    assert second.client("sts", key, secret).get_caller_identity()["Account"] == "000000000000"
    assert second.stop(signal.SIGTERM) == 0
    assert "Codeyard stopped." in second.output()


def test_corrupt_root_credentials_file_is_a_settings_error(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "root-credentials.json").write_text("{not json")
    result = run("up", "--data-dir", str(data), "--port", str(free_port()), cwd=tmp_path)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "root-credentials.json: not a root credentials file" in result.stderr


@pytest.mark.parametrize("how", ["flags", "environment"])
def test_explicit_root_credentials(tmp_path: Path, up: Any, how: str) -> None:
    key, secret = "AKIAEXPLICIT00000001", "explicit-secret-0123456789"
    if how == "flags":
        server = up(
            "--data-dir", str(tmp_path / how), "--root-access-key-id", key, "--root-secret-access-key", secret
        )
    else:
        env = clean_env(CODEYARD_ROOT_ACCESS_KEY_ID=key, CODEYARD_ROOT_SECRET_ACCESS_KEY=secret)
        server = up("--data-dir", str(tmp_path / how), env=env)
    server.start()
    assert secret not in server.output()
    assert not (tmp_path / how / "root-credentials.json").exists()
    assert server.client("sts", key, secret).get_caller_identity()["Arn"].endswith(":root")
    with pytest.raises(ClientError) as caught:
        server.client("sts", key, "wrong").get_caller_identity()
    assert caught.value.response["Error"]["Code"] == "SignatureDoesNotMatch"
    with pytest.raises(ClientError) as caught:
        server.client("sts", "AKIAUNKNOWN000000001", secret).get_caller_identity()
    assert caught.value.response["Error"]["Code"] == "InvalidClientTokenId"


def test_host_and_port_from_the_environment(tmp_path: Path, up: Any) -> None:
    port = free_port()
    env = clean_env(CODEYARD_HOST="127.0.0.2", CODEYARD_PORT=str(port))
    server = up("--data-dir", str(tmp_path / "d"), env=env, port=port)
    server.host = "127.0.0.2"
    server.start()
    assert f"listening on http://127.0.0.2:{port}" in server.output()
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"http://127.0.0.1:{port}/_codeyard/v1/health", timeout=2)


def test_account_id_appears_in_arns(tmp_path: Path, up: Any) -> None:
    server = up("--data-dir", str(tmp_path / "d"), "--account-id", "123456789012", "--test-mode").start()
    result = subprocess.run(
        [
            str(Path(sys.executable).with_name("aws")),
            "--endpoint-url",
            server.endpoint,
            "sts",
            "get-caller-identity",
        ],
        env=clean_env(
            AWS_ACCESS_KEY_ID="AKIAANY",
            AWS_SECRET_ACCESS_KEY="any",
            AWS_DEFAULT_REGION="eu-west-1",
            AWS_MAX_ATTEMPTS="1",
        ),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    identity = json.loads(result.stdout)
    assert identity["Account"] == "123456789012"
    assert identity["Arn"] == "arn:aws:iam::123456789012:root"


def test_port_in_use_is_a_one_line_error(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run("up", "--data-dir", str(tmp_path / "d"), "--port", str(port), cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.strip() == f"codeyard: cannot listen on 127.0.0.1:{port}: Address already in use"


# --- test mode ------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/_codeyard/v1/reset", "/moto-api/reset"])
def test_test_mode_reset_wipes_state_but_keeps_the_root_key(tmp_path: Path, up: Any, path: str) -> None:
    key, secret = "AKIAROOTKEPT00000001", "kept-secret-0123456789"
    server = up(
        "--data-dir",
        str(tmp_path / "d"),
        "--test-mode",
        "--root-access-key-id",
        key,
        "--root-secret-access-key",
        secret,
    ).start()
    assert "Test mode" in server.output()
    anyone = server.client("sts", "AKIAANYONE0000000001", "whatever")
    assert anyone.get_caller_identity()["Arn"] == "arn:aws:iam::000000000000:root"
    ssm = server.client("ssm", key, secret)
    ssm.put_parameter(Name="/before/reset", Value="v", Type="String")
    assert httpx.post(server.endpoint + path).status_code == 200
    with pytest.raises(ClientError) as caught:
        ssm.get_parameter(Name="/before/reset")
    assert caught.value.response["Error"]["Code"] == "ParameterNotFound"
    assert server.client("sts", key, secret).get_caller_identity()["Arn"].endswith(":root")
    with pytest.raises(ClientError) as caught:
        server.client("sts", key, "not-the-secret").get_caller_identity()
    assert caught.value.response["Error"]["Code"] == "SignatureDoesNotMatch", "the root key is still verified"


def test_without_test_mode_there_is_no_reset_and_unknown_keys_are_refused(tmp_path: Path, up: Any) -> None:
    server = up("--data-dir", str(tmp_path / "d")).start()
    key, secret = banner_key(server.output())
    for path in ("/_codeyard/v1/reset", "/moto-api/reset"):
        assert httpx.post(server.endpoint + path).status_code == 404
    server.client("ssm", key, secret).put_parameter(Name="/kept", Value="v", Type="String")
    assert server.client("ssm", key, secret).get_parameter(Name="/kept")["Parameter"]["Value"] == "v"
    with pytest.raises(ClientError) as caught:
        server.client("sts", "AKIAANYONE0000000001", "whatever").get_caller_identity()
    assert caught.value.response["Error"]["Code"] == "InvalidClientTokenId"
