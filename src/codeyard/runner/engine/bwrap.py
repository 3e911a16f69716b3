"""The bubblewrap command line: limits (prlimit), the sandbox (bwrap) and the build's identity (setpriv)."""

from __future__ import annotations

import os
import resource
import shutil
import stat
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

# The unprivileged identity a build takes when the runner is root (Debian's nobody/nogroup).
NOBODY = 65534
RESOLV_CONF = Path("/etc/resolv.conf")
# The build's /tmp: a private tmpfs in every sandbox, never the host's.
SANDBOX_TMP = "/tmp"  # noqa: S108
SANDBOX_SHM = "/dev/shm"  # noqa: S108
TOOLS = ("prlimit", "setpriv", "bwrap")


class SandboxMissingError(RuntimeError):
    """A program the sandbox needs (bwrap, prlimit, setpriv) is not installed."""


@dataclass(frozen=True)
class SandboxLimits:
    """Resource limits of every process of a sandboxed build (rlimits set before bwrap starts, inherited).

    `processes` is RLIMIT_NPROC: it counts the processes and threads of the build's uid, so builds that
    share a uid share it. `address_space_bytes` is RLIMIT_AS per process (None: unlimited; runtimes that
    reserve address space, such as the JVM, need it generous). `open_files` is RLIMIT_NOFILE."""

    processes: int = 2048
    open_files: int = 8192
    address_space_bytes: int | None = None


@dataclass(frozen=True)
class SandboxOptions:
    """How a sandbox is set up: network (off unless the project allows it), limits, identity, hostname.

    `uid`/`gid` are the build's identity when the runner is root (default 65534, nobody); a runner that
    is not root runs builds as itself."""

    network: bool = False
    limits: SandboxLimits = field(default_factory=SandboxLimits)
    uid: int = NOBODY
    gid: int = NOBODY
    hostname: str = "codeyard-build"


def tool(name: str) -> str:
    """The path of one of TOOLS, or SandboxMissingError."""
    path = shutil.which(name) or shutil.which(name, path="/usr/sbin:/usr/bin:/sbin:/bin")
    if path is None:
        raise SandboxMissingError(
            f"{name} is not installed (the sandbox executor needs bubblewrap and util-linux)"
        )
    return path


def build_identity(options: SandboxOptions) -> tuple[int, int] | None:
    """The (uid, gid) the build runs as: the options' when the runner is root, else None (the runner's own)."""
    return (options.uid, options.gid) if os.geteuid() == 0 else None


def _bounded(kind: int, wanted: int) -> int:
    """`wanted`, lowered to the current hard limit when this process cannot raise it."""
    hard = resource.getrlimit(kind)[1]
    if os.geteuid() == 0 or hard == resource.RLIM_INFINITY:
        return wanted
    return min(wanted, hard)


def limit_argv(limits: SandboxLimits) -> list[str]:
    """prlimit with the limits, soft and hard (a build cannot raise them again)."""
    processes = _bounded(resource.RLIMIT_NPROC, limits.processes)
    files = _bounded(resource.RLIMIT_NOFILE, limits.open_files)
    argv = [tool("prlimit"), f"--nproc={processes}:{processes}", f"--nofile={files}:{files}"]
    if limits.address_space_bytes is not None:
        size = _bounded(resource.RLIMIT_AS, limits.address_space_bytes)
        argv.append(f"--as={size}:{size}")
    return [*argv, "--"]


def identity_argv(identity: tuple[int, int] | None) -> list[str]:
    """setpriv to the build's uid and gid, without groups, capabilities or a way to gain privileges."""
    if identity is None:
        return []
    uid, gid = identity
    return [
        tool("setpriv"),
        f"--reuid={uid}",
        f"--regid={gid}",
        "--clear-groups",
        "--inh-caps=-all",
        "--bounding-set=-all",
        "--no-new-privs",
        "--",
    ]


