"""Buildspecs in the bubblewrap sandbox: the engine's table on host and sandbox alike, then what only
the sandbox gives (read-only root, private /tmp, no network, an unprivileged user, daemons and fork
bombs ended with the build)."""

from __future__ import annotations

import os
import pwd
import socket
import subprocess
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest

from codeyard.runner.engine.bwrap import SandboxLimits, SandboxOptions
from codeyard.runner.engine.environment import EnvironmentVariable, VariableType
from codeyard.runner.engine.events import BuildEvent, LogLines
from codeyard.runner.engine.executors import Executor, HostExecutor, Workspace
from codeyard.runner.engine.hooks import ArtifactStep, BuildHooks, PhaseError
from codeyard.runner.engine.sandbox import SandboxExecutor, sandbox_problem
from tests.integration.runner.build_helper import run_build

ROOT = os.geteuid() == 0
SECRET = "hunter2-Pa55"


@pytest.fixture(scope="module", autouse=True)
def _sandbox_runs() -> None:
    """Skips loudly where bwrap cannot run (no user namespaces for a non-root runner); fails in CI,
    whose `make test` installs bubblewrap."""
    problem = sandbox_problem()
    if problem is not None:
        if os.environ.get("CI"):
            pytest.fail(f"the sandbox executor cannot run on this CI machine: {problem}")
        pytest.skip(f"SANDBOX UNAVAILABLE, its tests did not run: {problem}")


def _host(tmp_path: Path) -> Executor:
    return HostExecutor(tmp_path / "builds")


def _sandbox(tmp_path: Path) -> Executor:
    return SandboxExecutor(tmp_path / "builds")


EXECUTORS = [pytest.param(_host, id="host"), pytest.param(_sandbox, id="sandbox")]
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
        executor=_sandbox(tmp_path),
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
        executor=_sandbox(tmp_path),
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
        closed = run_build(tmp_path / "off", CONNECT.format(port=port), executor=_sandbox(tmp_path / "off"))
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
        executor=_sandbox(tmp_path),
    )
    uid, groups, capabilities = build.output
    if ROOT:
        assert uid == "65534"
        assert groups == "65534"
    else:
        assert uid == str(os.geteuid())
    assert capabilities.split() == ["CapEff:", "0000000000000000"]


def test_limits_apply_to_every_process_of_the_build(tmp_path: Path) -> None:
    limits = SandboxLimits(processes=300, open_files=512, address_space_bytes=1 << 30)
    build = run_build(
        tmp_path,
        """
version: 0.2
phases:
  build:
    commands:
      - ulimit -u; ulimit -n; ulimit -v
      - ulimit -n 1024 2>/dev/null || echo cannot-raise
      - dd if=/dev/zero of=/dev/null bs=1M count=1 2>/dev/null && echo small-buffer
      - dd if=/dev/zero of=/dev/null bs=2G count=1 2>/dev/null || echo large-buffer-refused
""",
        executor=SandboxExecutor(tmp_path / "builds", SandboxOptions(limits=limits)),
    )
    assert build.output == ["300", "512", "1048576", "cannot-raise", "small-buffer", "large-buffer-refused"]
    assert build.ended.status == "SUCCEEDED"


def _processes_with(marker: str) -> list[int]:
    """Live processes on the host whose command line holds `marker`."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            command = (entry / "cmdline").read_bytes()
            state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if marker.encode() in command and state not in ("Z", "X"):
            found.append(int(entry.name))
    return found


def test_a_daemonised_process_is_gone_after_the_build(tmp_path: Path) -> None:
    marker = f"daemon{uuid.uuid4().hex}"
    pattern = f"{marker[:6]}[{marker[6]}]{marker[7:]}"
    during: list[list[int]] = []

    async def sink(event: BuildEvent) -> None:
        if isinstance(event, LogLines) and "daemon-started" in event.lines:
            during.append(_processes_with(marker))

    build = run_build(
        tmp_path,
        f"""
version: 0.2
phases:
  build:
    commands:
      - setsid sh -c 'sleep 1000; true {marker}' </dev/null >/dev/null 2>&1 &
      - until grep -qs '{pattern}' /proc/[0-9]*/cmdline; do :; done; echo daemon-started
