"""Git helpers for tests: run the real git client, and seed commits straight into a server's
bare repository (for API tests that need history without going through the git server)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from tests.support.server import Server

IDENTITY = {
    "GIT_AUTHOR_NAME": "Test Author",
    "GIT_AUTHOR_EMAIL": "author@example.com",
    "GIT_COMMITTER_NAME": "Test Author",
    "GIT_COMMITTER_EMAIL": "author@example.com",
}


def git_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(IDENTITY)
    env.update({"GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": "/dev/null", "GIT_TERMINAL_PROMPT": "0"})
    env.update(extra)
    return env


def git(cwd: Path, *args: str, check: bool = True, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["git", *args], cwd=cwd, env=git_env(**env), capture_output=True, text=True, check=check, timeout=120
    )


def bare_path(server: Server, repository_name: str) -> Path:
    repository_id = server.client("codecommit").get_repository(repositoryName=repository_name)[
        "repositoryMetadata"
    ]["repositoryId"]
    return server.data_dir / "git" / f"{repository_id}.git"


def seed(
    server: Server,
    work: Path,
    repository_name: str,
    files: dict[str, str],
    *,
    branch: str = "main",
    message: str = "seed",
) -> str:
    """Commit `files` on top of `branch` (or as its first commit) straight into the bare
    repository, and return the new commit id. Refs move with git itself, no events are recorded."""
    bare = bare_path(server, repository_name)
    work.mkdir(parents=True, exist_ok=True)
    if not (work / ".git").exists():
        git(work, "init", "-q", "-b", branch)
    git(work, "fetch", "-q", str(bare), "+refs/heads/*:refs/remotes/origin/*", check=False)
    has_branch = git(work, "rev-parse", "--verify", "-q", f"refs/remotes/origin/{branch}", check=False)
    if has_branch.returncode == 0:
        git(work, "checkout", "-q", "-B", branch, f"refs/remotes/origin/{branch}")
    else:
        git(work, "checkout", "-q", "--orphan", branch)
        git(work, "rm", "-rq", "--cached", ".", check=False)
    for path, content in files.items():
        target = work / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(content)
        git(work, "add", path)
    git(work, "commit", "-q", "--allow-empty", "-m", message)
    git(work, "push", "-q", str(bare), f"HEAD:refs/heads/{branch}")
    return git(work, "rev-parse", "HEAD").stdout.strip()
