"""Build benchmarks, in parts: each part measures one thing and answers its figures.

Parts: `local` — `codeyard build` of a 5-command buildspec against the same commands run by plain
`bash` (target: at most 100 ms more per build), and the start-up of `codeyard build`; the server
parts, each on a `codeyard up` of its own (SQLite unless said): `pickup` — StartBuild to the runner's
first phase (PROVISIONING) begun, by the server's timestamps, builds one at a time (target p50 ≤
150 ms, p99 ≤ 500 ms; `--postgres` also on PostgreSQL); `throughput` — trivial builds queued at once,
builds per minute with 1, 2 and 4 runners; `logs` — a line printed by a build to the same line read
through GetLogEvents (target p50 ≤ 300 ms). Add a part as a function taking the parsed arguments and
answering a dict of figures, and register it in PARTS.

    .venv/bin/python bench/builds.py [--part local] [--runs 30] [--baseline SRC] [--builds 200]
        [--postgres] [--queued 100] [--json out.json]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

COMMANDS = (
    "echo building",
    "mkdir -p out",
    "printf 'one\\ntwo\\n' > out/list.txt",
    "wc -l out/list.txt",
    "test -s out/list.txt",
)
CODEYARD = (sys.executable, "-m", "codeyard")
SCRIPT = Path(sys.executable).with_name("codeyard")
# Modules that `codeyard build` must not load: the server's, not the runner's.
SERVER_MODULES = (
    "sqlalchemy",
    "botocore",
    "boto3",
    "codeyard.protocol",
    "codeyard.services",
    "codeyard.store",
)


@dataclass(frozen=True)
class Part:
    """One benchmark: its name, what it measures, and the function that measures it."""

    name: str
    about: str
    run: Callable[[argparse.Namespace], dict[str, Any]]


def _environment(scratch: Path) -> dict[str, str]:
    """This environment, with bytecode cached (in the scratch directory) as an installed package has it."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = str(scratch / "pycache")
    return env