def namespace_argv(identity: tuple[int, int] | None, network: bool) -> list[str]:
    """New namespaces for everything but users when bwrap runs as root (setpriv drops to the build's uid
    inside, so the build is a real unprivileged user to the kernel); every namespace, users included,
    when the runner is not root (bwrap then needs unprivileged user namespaces)."""
    if identity is None:
        return ["--unshare-all", *(["--share-net"] if network else [])]
    names = ["--unshare-ipc", "--unshare-pid", "--unshare-uts", "--unshare-cgroup-try"]
    return [*names, *([] if network else ["--unshare-net"])]


def _resolver_binds() -> list[str]:
    """/etc/resolv.conf's target when it lives under /run (systemd-resolved), which the sandbox hides."""
    target = RESOLV_CONF.resolve()
    if target != RESOLV_CONF and target.is_relative_to("/run") and target.exists():
        return ["--ro-bind", str(target), str(target)]
    return []


def _passable(path: Path, identity: tuple[int, int]) -> bool:
    """True when the build's uid and gid (without supplementary groups) may traverse the directory."""
    info = path.stat()
    uid, gid = identity
    if info.st_uid == uid:
        return bool(info.st_mode & stat.S_IXUSR)
    if info.st_gid == gid:
        return bool(info.st_mode & stat.S_IXGRP)
    return bool(info.st_mode & stat.S_IXOTH)


def hidden_root(base_dir: Path, identity: tuple[int, int] | None) -> Path:
    """The directory the sandbox covers with an empty tmpfs: `base_dir` (every build's workspace), or
    its highest ancestor that the build's user could not traverse (so the workspace's path inside is
    made of directories the build can pass)."""
    if identity is not None:
        for ancestor in reversed(base_dir.parents):
            if ancestor != Path("/") and not _passable(ancestor, identity):
                return ancestor
    return base_dir


def mount_argv(writable: Path, hidden: Path, network: bool, visible: Sequence[Path] = ()) -> list[str]:
    """A read-only root; fresh /dev, /proc and /run; /tmp and /dev/shm private and writable (sticky);
    `hidden` emptied; `writable` bound back read-write and `visible` read-only at their own paths
    (through directories the build may traverse)."""
    argv = ["--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc", "--tmpfs", "/run"]
    for private in (SANDBOX_SHM, SANDBOX_TMP):
        argv += ["--perms", "01777", "--tmpfs", private]
    argv += [*(_resolver_binds() if network else []), "--tmpfs", str(hidden)]
    made: set[Path] = set()
    for path, bind in [(writable, "--bind"), *((path, "--ro-bind") for path in visible)]:
        between = [parent for parent in path.parents if parent.is_relative_to(hidden) and parent != hidden]
        for directory in reversed(between):
            if directory not in made:
                made.add(directory)
                argv += ["--perms", "0711", "--dir", str(directory)]
        argv += [bind, str(path), str(path)]
    return argv


def sandbox_argv(
    command: Sequence[str],
    writable: Path,
    base_dir: Path,
    cwd: str,
    options: SandboxOptions,
    path_dirs: Sequence[str] = (),
) -> list[str]:
    """The whole argv: prlimit, then bwrap, then (as root) setpriv running `command` in `cwd`.

    The root file system is read-only; `writable` (the build's workspace) is the one place the build
    can write besides its private /tmp; the directories of `path_dirs` (the build's PATH) that the
    hidden tree covers stay visible, read-only. The build's processes die with bwrap, bwrap with the runner."""
    identity = build_identity(options)
    hidden = hidden_root(base_dir, identity)
    visible = []
    for entry in path_dirs:
        path = Path(entry)
        if (
            path.is_absolute()
            and path.is_relative_to(hidden)
            and not path.is_relative_to(writable)
            and path.is_dir()
        ):
            visible.append(path.resolve())
    argv = [*limit_argv(options.limits), tool("bwrap")]
    argv += mount_argv(writable, hidden, options.network, visible)
    argv += namespace_argv(identity, options.network)
    argv += ["--die-with-parent", "--new-session", "--hostname", options.hostname, "--chdir", cwd]
    return [*argv, "--", *identity_argv(identity), *command]
