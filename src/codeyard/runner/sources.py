"""A server build's sources: the primary one in the source directory, each secondary one in its own.

A CODECOMMIT source arrives as the tar of a clone's `.git` and is checked out here with git (the
build gets a real repository), with its submodules when it asks for them (their repositories come in
the tar); an S3 source as a zip, unpacked. Secondary sources go to
`<workspace>/sources/<sourceIdentifier>`, named by CODEBUILD_SRC_DIR_<sourceIdentifier>."""

from __future__ import annotations

import asyncio
import errno
import os
import tarfile
import zipfile
from collections.abc import Awaitable, Callable
from pathlib import Path, PurePosixPath

import httpx

from codeyard.execution.buildspec_location import MAX_BUILDSPEC_BYTES, secondary_path
from codeyard.execution.messages import Job
from codeyard.runner.client import Refused, WorkClient
from codeyard.runner.engine.executors import Workspace
from codeyard.runner.engine.hooks import PhaseError
from codeyard.runner.engine.states import CLIENT_ERROR
from codeyard.runner.globs import inside, open_selected

# (write, identifier) -> (commit, content type): streams one source of the job to `write`
Fetch = Callable[[Callable[[bytes], object], str], Awaitable[tuple[str, str]]]
SECONDARY_DIR = "sources"
ZIP = "application/zip"


def work_api_fetch(client: WorkClient, build_id: str) -> Fetch:
    """The build's sources from the work API: the server's refusal, a timeout or a broken connection
    is a PhaseError (DOWNLOAD_SOURCE fails, CLIENT_ERROR, saying what happened)."""

    async def fetch(write: Callable[[bytes], object], identifier: str) -> tuple[str, str]:
        try:
            return await client.source(build_id, write, identifier)
        except Refused as error:
            raise PhaseError(CLIENT_ERROR, error.reason) from None
        except httpx.ReadTimeout:
            raise PhaseError(
                CLIENT_ERROR,
                f"the server sent nothing for {client.source_read_timeout:g} seconds (ReadTimeout)",
            ) from None
        except httpx.HTTPError as error:  # a transport error (connection refused or broken, ...)
            raise PhaseError(CLIENT_ERROR, f"{type(error).__name__}: {error}") from None

    return fetch


def secondary_dirs(workspace: Workspace, identifier: str) -> tuple[Path, str]:
    """A secondary source's directory on the runner's host and as the build's shell sees it."""
    host = workspace.src_dir.parent / SECONDARY_DIR / identifier
    shell = PurePosixPath(workspace.shell_src_dir).parent / SECONDARY_DIR / identifier
    return host, str(shell)


def buildspec_file(workspace: Workspace, path: str) -> tuple[Path, Path]:
    """The source directory a buildspec path is read in (the secondary source a
    `${CODEBUILD_SRC_DIR_<id>}/` prefix names, else the primary source) and the file it names there."""
    secondary = secondary_path(path)
    if secondary is None:
        return workspace.src_dir, workspace.src_dir / path
    identifier, inner = secondary
    root = secondary_dirs(workspace, identifier)[0]
    return root, root / inner


def read_buildspec(workspace: Workspace, path: str) -> str:
    """The text of the buildspec file a path names, read only inside its source directory: the
    source is the project's, so `../` or a link in it that leads out (to the runner's own files)
    reads nothing. OSError (ELOOP/EACCES) when it leads out, UnicodeDecodeError when not UTF-8,
    ValueError when larger than MAX_BUILDSPEC_BYTES."""
    root, named = buildspec_file(workspace, path)
    real = Path(os.path.realpath(named))
    if not inside(os.fspath(real), os.path.realpath(root)):
        raise PermissionError(errno.EACCES, "outside the source directory", path)
    descriptor = open_selected(real)
    with os.fdopen(descriptor, "rb") as handle:
        data = handle.read(MAX_BUILDSPEC_BYTES + 1)
    if len(data) > MAX_BUILDSPEC_BYTES:
        raise ValueError(f"larger than {MAX_BUILDSPEC_BYTES} bytes")
    return data.decode()


