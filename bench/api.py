"""API benchmark: the same boto3 request mix against Codeyard and moto's server, side by side.

Reports requests per second and the server's CPU time per request (user + system time of the
server process, read from /proc through psutil before and after the run).

    .venv/bin/python bench/api.py [--requests 2000] [--threads 4] [--skip-postgres]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import boto3
import httpx
import psutil
from botocore.config import Config

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.support.postgres import PostgresCluster  # noqa: E402
from tests.support.server import free_port  # noqa: E402

KEY, SECRET = "AKIABENCHROOT0000001", "bench-secret-key-0123456789abcdefghijklmn"


@dataclass
class Result:
    server: str
    requests: int
    seconds: float
    cpu_seconds: float

    @property
    def rps(self) -> float:
        return self.requests / self.seconds

    @property
    def cpu_ms_per_request(self) -> float:
        return self.cpu_seconds * 1000 / self.requests


def _wait(url: str, process: subprocess.Popen[bytes], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{url}: server exited with {process.returncode}")
        try:
            httpx.get(url, timeout=1)
            return
        except httpx.HTTPError:
            time.sleep(0.1)
    raise RuntimeError(f"{url} not ready")


def start_codeyard(data_dir: Path, database_url: str = "") -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    args = [
        sys.executable,
        "-m",
        "codeyard",
        "up",
        "--port",
        str(port),
        "--data-dir",
        str(data_dir),
        "--root-access-key-id",
        KEY,
        "--root-secret-access-key",
        SECRET,
        "--log-level",
        "warning",
    ]
    if database_url:
        args += ["--database-url", database_url]
    process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    endpoint = f"http://127.0.0.1:{port}"
    _wait(f"{endpoint}/_codeyard/v1/health", process)
    return process, endpoint


def start_moto() -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    endpoint = f"http://127.0.0.1:{port}"
    _wait(f"{endpoint}/moto-api/", process)
    return process, endpoint


def clients(endpoint: str) -> dict[str, Any]:
    session = boto3.session.Session(
        aws_access_key_id=KEY, aws_secret_access_key=SECRET, region_name="us-east-1"
    )
    config = Config(retries={"max_attempts": 1}, max_pool_connections=32)
    return {
        name: session.client(name, endpoint_url=endpoint, config=config)
        for name in ("sts", "ssm", "secretsmanager", "iam")
    }


def prepare(c: dict[str, Any]) -> None:
    c["ssm"].put_parameter(Name="/bench/config", Value="value-0", Type="String", Overwrite=True)
    c["ssm"].put_parameter(Name="/bench/secure", Value="s3cr3t", Type="SecureString", Overwrite=True)
    try:
        c["secretsmanager"].create_secret(Name="bench-secret", SecretString='{"password": "hunter2"}')
    except c["secretsmanager"].exceptions.ResourceExistsException:
        pass
    try:
        c["iam"].create_user(UserName="bench-user")
    except c["iam"].exceptions.EntityAlreadyExistsException:
        pass


def mix(c: dict[str, Any]) -> list[Callable[[], Any]]:
    """The request mix: reads and writes over the JSON and query protocols."""
    counter = iter(range(10**9))
    return [
        c["sts"].get_caller_identity,
        lambda: c["ssm"].get_parameter(Name="/bench/config"),
        lambda: c["ssm"].get_parameter(Name="/bench/secure", WithDecryption=True),
        lambda: c["ssm"].put_parameter(
            Name="/bench/config", Value=f"value-{next(counter)}", Type="String", Overwrite=True
        ),
        lambda: c["secretsmanager"].get_secret_value(SecretId="bench-secret"),
        lambda: c["iam"].get_user(UserName="bench-user"),
    ]


def run(name: str, pid: int, endpoint: str, requests: int, threads: int) -> Result:
    per_thread = requests // threads
    thread_clients = [clients(endpoint) for _ in range(threads)]
    prepare(thread_clients[0])
    for c in thread_clients:  # warm-up: connections, caches, lazy loads on both sides
        for call in mix(c) * 20:
            call()
    server = psutil.Process(pid)

    def cpu() -> float:
        total = server.cpu_times()
        own = total.user + total.system
        for child in server.children(recursive=True):
            times = child.cpu_times()
            own += times.user + times.system
        return own

    errors: list[BaseException] = []

    def worker(c: dict[str, Any]) -> None:
        calls = mix(c)
        try:
            for i in range(per_thread):
                calls[i % len(calls)]()
        except BaseException as error:  # reported after the run
            errors.append(error)

    before_cpu, started = cpu(), time.perf_counter()
    workers = [threading.Thread(target=worker, args=(c,)) for c in thread_clients]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    elapsed, used = time.perf_counter() - started, cpu() - before_cpu
    if errors:
        raise RuntimeError(f"{name}: {errors[0]!r}")
    return Result(name, per_thread * threads, elapsed, used)


def stop(process: subprocess.Popen[bytes]) -> None:
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(20)
    except subprocess.TimeoutExpired:
        process.kill()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--skip-postgres", action="store_true")
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args()

    results: list[Result] = []
    work = Path(tempfile.mkdtemp(prefix="codeyard-bench-"))
    cluster = None
    try:
        process, endpoint = start_moto()
        try:
            results.append(run("moto server", process.pid, endpoint, args.requests, args.threads))
        finally:
            stop(process)
        process, endpoint = start_codeyard(work / "sqlite")
        try:
            results.append(run("codeyard (SQLite)", process.pid, endpoint, args.requests, args.threads))
        finally:
            stop(process)
        if not args.skip_postgres:
            cluster = PostgresCluster().start()
            process, endpoint = start_codeyard(work / "pg", cluster.create_database("bench"))
            try:
                results.append(
                    run("codeyard (PostgreSQL)", process.pid, endpoint, args.requests, args.threads)
                )
            finally:
                stop(process)
    finally:
        if cluster is not None:
            cluster.stop()
        shutil.rmtree(work, ignore_errors=True)

    moto = results[0]
    print(f"{'server':<24} {'requests':>9} {'req/s':>9} {'CPU ms/req':>11} {'vs moto':>8}")
    for r in results:
        print(
            f"{r.server:<24} {r.requests:>9} {r.rps:>9.0f} {r.cpu_ms_per_request:>11.3f} "
            f"{moto.cpu_ms_per_request / r.cpu_ms_per_request:>7.1f}x"
        )
    print(f"(machine: {os.cpu_count()} cores; {args.threads} client threads; mix of 6 operations)")
    if args.json:
        payload = [asdict(r) | {"rps": r.rps, "cpu_ms_per_request": r.cpu_ms_per_request} for r in results]
        args.json.write_text(json.dumps(payload, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