def _timed(argv: Sequence[str], cwd: Path, env: dict[str, str]) -> tuple[float, float]:
    """Wall-clock and CPU (user + system, the process and its children) seconds of one run, which must succeed."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(argv, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def _project(root: Path) -> Path:
    """A small project: the buildspec and ten source files."""
    project = root / "project"
    (project / "src").mkdir(parents=True)
    for number in range(10):
        (project / "src" / f"module{number}.py").write_text(f"VALUE = {number}\n" * 50)
    commands = "".join(f"      - {json.dumps(command)}\n" for command in COMMANDS)
    (project / "buildspec.yml").write_text(f"version: 0.2\nphases:\n  build:\n    commands:\n{commands}")
    (project / "plain.sh").write_text("\n".join(COMMANDS) + "\n")
    return project


def _medians(
    variants: dict[str, list[str]],
    cwd: Path,
    env: dict[str, str],
    runs: int,
    own_env: dict[str, dict[str, str]] | None = None,
) -> tuple[dict[str, float], dict[str, float]]:
    """Median wall-clock and CPU milliseconds of each command line, the variants interleaved run by run
    (`own_env`: a variant's environment, instead of `env`)."""
    envs = {name: (own_env or {}).get(name, env) for name in variants}
    walls: dict[str, list[float]] = {name: [] for name in variants}
    cpus: dict[str, list[float]] = {name: [] for name in variants}
    for name, argv in variants.items():  # warm-up: page cache, bytecode
        _timed(argv, cwd, envs[name])
    for _ in range(runs):
        for name, argv in variants.items():
            wall, cpu = _timed(argv, cwd, envs[name])
            walls[name].append(wall)
            cpus[name].append(cpu)
    return _ms(walls), _ms(cpus)


def _ms(values: dict[str, list[float]]) -> dict[str, float]:
    return {name: round(statistics.median(times) * 1000, 1) for name, times in values.items()}


# `codeyard build -q` as `python -m codeyard` runs it, then the modules it loaded on the last line.
_LISTING = (
    "import sys, runpy\n"
    "sys.argv = ['codeyard', 'build', '-q']\n"
    "try:\n"
    "    runpy.run_module('codeyard', run_name='__main__')\n"
    "except SystemExit:\n"
    "    pass\n"
    "print(' '.join(sorted(sys.modules)))\n"
)


def _import_figures(project: Path, env: dict[str, str]) -> dict[str, Any]:
    """`python -X importtime` of a real `codeyard build` (the modules as that command loads them: the
    collector off, asyncio without ssl): codeyard.cli.main and codeyard.cli.build, server modules loaded."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", _LISTING],
        cwd=project,
        capture_output=True,
        text=True,
        check=True,
        env=env,
    )
    cumulative = {
        line.split("|")[2].strip(): int(line.split("|")[1])
        for line in done.stderr.splitlines()
        if line.startswith("import time:") and line.split("|")[1].strip().isdigit()
    }
    loaded = done.stdout.splitlines()[-1].split()
    server = sorted({m for m in loaded for s in SERVER_MODULES if m == s or m.startswith(s + ".")})
    return {
        "import_ms_cli_main": round(cumulative.get("codeyard.cli.main", 0) / 1000, 1),
        "import_ms_cli_build": round(cumulative.get("codeyard.cli.build", 0) / 1000, 1),
        "server_modules_loaded": server,
    }


def local(args: argparse.Namespace) -> dict[str, Any]:
    """`codeyard build` (a copy of the source, and --in-place) against plain bash; start-up figures."""
    with tempfile.TemporaryDirectory(prefix="bench-builds-") as scratch:
        project = _project(Path(scratch))
        variants = {
            "bash": ["bash", "--noprofile", "--norc", "-e", "plain.sh"],
            "codeyard_build": [*CODEYARD, "build"],
            "codeyard_build_in_place": [*CODEYARD, "build", "--in-place"],
            "python_startup": [sys.executable, "-c", "pass"],
            "codeyard_build_help": [*CODEYARD, "build", "--help"],
        }
        if SCRIPT.exists():  # the console script pip wrote, as a user types `codeyard build`
            variants["codeyard_script_build"] = [str(SCRIPT), "build"]
        env = _environment(Path(scratch))
        own_env: dict[str, dict[str, str]] = {}
        if args.baseline is not None:  # another version of Codeyard's code, in the same run
            variants["baseline_build"] = [*CODEYARD, "build"]
            own_env["baseline_build"] = {**env, "PYTHONPATH": str(args.baseline.resolve())}
        load_before = os.getloadavg()[0]
        medians, cpu = _medians(variants, project, env, args.runs, own_env)
        load_after = os.getloadavg()[0]
        imports = _import_figures(project, env)
    figures: dict[str, Any] = {
        "runs": args.runs,
        "load_average": [round(load_before, 2), round(load_after, 2)],
        "median_ms": medians,
        "median_cpu_ms": cpu,
        "overhead_ms": round(medians["codeyard_build"] - medians["bash"], 1),
        "overhead_in_place_ms": round(medians["codeyard_build_in_place"] - medians["bash"], 1),
        "overhead_cpu_ms": round(cpu["codeyard_build"] - cpu["bash"], 1),
    }
    if "codeyard_script_build" in medians:
        figures["overhead_script_ms"] = round(medians["codeyard_script_build"] - medians["bash"], 1)
    if "baseline_build" in medians:
        figures["overhead_baseline_ms"] = round(medians["baseline_build"] - medians["bash"], 1)
        figures["overhead_baseline_cpu_ms"] = round(cpu["baseline_build"] - cpu["bash"], 1)
    return {**figures, **imports}


# ---------------------------------------------------------------------------------------------
# Server parts: a `codeyard up` of their own (bench/api.py's helpers), builds through boto3.

BENCH = Path(__file__).resolve().parent
ROLE = "arn:aws:iam::000000000000:role/codebuild-service"
ENVIRONMENT = {
    "type": "LINUX_CONTAINER",
    "image": "aws/codebuild/standard:7.0",
    "computeType": "BUILD_GENERAL1_SMALL",
}
TOKEN_FILE = "runner-registration-token"
STAMP = "stamp"
# Prints a line with the time (ns since the epoch) every 100 ms, `count` times.
STAMP_COMMAND = 'for i in $(seq {count}); do echo "' + STAMP + ' $(date +%s%N)"; sleep 0.1; done'


def _api() -> Any:
    """bench/api.py, imported only by the server parts (it loads boto3 and the test support)."""
    if str(BENCH) not in sys.path:
        sys.path.insert(0, str(BENCH))
    import api

    return api


def _spec(*commands: str) -> str:
    lines = "".join(f"      - {json.dumps(command)}\n" for command in commands)
    return f"version: 0.2\nphases:\n  build:\n    commands:\n{lines}"


class Server:
    """A `codeyard up` in a scratch directory (its embedded runner on or off), with extra runners."""

    def __init__(self, scratch: Path, *, runner: bool = True, database_url: str = "") -> None:
        self._api = _api()
        self.data_dir = scratch / "data"
        self._scratch = scratch
        self._runners: list[subprocess.Popen[bytes]] = []
        saved = os.environ.get("CODEYARD_RUNNER")
        os.environ["CODEYARD_RUNNER"] = "on" if runner else "off"
        try:
            self.process, self.endpoint = self._api.start_codeyard(self.data_dir, database_url)
        finally:
            if saved is None:
                del os.environ["CODEYARD_RUNNER"]
            else:
                os.environ["CODEYARD_RUNNER"] = saved
        import boto3
        from botocore.config import Config

        session = boto3.session.Session(
            aws_access_key_id=self._api.KEY, aws_secret_access_key=self._api.SECRET, region_name="us-east-1"
        )
        config = Config(retries={"max_attempts": 1}, max_pool_connections=8)
        self.codebuild = session.client("codebuild", endpoint_url=self.endpoint, config=config)
        self.logs = session.client("logs", endpoint_url=self.endpoint, config=config)

    @property
    def runners(self) -> int:
        """The runners started beside the server's own."""
        return len(self._runners)

    def add_runner(self) -> None:
        """One more `codeyard runner` process, registered with the server's token."""
        token = (self.data_dir / TOKEN_FILE).read_text().strip()
        work = self._scratch / f"runner-{len(self._runners)}"
        work.mkdir()
        env = {k: v for k, v in os.environ.items() if not k.startswith("CODEYARD_")}
        env["CODEYARD_RUNNER_TOKEN"] = token
        argv = [*CODEYARD, "runner", "--server", self.endpoint, "--work-dir", str(work), "--name", work.name]
        self._runners.append(
            subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        )

    def project(self, name: str, *commands: str) -> str:
        self.codebuild.create_project(
            name=name,
            source={"type": "NO_SOURCE", "buildspec": _spec(*commands)},
            artifacts={"type": "NO_ARTIFACTS"},
            environment=ENVIRONMENT,
            serviceRole=ROLE,
        )
        return name

    def start(self, project: str) -> dict[str, Any]:
        build: dict[str, Any] = self.codebuild.start_build(projectName=project)["build"]
        return build

    def builds(self, ids: Sequence[str]) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = []
        for first in range(0, len(ids), 100):  # BatchGetBuilds takes up to 100 ids
            found += self.codebuild.batch_get_builds(ids=list(ids[first : first + 100]))["builds"]
        return found

    def until_complete(
        self, ids: Sequence[str], timeout: float, interval: float = 0.05
    ) -> list[dict[str, Any]]:
        """The builds once all completed (polled every `interval` s); fails after `timeout` s."""
        deadline = time.monotonic() + timeout
        while True:
            found = self.builds(ids)
            if all(b["buildComplete"] for b in found):
                return found
            if time.monotonic() > deadline:
                waiting = [f"{b['id']} in {b['currentPhase']}" for b in found if not b["buildComplete"]]
                raise RuntimeError(f"builds not complete after {timeout} s: {', '.join(waiting[:5])}")
            time.sleep(interval)

    def cpu_seconds(self) -> tuple[float, float]:
        """CPU seconds (user + system, waited-for children included) of the server and of the runners
        beside it; the embedded runner, a child of the server, counts as the server's while it runs."""
        import psutil

        def used(process: subprocess.Popen[bytes]) -> float:
            times = psutil.Process(process.pid).cpu_times()
            return times.user + times.system + times.children_user + times.children_system

        return used(self.process), sum(used(runner) for runner in self._runners)

    def close(self) -> None:
        for runner in self._runners:
            self._api.stop(runner)
        self._api.stop(self.process)


@contextlib.contextmanager
def _server(scratch: Path, **options: Any) -> Iterator[Server]:
    server = Server(scratch, **options)
    try:
        yield server
    finally:
        server.close()


def _percentiles(values: Sequence[float]) -> dict[str, float]:
    """p50, p99 and max of millisecond figures (p99 the nearest rank), rounded to 0.1 ms."""
    ordered = sorted(values)
    rank = max(0, math.ceil(0.99 * len(ordered)) - 1)
    return {
        "p50_ms": round(statistics.median(ordered), 1),
        "p99_ms": round(ordered[rank], 1),
        "max_ms": round(ordered[-1], 1),
        "min_ms": round(ordered[0], 1),
    }


def _phase(build: dict[str, Any], phase: str) -> dict[str, Any] | None:
    return next((p for p in build.get("phases", []) if p["phaseType"] == phase), None)


def _ms_between(start: datetime, end: datetime) -> float:
    return (end - start).total_seconds() * 1000


def _pickup_on(server: Server, count: int) -> dict[str, Any]:
    project = server.project("pickup", "true")
    warm = server.start(project)["id"]  # the runner registered and polling, the first build's lazy imports
    server.until_complete([warm], timeout=60)
    pickups, leases = [], []
    for _ in range(count):
        build = server.start(project)
        done = server.until_complete([build["id"]], timeout=60, interval=0.02)[0]
        provisioning, queued = _phase(done, "PROVISIONING"), _phase(done, "QUEUED")
        if provisioning is None or queued is None or done["buildStatus"] != "SUCCEEDED":
            raise RuntimeError(f"build {done['id']} {done['buildStatus']}: phases {done.get('phases')}")
        pickups.append(_ms_between(build["startTime"], provisioning["startTime"]))
        leases.append(_ms_between(build["startTime"], queued["endTime"]))
    return {
        "builds": count,
        "start_to_provisioning": _percentiles(pickups),
        "start_to_queued_end": _percentiles(leases),
    }


def pickup(args: argparse.Namespace) -> dict[str, Any]:
    """StartBuild → the runner's first phase (PROVISIONING) begun, by the server's timestamps, one build at a time."""
    figures: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="bench-pickup-") as scratch:
        with _server(Path(scratch) / "sqlite") as server:
            figures["sqlite"] = _pickup_on(server, args.builds)
        if args.postgres:
            cluster = _api().PostgresCluster().start()
            try:
                url = cluster.create_database("bench")
                with _server(Path(scratch) / "pg", database_url=url) as server:
                    figures["postgresql"] = _pickup_on(server, args.builds)
            finally:
                cluster.stop()
    return figures