""",
        executor=_sandbox(tmp_path),
        observer=sink,
    )
    assert build.ended.status == "SUCCEEDED"
    assert len(during) == 1
    assert during[0] != []
    assert _processes_with(marker) == []


def _free_uid() -> int:
    """A uid with no user and no process on this host, for a build whose processes are counted."""
    used = {int(line.split()[1]) for line in _status_lines("Uid:")}
    for uid in range(61000, 62000):
        try:
            pwd.getpwuid(uid)
        except KeyError:
            if uid not in used:
                return uid
    raise AssertionError("no free uid in 61000-61999")


def _status_lines(prefix: str) -> list[str]:
    lines = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                text = (entry / "status").read_text()
            except OSError:
                continue
            lines += [line for line in text.splitlines() if line.startswith(prefix)]
    return lines


def _processes_of(uid: int) -> int:
    return sum(1 for line in _status_lines("Uid:") if int(line.split()[1]) == uid)


@pytest.mark.skipif(not ROOT, reason="counting a build's processes by uid needs a runner started as root")
def test_a_fork_bomb_hits_the_process_limit_and_the_host_stays_responsive(tmp_path: Path) -> None:
    uid = _free_uid()
    limit = 64
    options = SandboxOptions(limits=SandboxLimits(processes=limit), uid=uid, gid=uid)
    counts: list[int] = []
    forks: list[int] = []

    async def sink(event: BuildEvent) -> None:
        # The first refused fork: the bomb is at its limit, the moment a host without one would choke.
        refused = isinstance(event, LogLines) and any(
            "Resource temporarily unavailable" in x for x in event.lines
        )
        if refused and not forks:
            counts.append(_processes_of(uid))
            forks.append(subprocess.run(["true"], check=False).returncode)

    build = run_build(
        tmp_path,
        "version: 0.2\nphases:\n  build:\n    commands:\n      - ':(){ :|:& };:'\n      - sleep 60\n",
        timeout=5.0,
        executor=SandboxExecutor(tmp_path / "builds", options),
        observer=sink,
    )
    assert build.ended.status in ("FAILED", "TIMED_OUT")
    assert forks == [0]
    assert 0 < counts[0] <= limit
    assert _processes_of(uid) == 0
    assert subprocess.run(["true"], check=False).returncode == 0


def test_a_timeout_ends_every_process_of_the_sandbox(tmp_path: Path) -> None:
    marker = f"stubborn{uuid.uuid4().hex}"
    build = run_build(
        tmp_path,
        f"""
version: 0.2
phases:
  build:
    commands:
      - bash -c 'trap "" TERM; sleep 1000; true {marker}' & setsid sh -c 'trap "" TERM; sleep 1000; true {marker}' &
      - wait
  post_build:
    commands: [echo never]
""",
        timeout=2.0,
        executor=_sandbox(tmp_path),
    )
    assert build.statuses["BUILD"] == "TIMED_OUT"
    assert "POST_BUILD" not in build.statuses
    assert build.ended.status == "TIMED_OUT"
    assert _processes_with(marker) == []


def test_a_stop_ends_the_build_stopped_and_every_process_with_it(tmp_path: Path) -> None:
    marker = f"stopped{uuid.uuid4().hex}"
    pattern = f"{marker[:7]}[{marker[7]}]{marker[8:]}"
    build = run_build(
        tmp_path,
        f"""
version: 0.2
phases:
  install:
    commands:
      - setsid sh -c 'trap "" TERM; sleep 1000; true {marker}' </dev/null >/dev/null 2>&1 &
      - until grep -qs '{pattern}' /proc/[0-9]*/cmdline; do :; done; echo ready; wait
""",
        stop_on="ready",
        executor=_sandbox(tmp_path),
    )
    assert build.statuses["INSTALL"] == "STOPPED"
    assert build.record("INSTALL").contexts[0].status_code == "BUILD_STOPPED"
    assert build.ended.status == "STOPPED"
    assert _processes_with(marker) == []


def test_the_sandbox_is_reported_available_here_and_a_refusal_says_why() -> None:
    assert sandbox_problem() is None
    assert sandbox_problem(SandboxOptions(network=True)) is None
    problem = sandbox_problem(SandboxOptions(hostname="x" * 300))
    assert problem is not None
    assert problem.startswith("bwrap cannot create a sandbox here: bwrap: ")
