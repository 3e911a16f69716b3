"""`codeyard runner --server URL --token T`, and the runner `codeyard up` starts beside its server."""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the settings (and their TOML reader) only for `codeyard up`; the rest where used
    import subprocess

    from codeyard.config import Settings

TOKEN_VARIABLE = "CODEYARD_RUNNER_TOKEN"
PARENT_VARIABLE = "CODEYARD_RUNNER_PARENT"
EXECUTOR_VARIABLE = "CODEYARD_RUNNER_EXECUTOR"


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    runner = commands.add_parser("runner", help="run builds for a server: long-poll it for jobs")
    runner.add_argument("--server", required=True, help="the server's URL, e.g. http://127.0.0.1:4567")
    runner.add_argument("--token", help=f"the server's registration token (or ${TOKEN_VARIABLE})")
    runner.add_argument("--name", default="", help="a name for this runner (default: the host name)")
    runner.add_argument(
        "--fleet",
        default="",
        help="serve this CodeBuild fleet (its name or ARN): take only the builds of projects that name "
        "it; without it the runner takes the on-demand builds",
    )
    runner.add_argument(
        "--wait-for-fleet",
        action="store_true",
        help="while the --fleet does not exist, register again every 5 s instead of stopping",
    )
    runner.add_argument(
        "--work-dir", type=Path, help="where build workspaces go (default: a directory under the temp dir)"
    )
    runner.add_argument(
        "--executor",
        choices=("host", "sandbox", "container"),
        default=os.environ.get(EXECUTOR_VARIABLE) or "host",
        help="where builds of CodeBuild images (aws/codebuild/...) run: plain processes (host), bubblewrap "
        "(sandbox), or containers (container); builds of other images always run in a container of "
        f"their image ($DOCKER_HOST's engine); default ${EXECUTOR_VARIABLE} or host",
    )


def run(args: argparse.Namespace) -> int:
    import asyncio
    import logging
    import socket
    import tempfile

    from codeyard.runner.client import Refused
    from codeyard.runner.engine.executors import Executor, HostExecutor
    from codeyard.runner.engine.sandbox import SandboxUnavailableError, for_local_build
    from codeyard.runner.executor_choice import ExecutorChoice
    from codeyard.runner.loop import RunnerLoop

    token = args.token or os.environ.get(TOKEN_VARIABLE, "")
    if not token:
        print(f"codeyard runner: give --token or ${TOKEN_VARIABLE}", file=sys.stderr)
        return 2
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)
    work_dir = args.work_dir or Path(tempfile.gettempdir()) / f"codeyard-runner-{os.getuid()}"
    executor: Executor = HostExecutor(work_dir)
    if args.executor == "sandbox":
        try:
            executor = for_local_build(work_dir, None)
        except SandboxUnavailableError as error:
            print(f"codeyard runner: the sandbox executor cannot run here: {error}", file=sys.stderr)
            return 2
    parent = int(os.environ.get(PARENT_VARIABLE) or 0) or None
    default = None if args.executor == "container" else executor
    choice = ExecutorChoice(default, work_dir)
    name = args.name or socket.gethostname()
    loop = RunnerLoop(
        args.server,
        token,
        name,
        choice,
        parent_pid=parent,
        fleet=args.fleet,
        wait_for_fleet=args.wait_for_fleet,
    )
    try:
        with contextlib.suppress(KeyboardInterrupt):
            asyncio.run(loop.run())
    except Refused as error:  # a wrong token, an unknown fleet
        print(f"codeyard runner: the server refused: {error.reason}", file=sys.stderr)
        return 2
    finally:
        choice.close()  # its lock in the work directory goes with its file
    return 0


def embedded_runner(settings: Settings, token: str) -> subprocess.Popen[bytes]:
    """The runner of `codeyard up`: a child in the server's process group, ending with the server."""
    import subprocess

    env = {**os.environ, TOKEN_VARIABLE: token, PARENT_VARIABLE: str(os.getpid())}
    argv = [sys.executable, "-m", "codeyard", "runner", "--server", settings.endpoint, "--name", "embedded"]
    argv += ["--work-dir", str(settings.data_dir / "builds")]
    if settings.runner_fleet:
        argv += ["--fleet", settings.runner_fleet, "--wait-for-fleet"]
    return subprocess.Popen(argv, env=env)


def stop_child(child: subprocess.Popen[bytes]) -> None:
    import subprocess

    if child.poll() is None:
        child.terminate()
        try:
            child.wait(10)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()
