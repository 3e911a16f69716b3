"""The sandbox executor: the build's shell in bubblewrap, as an unprivileged user, with limits."""

from __future__ import annotations

import os
import subprocess
import tempfile
from collections.abc import Mapping
from pathlib import Path

from codeyard.runner.engine.bwrap import (
    SANDBOX_TMP,
    SandboxMissingError,
    SandboxOptions,
    build_identity,
    sandbox_argv,
)
from codeyard.runner.engine.executors import HostExecutor, Workspace, shell_argv
from codeyard.runner.engine.session import ShellLaunch, ShellSession

DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
# The runner's own variables a sandboxed build still sees (under the build's own values).
SANDBOX_BASICS = ("PATH", "LANG", "LC_ALL")
# The file the session writes shell variables to: made by the executor and owned by the build, in a
# control directory the build cannot write (so it cannot turn it into a link the runner would follow).
VARIABLES_FILE = "variables"
# The workspace's directories the build owns besides its source directory (its secondary sources, its
# home): with that one, the only places the runner reads a sandboxed build's absolute paths from.
OWN_DIRECTORIES = ("sources", "home")


class SandboxUnavailableError(RuntimeError):
    """This host cannot run sandboxed builds (the message says why)."""


class SandboxExecutor:
    """Runs the shell in bubblewrap, in a fresh workspace under `base_dir` that only it can see."""

    def __init__(self, base_dir: Path, options: SandboxOptions | None = None, keep: bool = False) -> None:
        self._base_dir = base_dir.resolve()
        self._options = options or SandboxOptions()
        self._host = HostExecutor(self._base_dir, keep)

    @property
    def options(self) -> SandboxOptions:
        """The sandbox's options (network, limits, identity)."""
        return self._options

    def prepare(self, build_id: str) -> Workspace:
        workspace = self._host.prepare(build_id)
        home = workspace.root / "home"
        home.mkdir()
        # The workspace root and control directory stay the runner's: the build may only pass through.
        workspace.root.chmod(0o711)
        workspace.control_dir.chmod(0o711)
        (workspace.control_dir / VARIABLES_FILE).touch(0o600)
        identity = build_identity(self._options)
        if identity is not None:
            for path in (workspace.src_dir, home, workspace.control_dir / VARIABLES_FILE):
                os.chown(path, *identity, follow_symlinks=False)
        own = (workspace.src_dir, *(workspace.root / name for name in OWN_DIRECTORIES))
        return workspace._replace(readable_roots=own)

    def start_session(
        self, workspace: Workspace, env: Mapping[str, str], shell: str | None, separate_shells: bool
    ) -> ShellSession:
        name, argv = shell_argv(shell)
        identity = build_identity(self._options)
        if identity is not None:
            _give(workspace.src_dir, identity)
        environment = {key: os.environ[key] for key in SANDBOX_BASICS if key in os.environ}
        environment.setdefault("PATH", DEFAULT_PATH)
        environment.update(HOME=str(workspace.root / "home"), TMPDIR=SANDBOX_TMP)
        environment.update(env)
        path_dirs = environment["PATH"].split(os.pathsep)
        command = sandbox_argv(
            argv, workspace.root, self._base_dir, workspace.shell_src_dir, self._options, path_dirs
        )
        launch = ShellLaunch(
            argv=command,
            env=environment,
            shell_cwd=workspace.shell_src_dir,
            control_dir=workspace.control_dir,
            shell_control_dir=workspace.shell_control_dir,
            separate_shells=separate_shells,
            shell=name,
        )
        return ShellSession.start(launch)

    def cleanup(self, workspace: Workspace) -> None:
        self._host.cleanup(workspace)


def _give(root: Path, identity: tuple[int, int]) -> None:
    """Makes the source tree (written by the runner's download) the build's, links included, never followed."""
    uid, gid = identity
    os.chown(root, uid, gid, follow_symlinks=False)
    for parent, directories, files in os.walk(root):
        for name in (*directories, *files):
            os.chown(os.path.join(parent, name), uid, gid, follow_symlinks=False)


def for_local_build(base_dir: Path, image: str | None) -> SandboxExecutor:
    """The executor `codeyard build --executor sandbox` uses (the image is only a name here); raises
    SandboxUnavailableError, saying why, when this host cannot run sandboxes."""
    problem = sandbox_problem()
    if problem is not None:
        raise SandboxUnavailableError(problem)
    return SandboxExecutor(base_dir)


def sandbox_problem(options: SandboxOptions | None = None, timeout: float = 20.0) -> str | None:
    """Why sandboxed builds cannot run here (bwrap missing, no user namespaces, …), or None when a
    trivial sandbox with these options runs."""
    options = options or SandboxOptions()
    with tempfile.TemporaryDirectory(prefix="codeyard-sandbox-check-") as directory:
        base = Path(directory).resolve()
        writable = base / "work"
        writable.mkdir()
        base.chmod(0o711)
        try:
            argv = sandbox_argv(["true"], writable, base, "/", options)
            result = subprocess.run(argv, capture_output=True, text=True, timeout=timeout, check=False)
        except SandboxMissingError as error:
            return str(error)
        except (OSError, subprocess.TimeoutExpired) as error:
            return f"bwrap cannot start: {error}"
    if result.returncode != 0:
        return f"bwrap cannot create a sandbox here: {result.stderr.strip() or f'exit {result.returncode}'}"
    return None


def sandbox_available(options: SandboxOptions | None = None) -> bool:
    """True when bwrap is installed and a trivial sandbox runs (see `sandbox_problem` for why not)."""
    return sandbox_problem(options) is None