def throughput(args: argparse.Namespace) -> dict[str, Any]:
    """Trivial builds queued at once, run by 1, 2 and 4 runners: builds per minute."""
    figures: dict[str, Any] = {"builds": args.queued}
    with (
        tempfile.TemporaryDirectory(prefix="bench-throughput-") as scratch,
        _server(Path(scratch), runner=False) as server,
    ):
        project = server.project("throughput", "echo hi")
        for runners in (1, 2, 4):
            while server.runners < runners:
                server.add_runner()
            time.sleep(3)  # the new runners started and long-polling
            warm = [server.start(project)["id"] for _ in range(runners)]
            server.until_complete(warm, timeout=60)
            server_cpu, runners_cpu = server.cpu_seconds()
            first = time.monotonic()
            ids = [server.start(project)["id"] for _ in range(args.queued)]
            done = server.until_complete(ids, timeout=300, interval=0.1)
            wall = time.monotonic() - first
            server_after, runners_after = server.cpu_seconds()
            server_cpu, runners_cpu = server_after - server_cpu, runners_after - runners_cpu
            failed = [b["id"] for b in done if b["buildStatus"] != "SUCCEEDED"]
            if failed:
                raise RuntimeError(f"builds did not succeed: {failed[:5]}")
            # By the server's timestamps: the first build's start to the last one's end.
            span = max(b["endTime"] for b in done) - min(b["startTime"] for b in done)
            seconds = span.total_seconds()
            figures[f"{runners}_runners"] = {
                "seconds": round(seconds, 2),
                "builds_per_minute": round(args.queued * 60 / seconds, 1),
                "seconds_seen_by_client": round(wall, 2),
                "server_cpu_ms_per_build": round(server_cpu * 1000 / args.queued, 1),
                "runners_cpu_ms_per_build": round(runners_cpu * 1000 / args.queued, 1),
            }
    return figures


