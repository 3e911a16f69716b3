"""Git benchmark: clone and push through Codeyard and through bare `git http-backend`, side by side.

A 30 MB, 200-commit repository (incompressible blobs, so the pack is about 30 MB) is pushed to an
empty repository and cloned back, through Codeyard (IAM git credentials, authorisation, ref events)
and through the peer (bench/git_peer.py: `git http-backend` behind a minimal HTTP server), rounds
interleaved. Then 4 clones at once on each, and the CodeCommit API latencies of GetFile,
GetDifferences and MergeBranchesByThreeWay (client wall time and server CPU per call).

    .venv/bin/python bench/git.py [--rounds 5] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import quote

import boto3
import psutil
from botocore.config import Config

from api import KEY, SECRET, clients, start_codeyard, stop

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.support.server import free_port  # noqa: E402

COMMITS = 200
BLOB_BYTES = 150 * 1024  # x 200 commits = 30 MB of incompressible content
GIT_ENV = {
    **{k: v for k, v in os.environ.items() if not k.startswith("GIT_")},
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_CONFIG_GLOBAL": "/dev/null",
    "GIT_TERMINAL_PROMPT": "0",
}


def git(*args: str, cwd: Path | None = None) -> str:
    done = subprocess.run(["git", *args], cwd=cwd, env=GIT_ENV, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"git {' '.join(args)}: {done.stderr.strip()}")
    return done.stdout


def make_source(path: Path) -> None:
    """200 commits, each adding a 150 KB random blob and editing a small text file (fast-import)."""
    git("init", "-q", "-b", "main", str(path))
    rng = random.Random(42)
    stream = bytearray()
    for i in range(COMMITS):
        blob = rng.randbytes(BLOB_BYTES)
        text = f"line {i}\n".encode() * 20
        message = f"commit {i}\n".encode()
        stream += b"commit refs/heads/main\n"
        stream += b"committer Bench <bench@example.com> %d +0000\n" % (1_700_000_000 + i)
        stream += b"data %d\n%s" % (len(message), message)
        stream += b"M 100644 inline data/blob-%03d.bin\ndata %d\n%s\n" % (i, len(blob), blob)
        stream += b"M 100644 inline notes.txt\ndata %d\n%s\n" % (len(text), text)
    subprocess.run(["git", "fast-import", "--quiet"], cwd=path, input=bytes(stream), env=GIT_ENV, check=True)
    git("reset", "-q", "--hard", "main", cwd=path)


class Peer:
    def __init__(self, root: Path) -> None:
        self.root = root
        root.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self.process = subprocess.Popen(
            [
                sys.executable,
                str(Path(__file__).with_name("git_peer.py")),
                "--root",
                str(root),
                "--port",
                str(self.port),
            ]
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                git("ls-remote", f"http://127.0.0.1:{self.port}/none.git")
            except RuntimeError as error:
                if "not found" in str(error).lower() or "404" in str(error):
                    return
            time.sleep(0.1)
        raise RuntimeError("peer did not start")

    def new_repository(self, name: str) -> str:
        path = self.root / f"{name}.git"
        git("init", "-q", "--bare", "-b", "main", str(path))
        git("config", "http.receivepack", "true", cwd=path)
        return f"http://127.0.0.1:{self.port}/{name}.git"


class Codeyard:
    def __init__(self, data_dir: Path) -> None:
        self.process, self.endpoint = start_codeyard(data_dir)
        self.c = clients(self.endpoint)
        iam = self.c["iam"]
        iam.create_user(UserName="bench-git")
        iam.put_user_policy(
            UserName="bench-git",
            PolicyName="git",
            PolicyDocument=json.dumps(
                {
                    "Version": "2012-10-17",
                    "Statement": [{"Effect": "Allow", "Action": "codecommit:*", "Resource": "*"}],
                }
            ),
        )
        credential = iam.create_service_specific_credential(
            UserName="bench-git", ServiceName="codecommit.amazonaws.com"
        )["ServiceSpecificCredential"]
        self.user = quote(credential["ServiceUserName"], safe="")
        self.password = quote(credential["ServicePassword"], safe="")
        self.codecommit = boto3.session.Session(
            aws_access_key_id=KEY, aws_secret_access_key=SECRET, region_name="us-east-1"
        ).client("codecommit", endpoint_url=self.endpoint, config=Config(retries={"max_attempts": 1}))

    def new_repository(self, name: str) -> str:
        self.codecommit.create_repository(repositoryName=name)
        return (
            f"http://{self.user}:{self.password}@127.0.0.1:{self.endpoint.rsplit(':', 1)[1]}/v1/repos/{name}"
        )


def cpu_of(pid: int) -> float:
    times = psutil.Process(pid).cpu_times()
    return times.user + times.system + times.children_user + times.children_system


def timed(action: Callable[[], Any], pid: int) -> tuple[float, float]:
    """Wall seconds and server CPU seconds of one action."""
    cpu, started = cpu_of(pid), time.perf_counter()
    action()
    return time.perf_counter() - started, cpu_of(pid) - cpu


def clone_many(url: str, into: Path, count: int) -> None:
    threads = [
        threading.Thread(target=git, args=("clone", "-q", "--bare", url, str(into / f"c{i}.git")))
        for i in range(count)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for i in range(count):
        if not (into / f"c{i}.git" / "HEAD").exists():
            raise RuntimeError(f"clone {i} from {url} failed")


def transfer_rounds(
    servers: dict[str, Any], source: Path, work: Path, rounds: int
) -> dict[str, dict[str, list[float]]]:
    figures: dict[str, dict[str, list[float]]] = {name: {} for name in servers}
    for r in range(rounds):
        for name, (server, pid) in servers.items():
            url = server.new_repository(f"bench{r}")
            wall, cpu = timed(partial(git, "push", "-q", url, "main", cwd=source), pid)
            figures[name].setdefault("push_s", []).append(wall)
            figures[name].setdefault("push_cpu_s", []).append(cpu)
            target = work / f"{name}-clone-{r}"
            wall, cpu = timed(partial(git, "clone", "-q", "--bare", url, str(target)), pid)
            shutil.rmtree(target)
            figures[name].setdefault("clone_s", []).append(wall)
            figures[name].setdefault("clone_cpu_s", []).append(cpu)
            many = work / f"{name}-many-{r}"
            many.mkdir()
            wall, _ = timed(partial(clone_many, url, many, 4), pid)
            shutil.rmtree(many)
            figures[name].setdefault("clone4_s", []).append(wall)
    return figures


def api_latencies(cy: Codeyard, source: Path, calls: int) -> dict[str, dict[str, float]]:
    """GetFile, GetDifferences and three-way merges of small branches, on the pushed repository."""
    cc = cy.codecommit
    url = cy.new_repository("api")
    git("push", "-q", url, "main", cwd=source)
    work = source.parent / "merges"
    git("clone", "-q", url, str(work))
    for i in range(calls):  # pairs of small diverging branches: src-i edits one file, dst-i another
        git("checkout", "-q", "-B", f"dst-{i}", "main", cwd=work)
        (work / f"dst-{i}.txt").write_text(f"destination {i}\n")
        git("add", ".", cwd=work)
        git("-c", "user.name=b", "-c", "user.email=b@x", "commit", "-q", "-m", f"dst {i}", cwd=work)
        git("checkout", "-q", "-B", f"src-{i}", "main", cwd=work)
        (work / f"src-{i}.txt").write_text(f"source {i}\n")
        git("add", ".", cwd=work)
        git("-c", "user.name=b", "-c", "user.email=b@x", "commit", "-q", "-m", f"src {i}", cwd=work)
    git("push", "-q", "origin", "--all", cwd=work)
    first = git("rev-list", "--max-parents=0", "main", cwd=source).strip()
    operations: dict[str, Callable[[int], Any]] = {
        "GetFile": lambda i: cc.get_file(repositoryName="api", filePath=f"data/blob-{i % COMMITS:03d}.bin"),
        "GetDifferences": lambda i: cc.get_differences(
            repositoryName="api", beforeCommitSpecifier=first, afterCommitSpecifier="main", MaxResults=100
        ),
        "MergeBranchesByThreeWay": lambda i: cc.merge_branches_by_three_way(
            repositoryName="api",
            sourceCommitSpecifier=f"src-{i}",
            destinationCommitSpecifier=f"dst-{i}",
            targetBranch=f"dst-{i}",
        ),
    }
    pid = cy.process.pid
    out: dict[str, dict[str, float]] = {}
    for name, call in operations.items():
        if name != "MergeBranchesByThreeWay":
            call(0)  # warm-up (a merge cannot be repeated: each pair of branches merges once)
        indexes = range(1, calls) if name == "MergeBranchesByThreeWay" else range(calls)
        walls: list[float] = []
        cpu = cpu_of(pid)
        for i in indexes:
            started = time.perf_counter()
            call(i)
            walls.append(time.perf_counter() - started)
        # /proc counts CPU in 10 ms ticks: only the total over many calls means something.
        out[name] = {
            "wall_ms_median": statistics.median(walls) * 1000,
            "server_cpu_ms_mean": (cpu_of(pid) - cpu) * 1000 / len(walls),
        }
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--calls", type=int, default=100)
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="codeyard-gitbench-"))
    peer: Peer | None = None
    cy: Codeyard | None = None
    try:
        source = work / "source"
        make_source(source)
        peer = Peer(work / "peer")
        cy = Codeyard(work / "codeyard")
        servers = {"git http-backend": (peer, peer.process.pid), "codeyard": (cy, cy.process.pid)}
        transfer = transfer_rounds(servers, source, work, args.rounds)
        latencies = api_latencies(cy, source, args.calls)
    finally:
        if cy is not None:
            stop(cy.process)
        if peer is not None:
            peer.process.terminate()
            peer.process.wait(10)
        shutil.rmtree(work, ignore_errors=True)

    size_mb = COMMITS * BLOB_BYTES / 1e6
    base = transfer["git http-backend"]
    print(f"repository: {COMMITS} commits, {size_mb:.0f} MB of blobs; {args.rounds} rounds, medians")
    print(
        f"{'server':<18} {'push s':>7} {'clone s':>8} {'4 clones s':>11} {'4x/1x':>6} {'push cpu s':>11} {'clone cpu s':>12}"
    )
    for name, f in transfer.items():
        med = {k: statistics.median(v) for k, v in f.items()}
        print(
            f"{name:<18} {med['push_s']:>7.2f} {med['clone_s']:>8.2f} {med['clone4_s']:>11.2f} "
            f"{med['clone4_s'] / med['clone_s']:>6.2f} {med['push_cpu_s']:>11.2f} {med['clone_cpu_s']:>12.2f}"
        )
    cyf = {k: statistics.median(v) for k, v in transfer["codeyard"].items()}
    basef = {k: statistics.median(v) for k, v in base.items()}
    print(
        f"codeyard / bare git: push {cyf['push_s'] / basef['push_s']:.2f}x, "
        f"clone {cyf['clone_s'] / basef['clone_s']:.2f}x, 4 clones {cyf['clone4_s'] / basef['clone4_s']:.2f}x"
    )
    for name, f in latencies.items():
        print(
            f"{name:<24} wall {f['wall_ms_median']:6.1f} ms (median)   server CPU {f['server_cpu_ms_mean']:6.1f} ms (mean)"
        )
    print(f"(machine: {os.cpu_count()} cores)")
    if args.json:
        args.json.write_text(json.dumps({"transfer": transfer, "api": latencies}, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
