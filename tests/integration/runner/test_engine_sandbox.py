"""Buildspecs in the bubblewrap sandbox: the engine's table on host and sandbox alike, then what only
the sandbox gives (a read-only root, private /tmp, hidden workspaces, no network, an unprivileged user).
Its processes and limits are in test_engine_sandbox_processes.py."""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest

from codeyard.runner.engine.bwrap import SandboxOptions
from codeyard.runner.engine.environment import EnvironmentVariable, VariableType
from codeyard.runner.engine.executors import Executor, HostExecutor, Workspace
from codeyard.runner.engine.hooks import ArtifactStep, BuildHooks, PhaseError
from codeyard.runner.engine.sandbox import SandboxExecutor, sandbox_problem
from tests.integration.runner.build_helper import run_build
from tests.integration.runner.sandbox_helper import sandbox, sandbox_runs

pytestmark = pytest.mark.usefixtures(sandbox_runs.__name__)

ROOT = os.geteuid() == 0
SECRET = "hunter2-Pa55"


def _host(tmp_path: Path) -> Executor:
    return HostExecutor(tmp_path / "builds")


EXECUTORS = [pytest.param(_host, id="host"), pytest.param(sandbox, id="sandbox")]
Factory = Callable[[Path], Executor]

PERSISTENCE = """
version: {version}
phases:
  install:
    commands:
      - mkdir -p sub && cd sub
      - export EXPORTED=e; PLAIN=p
  build:
    commands:
      - echo "[$EXPORTED][$PLAIN][$(basename "$PWD")]"
"""

# (buildspec, output without the engine's lines, build status, some phase statuses)
TABLE = {
    "0.2 keeps cwd and variables": (PERSISTENCE.format(version=0.2), ["[e][p][sub]"], "SUCCEEDED", {}),
    "0.1 starts a shell per command": (PERSISTENCE.format(version=0.1), ["[][][src]"], "SUCCEEDED", {}),
    "a failing build runs post_build": (
        "version: 0.2\nphases:\n  build:\n    commands: ['false', echo never]\n"
        "  post_build:\n    commands: ['echo post $CODEBUILD_BUILD_SUCCEEDING']\n",
        ["post 0"],
        "FAILED",
        {"BUILD": "FAILED", "POST_BUILD": "SUCCEEDED", "UPLOAD_ARTIFACTS": "SUCCEEDED"},
    ),
    "finally after a failed command": (
        "version: 0.2\nphases:\n  build:\n    commands: [echo one, 'false']\n    finally: [echo cleanup]\n",
        ["one", "cleanup"],
        "FAILED",
        {"BUILD": "FAILED"},
    ),
    "exit ends the session, the next phase gets a new one": (
        "version: 0.2\nphases:\n  build:\n    commands: ['export GONE=yes; cd /', 'exit 3']\n"
        '  post_build:\n    commands: [\'echo "post [$GONE] $(basename "$PWD")"\']\n',
        ["post [] src"],
        "FAILED",
        {"BUILD": "FAILED", "POST_BUILD": "SUCCEEDED"},
    ),
    "stdin readers do not eat later commands": (
        "version: 0.2\nphases:\n  build:\n    commands: [cat, 'read -r x; echo \"read [$x]\"', echo still]\n",
        ["read []", "still"],
        "SUCCEEDED",
        {},
    ),
    "/bin/sh as the shell": (
        "version: 0.2\nenv:\n  shell: /bin/sh\nphases:\n  build:\n    commands: [X=1, 'echo \"x=$X\"']\n",
        ["x=1"],
        "SUCCEEDED",
        {},
    ),
    "the source directory is the working directory": (
        "version: 0.2\nphases:\n  build:\n    commands:\n"
        '      - test "$CODEBUILD_SRC_DIR" = "$PWD" && echo same && echo made > out.txt && cat out.txt\n',
        ["same", "made"],
        "SUCCEEDED",
        {},
    ),
    "a windows shell is a client error": (
        "version: 0.2\nenv:\n  shell: powershell.exe\nphases:\n  build:\n    commands: [dir]\n",
        [],
        "FAILED",
        {"DOWNLOAD_SOURCE": "FAILED"},
    ),
}


@pytest.mark.parametrize("make", EXECUTORS)
@pytest.mark.parametrize("case", list(TABLE))
def test_the_engine_table_runs_the_same_on_every_executor(tmp_path: Path, make: Factory, case: str) -> None:
    text, output, status, statuses = TABLE[case]
    build = run_build(tmp_path, text, executor=make(tmp_path))
    assert build.output == output
    assert build.ended.status == status
    assert {phase: build.statuses[phase] for phase in statuses} == statuses
    assert list(build.statuses)[-1] == "FINALIZING"
    assert list((tmp_path / "builds").iterdir()) == []


async def _resolve(kind: VariableType, reference: str) -> str:
    if reference != "/db/password":
        raise PhaseError("Decrypted Variables Error", f"{kind} {reference} does not exist")
    return SECRET


