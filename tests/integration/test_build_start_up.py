"""Which modules `codeyard build` and `codeyard lint` load: what a plain local build needs and nothing more.

A test of the modules loaded, not of time: each module kept out is start-up time every build saves
(bench/builds.py part `local` measures the time)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

# Runs `codeyard` as `python -m codeyard` does, then prints the modules loaded, one line.
LISTING = (
    "import sys, runpy\n"
    "sys.argv = ['codeyard', *sys.argv[1:]]\n"
    "try:\n"
    "    runpy.run_module('codeyard', run_name='__main__')\n"
    "except SystemExit as end:\n"
    "    print('exit', end.code)\n"
    "print(' '.join(sorted(sys.modules)))\n"
)
# Never for a local build: the server's, and the clients of other services.
SERVER = (
    "sqlalchemy",
    "alembic",
    "psycopg",
    "botocore",
    "boto3",
    "starlette",
    "httptools",
    "uvloop",
    "asyncssh",
    "cryptography",
    "pygit2",
    "docker",
    "codeyard.protocol",
    "codeyard.services",
    "codeyard.store",
    "codeyard.http",
    "codeyard.git",
    "codeyard.execution",
)
# Only for builds that use them: a server for secrets (httpx, ssl), artifacts, reports, caches, the
# buildspec's optional sections, batch, on-failure and secret references, codebuild-hash-files' globs; the server commands' settings;
# asyncio's TLS support (a local build's loop runs processes and pipes).
ON_DEMAND = (
    "httpx",
    "httpcore",
    "anyio",
    "codeyard.runner.secret_values",
    "codeyard.runner.sigv4",
    "codeyard.runner.artifacts",
    "codeyard.runner.reports",
    "defusedxml",
    "xml",
    "json",
    "codeyard.runner.cache",
    "codeyard.runner.local_cache",
    "codeyard.runner.build_cache",
    "codeyard.runner.job",
    "codeyard.runner.loop",
    "codeyard.runner.client",
    "codeyard.runner.engine.sandbox",
    "codeyard.runner.engine.bwrap",
    "codeyard.runner.buildspec.sections",
    "codeyard.runner.buildspec.model_sections",
    "codeyard.runner.buildspec.batch",
    "codeyard.runner.buildspec.model_batch",
    "codeyard.runner.buildspec.model_options",
    "codeyard.runner.buildspec.on_failure",
    "graphlib",
    "codeyard.runner.globs",
    "codeyard.config",
    "tomllib",
    "difflib",
    "ssl",
    # The engine's and the buildspec model's records are NamedTuples: no dataclass is made.
    "dataclasses",
    # A worker thread: the host executor's workspace is made on the event loop (a large source tree is
    # copied in one).
    "concurrent.futures.thread",
    # On the host, codebuild-hash-files is a script, not a zipapp; ZIP artifacts are packaged on demand.
    "zipfile",
)


def loaded(cwd: Path, *args: str) -> tuple[str, list[str]]:
    """(the last lines of the output, the modules loaded) of `codeyard <args>` run in `cwd`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    done = subprocess.run(
        [sys.executable, "-c", LISTING, *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
        env=env,
    )
    *output, modules = done.stdout.splitlines()
    return "\n".join(output), modules.split()


def among(modules: list[str], names: tuple[str, ...]) -> list[str]:
    """The modules that are one of `names` or inside one of them."""
    return [m for m in modules if any(m == name or m.startswith(name + ".") for name in names)]


def project(tmp_path: Path, buildspec: str) -> Path:
    root = tmp_path / "project"
    (root / "src").mkdir(parents=True)
    (root / "src" / "main.py").write_text("print('hello')\n")
    (root / "buildspec.yml").write_text(buildspec)
    return root


def test_a_plain_build_loads_the_engine_and_nothing_it_does_not_use(tmp_path: Path) -> None:
    root = project(
        tmp_path,
        "version: 0.2\nenv:\n  variables:\n    GREETING: hi\n"
        "phases:\n  build:\n    commands:\n      - echo $GREETING\n      - python3 src/main.py\n",
    )
    output, modules = loaded(root, "build")
    assert "Build SUCCEEDED in " in output
    assert output.endswith("exit 0")
    assert {"codeyard.cli.build", "codeyard.runner.engine.runner", "yaml"} <= set(modules)
    assert among(modules, SERVER) == []
    assert among(modules, ON_DEMAND) == []


def test_a_build_with_artifacts_and_reports_loads_what_they_need(tmp_path: Path) -> None:
    root = project(
        tmp_path,
        "version: 0.2\nphases:\n  build:\n    commands:\n      - mkdir -p out\n"
        '      - printf \'<testsuite name="s" tests="1"><testcase name="t"/></testsuite>\' > out/r.xml\n'
        "artifacts:\n  files:\n    - src/main.py\n"
        "reports:\n  unit:\n    files:\n      - out/r.xml\n",
    )
    output, modules = loaded(root, "build", "--artifacts", str(tmp_path / "artifacts"))
    assert output.endswith("exit 0"), output
    assert {
        "codeyard.runner.artifacts",
        "codeyard.runner.reports.collect",
        "codeyard.runner.buildspec.model_sections",
    } <= set(modules)
    assert among(modules, SERVER) == []
    assert among(modules, ("httpx", "codeyard.config", "tomllib")) == []


def test_build_help_and_lint_load_no_engine(tmp_path: Path) -> None:
    root = project(tmp_path, "version: 0.2\nphases:\n  build:\n    commands:\n      - echo hi\n")
    output, modules = loaded(root, "build", "--help")
    assert "--in-place" in output
    assert among(modules, ("codeyard.cli.build", "codeyard.runner", "asyncio", "yaml")) == []
    output, modules = loaded(root, "lint", "buildspec.yml")
    assert output.endswith("exit 0")
    assert "codeyard.runner.buildspec.parser" in modules
    assert among(modules, ("codeyard.runner.engine", "asyncio", *SERVER, *ON_DEMAND)) == []


def test_the_process_ends_with_the_builds_status_and_all_of_its_output(tmp_path: Path) -> None:
    # The process skips the interpreter's teardown once the build has ended: its buffered output
    # must still all come out, and its status be the build's.
    root = project(
        tmp_path,
        "version: 0.2\nphases:\n  build:\n    commands:\n      - seq 1 20000\n      - exit 3\n",
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    for command in ([sys.executable, "-m", "codeyard"], [str(Path(sys.executable).with_name("codeyard"))]):
        done = subprocess.run(
            [*command, "build"], cwd=root, capture_output=True, text=True, timeout=120, check=False, env=env
        )
        assert done.returncode == 1, done.stderr
        lines = done.stdout.splitlines()
        assert [line for line in lines if line.isdigit()] == [str(n) for n in range(1, 20001)]
        assert lines[-1].startswith("Build FAILED in ")
