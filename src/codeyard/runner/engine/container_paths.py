"""Where the runner reads a container build's absolute paths (artifacts, reports, cache): a directory of
the runner's that mirrors the container's bind mounts, each a link at its container path to its host
directory. `/codebuild/output/src/out/*` then selects what `out/*` selects, and the workspace's
`readable_roots` (the bound host directories) keep every other path of the container's file system, and
every link leading out of those directories, unread."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path, PurePosixPath

# The view's directory in the workspace (the runner's alone: it is bound into no container).
VIEW = "container-paths"


def mount_view(root: Path, bound: Sequence[tuple[str, Path]]) -> tuple[Path, tuple[Path, ...]]:
    """The view of a workspace's bind mounts, `bound` as (absolute path in the container, host
    directory): its directory (to be made by `make_mount_view`) and the host directories, which are a
    container workspace's `filesystem_root` and `readable_roots`."""
    return root / VIEW, tuple(host for _, host in bound)


def make_mount_view(view: Path, bound: Sequence[tuple[str, Path]]) -> None:
    """Makes the view: below it, at each container path, a link to the host directory bound there."""
    view.mkdir(0o700)
    for inside, host in bound:
        parts = PurePosixPath(inside).parts[1:]
        if not PurePosixPath(inside).is_absolute() or not parts or ".." in parts:
            raise ValueError(f"not an absolute container path: {inside!r}")
        parent = view.joinpath(*parts[:-1])
        parent.mkdir(0o700, parents=True, exist_ok=True)
        (parent / parts[-1]).symlink_to(host, target_is_directory=True)
