"""A real Codeyard server in a subprocess on a free loopback port."""

from __future__ import annotations

import functools
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

ROOT_KEY = "AKIAROOTTESTKEY00001"
ROOT_SECRET = "root-secret-for-tests-only-0123456789abcd"


@functools.cache
def _session() -> Any:
    import boto3

    return boto3.session.Session()


def _new_client(
    endpoint: str, service: str, key: str, secret: str, token: str | None, region: str, **kwargs: Any
) -> Any:
    from botocore.config import Config

    return _session().client(
        service,
        endpoint_url=endpoint,
        region_name=region,
        aws_access_key_id=key,
        aws_secret_access_key=secret,
        aws_session_token=token,
        config=kwargs.pop("config", Config(retries={"max_attempts": 1, "mode": "standard"})),
        **kwargs,
    )


@functools.lru_cache(maxsize=512)
def _cached_client(endpoint: str, service: str, key: str, secret: str, token: str | None, region: str) -> Any:
    return _new_client(endpoint, service, key, secret, token, region)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Server:
    data_dir: Path
    database_url: str = ""
    test_mode: bool = True
    port: int = field(default_factory=free_port)
    extra_env: dict[str, str] = field(default_factory=dict)
    process: subprocess.Popen[bytes] | None = None
    log_path: Path | None = None

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 60.0) -> Server:
        args = [
            sys.executable,
            "-m",
            "codeyard",
            "up",
            "--port",
            str(self.port),
            "--data-dir",
            str(self.data_dir),
            "--root-access-key-id",
            ROOT_KEY,
            "--root-secret-access-key",
            ROOT_SECRET,
        ]
        if self.database_url:
            args += ["--database-url", self.database_url]
        if self.test_mode:
            args.append("--test-mode")
        env = {k: v for k, v in os.environ.items() if not k.startswith("CODEYARD_")}
        env.update(self.extra_env)
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.log_path = self.data_dir / f"server-{self.port}.log"
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT, env=env)
        self.wait_ready(timeout)
        return self

    def wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.process is not None
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited with {self.process.returncode}:\n{self.log()}")
            try:
                if httpx.get(f"{self.endpoint}/_codeyard/v1/health", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.05)
        raise RuntimeError(f"server not ready after {timeout}s:\n{self.log()}")

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path and self.log_path.exists() else ""

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 20.0) -> int:
        if self.process is None:
            return 0
        if self.process.poll() is None:
            self.process.send_signal(sig)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout)
        code = self.process.returncode
        self.process = None
        return code

    def reset(self) -> None:
        response = httpx.post(f"{self.endpoint}/_codeyard/v1/reset", timeout=30)
        response.raise_for_status()

    def events(self, source: str | None = None) -> list[dict[str, Any]]:
        """The outbox, oldest first, as EventBridge envelopes (test mode only)."""
        params = {"source": source} if source else {}
        response = httpx.get(f"{self.endpoint}/_codeyard/v1/events", params=params, timeout=30)
        response.raise_for_status()
        events: list[dict[str, Any]] = response.json()["events"]
        return events

    def client(self, service: str, key: str = ROOT_KEY, secret: str = ROOT_SECRET, **kwargs: Any) -> Any:
        """A boto3 client for this server; plain ones are cached (making one costs ~0.1 s)."""
        region = kwargs.pop("region_name", "us-east-1")
        token = kwargs.pop("aws_session_token", None)
        if not kwargs:
            return _cached_client(self.endpoint, service, key, secret, token, region)
        return _new_client(self.endpoint, service, key, secret, token, region, **kwargs)

    def aws_env(
        self,
        *,
        key: str = ROOT_KEY,
        secret: str = ROOT_SECRET,
        token: str | None = None,
        region: str = "us-east-1",
    ) -> dict[str, str]:
        """The environment `aws` runs in against this server (for commands a test starts itself)."""
        env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
        env.update(
            AWS_ACCESS_KEY_ID=key,
            AWS_SECRET_ACCESS_KEY=secret,
            AWS_DEFAULT_REGION=region,
            AWS_CONFIG_FILE="/dev/null",
            AWS_SHARED_CREDENTIALS_FILE="/dev/null",
            AWS_MAX_ATTEMPTS="1",
        )
        if token:
            env["AWS_SESSION_TOKEN"] = token
        return env

    def aws(
        self,
        *args: str,
        key: str = ROOT_KEY,
        secret: str = ROOT_SECRET,
        token: str | None = None,
        region: str = "us-east-1",
        check: bool = True,
        data_path: Path | None = None,
    ) -> subprocess.CompletedProcess[str]:
        """Run the real `aws` CLI against this server; `data_path` is a folder of botocore models
        the CLI reads before its own (AWS_DATA_PATH), for operations newer than the models it ships."""
        aws = Path(sys.executable).with_name("aws")
        env = self.aws_env(key=key, secret=secret, token=token, region=region)
        if data_path is not None:
            env["AWS_DATA_PATH"] = str(data_path)
        result = subprocess.run(
            [str(aws), "--endpoint-url", self.endpoint, "--output", "json", *args],
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
            check=False,
        )
        if check and result.returncode != 0:
            raise AssertionError(f"aws {' '.join(args)} failed ({result.returncode}):\n{result.stderr}")
        return result