def log_latency(args: argparse.Namespace) -> dict[str, Any]:
    """Lines printed every 100 ms, read through GetLogEvents in a tight loop: first seen minus printed."""
    count = 50
    seen: dict[int, float] = {}  # printed (ns) → first seen (ns)
    calls = 0
    with tempfile.TemporaryDirectory(prefix="bench-logs-") as scratch, _server(Path(scratch)) as server:
        project = server.project("logs", STAMP_COMMAND.format(count=count))
        warm = server.start(project)["id"]
        server.until_complete([warm], timeout=60)
        build = server.start(project)
        logs = server.builds([build["id"]])[0]["logs"]
        group, stream = logs["groupName"], logs["streamName"]
        token: str | None = None
        deadline = time.monotonic() + 60
        while len(seen) < count and time.monotonic() < deadline:
            params: dict[str, Any] = {
                "logGroupName": group,
                "logStreamName": stream,
                "startFromHead": True,
            }
            if token:
                params["nextToken"] = token
            try:
                answer = server.logs.get_log_events(**params)
            except server.logs.exceptions.ResourceNotFoundException:
                continue  # no line yet
            calls += 1
            now = time.time_ns()
            for event in answer["events"]:
                words = event["message"].split()
                if len(words) == 2 and words[0] == STAMP and words[1].isdigit():
                    printed = int(words[1])
                    seen.setdefault(printed, now)
            token = answer["nextForwardToken"]
        server.until_complete([build["id"]], timeout=60)
    if len(seen) < count:
        raise RuntimeError(f"only {len(seen)} of {count} lines read through GetLogEvents")
    return {
        "lines": count,
        "get_log_events_calls": calls,
        "printed_to_read": _percentiles([(s - p) / 1e6 for p, s in seen.items()]),
    }