@pytest.mark.parametrize("make", EXECUTORS)
def test_secrets_are_masked_and_exported_variables_read(tmp_path: Path, make: Factory) -> None:
    build = run_build(
        tmp_path,
        """
version: 0.2
env:
  parameter-store:
    DB_PASSWORD: /db/password
  exported-variables: [VERSION, FROM_PROJECT]
phases:
  build:
    commands:
      - echo "pw=$DB_PASSWORD;"
      - echo "$DB_PASSWORD" >&2
      - VERSION="1.2.$FROM_PROJECT"
""",
        hooks=BuildHooks(resolve_secret=_resolve),
        project=(EnvironmentVariable("FROM_PROJECT", "3"),),
        executor=make(tmp_path),
    )
    assert build.output == ["pw=***;", "***"]
    assert all(SECRET not in line for line in build.log)
    assert build.ended.exported_variables == {"VERSION": "1.2.3", "FROM_PROJECT": "3"}


def test_the_root_is_read_only_and_the_workspace_home_and_tmp_are_writable(tmp_path: Path) -> None:
    marker = f"codeyard-sandbox-{uuid.uuid4().hex}"
    built: list[str] = []

    async def download(workspace: Workspace) -> str:
        (workspace.src_dir / "given.txt").write_text("from the runner\n")
        return "0" * 40

    async def upload(step: ArtifactStep) -> None:
        built.append((step.workspace.src_dir / "built.txt").read_text())

    build = run_build(
        tmp_path,
        f"""
version: 0.2
phases:
  build:
    commands:
      - touch /usr/{marker} 2>/dev/null || echo usr-refused
      - touch /etc/{marker} 2>/dev/null || echo etc-refused
      - echo more >> given.txt && cat given.txt
      - echo built > built.txt
      - echo "$HOME" > "$HOME/home.txt" && echo home-writable
      - echo private > /tmp/{marker} && cat /tmp/{marker}
      - echo shared > /dev/shm/{marker} && cat /dev/shm/{marker}
      - echo "tmpdir=$TMPDIR"
""",
        hooks=BuildHooks(download_source=download, upload_artifacts=upload),
        executor=sandbox(tmp_path),
    )
    assert build.ended.status == "SUCCEEDED"
    assert build.output == [
        "usr-refused",
        "etc-refused",
        "from the runner",
        "more",
        "home-writable",
        "private",
        "shared",
        "tmpdir=/tmp",
    ]
    assert built == ["built\n"]
    assert not Path("/usr", marker).exists()
    assert not Path("/etc", marker).exists()
    assert not Path("/tmp", marker).exists()
    assert not Path("/dev/shm", marker).exists()


def test_other_workspaces_are_hidden_from_a_build(tmp_path: Path) -> None:
    neighbour = tmp_path / "builds" / "neighbour"
    neighbour.mkdir(parents=True)
    (neighbour / "secret.txt").write_text("not yours\n")
    build = run_build(
        tmp_path,
        f"version: 0.2\nphases:\n  build:\n    commands:\n      - cat {neighbour}/secret.txt || echo hidden\n",
        executor=sandbox(tmp_path),
    )
    assert build.output[-1] == "hidden"
    assert "not yours" not in build.output


def _listener() -> socket.socket:
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen(4)
    server.settimeout(10.0)
    return server


CONNECT = "version: 0.2\nphases:\n  build:\n    commands:\n      - (exec 3<>/dev/tcp/127.0.0.1/{port}) && echo connected || echo refused\n"


def test_the_network_is_off_by_default_and_on_when_the_project_allows_it(tmp_path: Path) -> None:
    with _listener() as server:
        port = server.getsockname()[1]
        closed = run_build(tmp_path / "off", CONNECT.format(port=port), executor=sandbox(tmp_path / "off"))
        assert closed.output[-1] == "refused"
        assert closed.ended.status == "SUCCEEDED"
        allowed = SandboxExecutor(tmp_path / "on" / "builds", SandboxOptions(network=True))
        opened = run_build(tmp_path / "on", CONNECT.format(port=port), executor=allowed)
        assert opened.output == ["connected"]
        connection, _ = server.accept()
        connection.close()


def test_the_build_runs_as_an_unprivileged_user(tmp_path: Path) -> None:
    build = run_build(
        tmp_path,
        "version: 0.2\nphases:\n  build:\n    commands:\n      - id -u; id -G\n      - grep ^CapEff /proc/self/status\n",
        executor=sandbox(tmp_path),
    )
    uid, groups, capabilities = build.output
    if ROOT:
        assert uid == "65534"
        assert groups == "65534"
    else:
        assert uid == str(os.geteuid())
    assert capabilities.split() == ["CapEff:", "0000000000000000"]


def test_the_sandbox_is_reported_available_here_and_a_refusal_says_why() -> None:
    assert sandbox_problem() is None
    assert sandbox_problem(SandboxOptions(network=True)) is None
    problem = sandbox_problem(SandboxOptions(hostname="x" * 300))
    assert problem is not None
    assert problem.startswith("bwrap cannot create a sandbox here: bwrap: ")
