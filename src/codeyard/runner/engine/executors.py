"""Executors: where a build's shell runs. The host executor: a plain process in a fresh work directory."""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import NamedTuple, Protocol

from codeyard.runner.engine.session import ShellLaunch, ShellSession

# The runner's own variables a host build still sees (under the build's own values).
HOST_BASICS = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR")
SHELLS = {"bash": "bash", "/bin/bash": "/bin/bash", "sh": "sh", "/bin/sh": "/bin/sh"}


class UnsupportedShellError(ValueError):
    """The buildspec's `env.shell` names a shell this executor cannot start (e.g. powershell.exe)."""


class Workspace(NamedTuple):
    """A build's directories: host paths, and the same places as the build's shell sees them."""

    root: Path
    src_dir: Path
    control_dir: Path
    shell_src_dir: str
    shell_control_dir: str
    # Where the build's absolute paths (artifacts, reports, cache) are found on this host: its root, or
    # for a container a view of its bind mounts (container_paths.py; the rest of its file system is not
    # read).
    filesystem_root: Path = Path("/")
    # When set, the only directories (host paths) below which the runner reads the build's absolute
    # paths: a sandboxed build's own ones, so that it never gets a file its user could not read; a
    # container's bound ones.
    readable_roots: tuple[Path, ...] | None = None


class Executor(Protocol):
    """Prepares a workspace and starts shell sessions in it (host, sandbox, container)."""

    def prepare(self, build_id: str) -> Workspace:
        """A fresh, empty workspace for one build."""
        ...

    def start_session(
        self, workspace: Workspace, env: Mapping[str, str], shell: str | None, separate_shells: bool
    ) -> ShellSession:
        """A shell session in the workspace's source directory with exactly this environment."""
        ...

    def cleanup(self, workspace: Workspace) -> None:
        """Removes what `prepare` made."""
        ...


def shell_argv(shell: str | None) -> tuple[str, list[str]]:
    """The shell's name and the argv that starts it reading commands from stdin."""
    name = SHELLS.get(shell or "bash")
    if name is None:
        raise UnsupportedShellError(f"Unsupported shell {shell!r}: this runner has bash and /bin/sh")
    if os.path.basename(name) == "bash":
        return name, [name, "--noprofile", "--norc"]
    return name, [name]


class HostExecutor:
    """Runs the shell as a plain process on this host, in a fresh directory under `base_dir`."""

    def __init__(self, base_dir: Path, keep: bool = False) -> None:
        self._base_dir = base_dir
        self._keep = keep

    def prepare(self, build_id: str) -> Workspace:
        self._base_dir.mkdir(parents=True, exist_ok=True)
        prefix = re.sub(r"[^A-Za-z0-9_.-]", "-", build_id)[:80] + "-"
        root = Path(tempfile.mkdtemp(prefix=prefix, dir=self._base_dir))
        src_dir = root / "src"
        control_dir = root / "control"
        src_dir.mkdir()
        control_dir.mkdir()
        return Workspace(root, src_dir, control_dir, str(src_dir), str(control_dir))

    def start_session(
        self, workspace: Workspace, env: Mapping[str, str], shell: str | None, separate_shells: bool
    ) -> ShellSession:
        name, argv = shell_argv(shell)
        environment = {key: os.environ[key] for key in HOST_BASICS if key in os.environ}
        environment.update(env)
        launch = ShellLaunch(
            argv=argv,
            env=environment,
            shell_cwd=workspace.shell_src_dir,
            control_dir=workspace.control_dir,
            shell_control_dir=workspace.shell_control_dir,
            separate_shells=separate_shells,
            shell=name,
        )
        return ShellSession.start(launch)

    def cleanup(self, workspace: Workspace) -> None:
        if not self._keep:
            shutil.rmtree(workspace.root, ignore_errors=True)