PARTS = (
    Part("local", "codeyard build against plain bash; start-up", local),
    Part("pickup", "StartBuild to the runner's first phase, one build at a time", pickup),
    Part("throughput", "builds per minute with 1, 2 and 4 runners", throughput),
    Part("logs", "a printed line to the same line read through GetLogEvents", log_latency),
)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    names = [part.name for part in PARTS]
    parser.add_argument("--part", action="append", choices=names, help="run only these parts (default: all)")
    parser.add_argument("--runs", type=int, default=30, help="measured runs per variant (default 30)")
    parser.add_argument("--builds", type=int, default=200, help="pickup: builds, one at a time (default 200)")
    parser.add_argument("--postgres", action="store_true", help="pickup: also on a throwaway PostgreSQL")
    parser.add_argument(
        "--queued", type=int, default=100, help="throughput: builds queued at once (default 100)"
    )
    parser.add_argument(
        "--baseline",
        type=Path,
        metavar="SRC",
        help="local: also run `codeyard build` from this `src` directory of another version, side by side "
        "(e.g. `git archive <commit> src | tar -x -C DIR`, then DIR/src)",
    )
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args(argv)
    figures: dict[str, Any] = {"python": sys.version.split()[0], "cores": os.cpu_count()}
    for part in PARTS:
        if args.part and part.name not in args.part:
            continue
        print(f"{part.name}: {part.about}", file=sys.stderr)
        figures[part.name] = part.run(args)
    print(json.dumps(figures, indent=2))
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
