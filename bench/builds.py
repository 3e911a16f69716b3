"""Build benchmarks, in parts: each part measures one thing and answers its figures.

Parts now: `local` — `codeyard build` of a 5-command buildspec against the same commands run by plain
`bash` (target: at most 100 ms more per build), and the start-up of `codeyard build`.
Parts to come (they need the server side): pickup latency (push → build running), builds per minute
with N runners, log latency (line printed → visible through the API). Add one as a function taking
the parsed arguments and answering a dict of figures, and register it in PARTS.

    .venv/bin/python bench/builds.py [--part local] [--runs 30] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
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
    variants: dict[str, list[str]], cwd: Path, env: dict[str, str], runs: int
) -> tuple[dict[str, float], dict[str, float]]:
    """Median wall-clock and CPU milliseconds of each command line, the variants interleaved run by run."""
    walls: dict[str, list[float]] = {name: [] for name in variants}
    cpus: dict[str, list[float]] = {name: [] for name in variants}
    for argv in variants.values():  # warm-up: page cache, bytecode
        _timed(argv, cwd, env)
    for _ in range(runs):
        for name, argv in variants.items():
            wall, cpu = _timed(argv, cwd, env)
            walls[name].append(wall)
            cpus[name].append(cpu)
    return _ms(walls), _ms(cpus)


def _ms(values: dict[str, list[float]]) -> dict[str, float]:
    return {name: round(statistics.median(times) * 1000, 1) for name, times in values.items()}


def _import_figures(env: dict[str, str]) -> dict[str, Any]:
    """`python -X importtime` of codeyard.cli.main plus codeyard.cli.build, and server modules loaded."""
    code = "import sys, codeyard.cli.main, codeyard.cli.build; print(' '.join(sorted(sys.modules)))"
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", code], capture_output=True, text=True, check=True, env=env
    )
    cumulative = {
        line.split("|")[2].strip(): int(line.split("|")[1])
        for line in done.stderr.splitlines()
        if line.startswith("import time:") and line.split("|")[1].strip().isdigit()
    }
    loaded = done.stdout.split()
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
        env = _environment(Path(scratch))
        medians, cpu = _medians(variants, project, env, args.runs)
        imports = _import_figures(env)
    return {
        "runs": args.runs,
        "median_ms": medians,
        "median_cpu_ms": cpu,
        "overhead_ms": round(medians["codeyard_build"] - medians["bash"], 1),
        "overhead_in_place_ms": round(medians["codeyard_build_in_place"] - medians["bash"], 1),
        "overhead_cpu_ms": round(cpu["codeyard_build"] - cpu["bash"], 1),
        **imports,
    }


PARTS = (Part("local", "codeyard build against plain bash; start-up", local),)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    names = [part.name for part in PARTS]
    parser.add_argument("--part", action="append", choices=names, help="run only these parts (default: all)")
    parser.add_argument("--runs", type=int, default=30, help="measured runs per variant (default 30)")
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