async def download_sources(job: Job, workspace: Workspace, fetch: Fetch) -> tuple[str | None, dict[str, str]]:
    """Fills the source directories; answers the primary source's commit (None when it has none)
    and the variables that name the secondary sources."""
    commit: str | None = None
    if job.source_url is not None:
        commit = await _one(workspace, workspace.src_dir, fetch, "", job.fetch_submodules) or None
    variables: dict[str, str] = {}
    for source in job.secondary_sources:
        identifier = source.get("identifier", "")
        host, shell = secondary_dirs(workspace, identifier)
        host.mkdir(parents=True, exist_ok=True)
        if source.get("url"):
            await _one(workspace, host, fetch, identifier, bool(source.get("submodules")))
        await asyncio.to_thread(_same_owner, workspace.src_dir, host)
        variables[f"CODEBUILD_SRC_DIR_{identifier}"] = shell
        variables[f"CODEBUILD_SOURCE_REPO_URL_{identifier}"] = source.get("location", "")
        if source.get("version"):
            variables[f"CODEBUILD_SOURCE_VERSION_{identifier}"] = source["version"]
    return commit, variables


async def _one(workspace: Workspace, target: Path, fetch: Fetch, identifier: str, submodules: bool) -> str:
    what = f"the secondary source {identifier}" if identifier else "the source"
    archive = workspace.root / "source.archive"
    try:
        with archive.open("wb") as handle:
            commit, kind = await fetch(handle.write, identifier)
        await asyncio.to_thread(_extract, archive, target, kind == ZIP)
    except PhaseError as error:
        raise PhaseError(error.status_code, f"Cannot download {what}: {error.message}") from None
    finally:
        archive.unlink(missing_ok=True)
    if kind != ZIP:
        await _checkout(target, "reset", "-q", "--hard")
        if submodules:
            # the server put the submodules' repositories in .git/modules: checked out, nothing fetched
            await _checkout(
                target,
                "-c",
                "protocol.allow=never",
                "submodule",
                "update",
                "-q",
                "--init",
                "--recursive",
                "--no-fetch",
            )
    return commit


async def _checkout(directory: Path, *command: str) -> None:
    """Runs a git command that checks out the clone whose `.git` was just unpacked: its work tree and
    index at its HEAD, then its submodules."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    environment.update(GIT_CONFIG_NOSYSTEM="1", GIT_TERMINAL_PROMPT="0")
    try:
        # the directory may already belong to a sandbox's build user; its .git is the server's, just unpacked
        process = await asyncio.create_subprocess_exec(
            "git",
            "-c",
            f"safe.directory={directory}",
            *command,
            cwd=directory,
            env=environment,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
        )
    except FileNotFoundError:
        raise PhaseError(CLIENT_ERROR, "git is needed on the runner to check out the source") from None
    output, _ = await process.communicate()
    if process.returncode != 0:
        message = output.decode(errors="replace").strip()
        raise PhaseError(CLIENT_ERROR, f"Cannot check out the source: {message}")


def _extract(archive: Path, target: Path, zipped: bool) -> None:
    if zipped:
        try:
            with zipfile.ZipFile(archive) as source:
                source.extractall(target)  # noqa: S202 - zipfile drops ".." and absolute parts of names
        except zipfile.BadZipFile as error:
            raise PhaseError(CLIENT_ERROR, f"The source is not a zip file: {error}") from None
        return
    try:
        with tarfile.open(archive) as tar:
            tar.extractall(target, filter="data")
    except tarfile.TarError as error:
        raise PhaseError(CLIENT_ERROR, f"The source is not a tar file: {error}") from None


def _same_owner(model: Path, root: Path) -> None:
    """Gives the tree the owner of the primary source directory (a sandbox's build user), links included."""
    info = model.stat()
    here = root.stat()
    if os.geteuid() != 0 or (here.st_uid, here.st_gid) == (info.st_uid, info.st_gid):
        return
    os.chown(root, info.st_uid, info.st_gid, follow_symlinks=False)
    for parent, directories, files in os.walk(root):
        for name in (*directories, *files):
            os.chown(os.path.join(parent, name), info.st_uid, info.st_gid, follow_symlinks=False)
