"""gitSubmodulesConfig.fetchSubmodules: a CODECOMMIT source's submodules that point at this server's
repositories are checked out at the commits the superproject records, recursively; a submodule on
another host fails DOWNLOAD_SOURCE, naming it."""

from __future__ import annotations

import re
from pathlib import Path

from tests.integration.git.conftest import GitUser, git_user
from tests.integration.runner.builds_support import ENVIRONMENT, ROLE, buildspec, finished, log_text
from tests.support.git import git
from tests.support.iam import allow
from tests.support.server import Server

SPEC = buildspec(
    'echo "lib=$(cat libs/lib/lib.txt) at $(git -C libs/lib rev-parse HEAD)"',
    'echo "inner=$(cat libs/lib/deps/inner/inner.txt) at $(git -C libs/lib/deps/inner rev-parse HEAD)"',
    'echo "entries=$(ls -A libs/lib | wc -l)"',
    'echo "dirty=$(git status --porcelain | wc -l)"',
    'echo "other=$(cat "$CODEBUILD_SRC_DIR_other/libs/lib/lib.txt")"',
)


def _values(text: str) -> dict[str, str]:
    return dict(re.findall(r"^(lib|inner|entries|dirty|other)=(.*)$", text, re.MULTILINE))


def _commit(work: Path, files: dict[str, str], links: dict[str, str], user: GitUser, name: str) -> str:
    """Commits `files` and gitlinks (path -> commit) in `work` and pushes it to `name` over HTTP."""
    if not (work / ".git").exists():
        work.mkdir(parents=True)
        git(work, "init", "-q", "-b", "main")
        git(work, "remote", "add", "origin", user.url(name))
    for path, content in files.items():
        (work / path).parent.mkdir(parents=True, exist_ok=True)
        (work / path).write_text(content)
        git(work, "add", path)
    for path, commit in links.items():
        git(work, "update-index", "--add", "--cacheinfo", f"160000,{commit},{path}")
    git(work, "commit", "-q", "-m", "change")
    git(work, "push", "-q", "origin", "HEAD:main")
    return git(work, "rev-parse", "HEAD").stdout.strip()


def _gitmodules(*modules: tuple[str, str, str]) -> str:
    return "".join(f'[submodule "{name}"]\n\tpath = {path}\n\turl = {url}\n' for name, path, url in modules)


def _project(server: Server, name: str, repository: str, fetch: bool, **members: object) -> None:
    server.client("codebuild").create_project(
        name=name,
        source={
            "type": "CODECOMMIT",
            "location": f"{server.endpoint}/v1/repos/{repository}",
            "gitSubmodulesConfig": {"fetchSubmodules": fetch},
        },
        artifacts={"type": "NO_ARTIFACTS"},
        environment=ENVIRONMENT,
        serviceRole=ROLE,
        **members,
    )


def test_submodules_of_hosted_repositories_are_checked_out_at_the_recorded_commits(
    server: Server, tmp_path: Path
) -> None:
    user = git_user(server, "dev", allow(["codecommit:*"]))
    codecommit = server.client("codecommit")
    for name in ("inner", "lib", "app"):
        codecommit.create_repository(repositoryName=name)
    region = codecommit.meta.region_name
    inner_one = _commit(tmp_path / "inner", {"inner.txt": "inner one\n"}, {}, user, "inner")
    _commit(tmp_path / "inner", {"inner.txt": "inner two\n"}, {}, user, "inner")
    lib_one = _commit(
        tmp_path / "lib",
        {
            "lib.txt": "lib one\n",
            ".gitmodules": _gitmodules(("inner", "deps/inner", f"codecommit::{region}://inner")),
        },
        {"deps/inner": inner_one},
        user,
        "lib",
    )
    _commit(tmp_path / "lib", {"lib.txt": "lib two\n"}, {}, user, "lib")
    _commit(
        tmp_path / "app",
        {"buildspec.yml": SPEC, ".gitmodules": _gitmodules(("lib", "libs/lib", "../lib"))},
        {"libs/lib": lib_one},
        user,
        "app",
    )
    other = {
        "type": "CODECOMMIT",
        "location": f"{server.endpoint}/v1/repos/app",
        "sourceIdentifier": "other",
        "gitSubmodulesConfig": {"fetchSubmodules": True},
    }
    _project(server, "with-submodules", "app", True, secondarySources=[other])
    codebuild = server.client("codebuild")

    fetched = codebuild.start_build(projectName="with-submodules")["build"]["id"]
    skipped = codebuild.start_build(
        projectName="with-submodules", gitSubmodulesConfigOverride={"fetchSubmodules": False}
    )["build"]["id"]

    done = finished(server, fetched)
    assert done["buildStatus"] == "SUCCEEDED", done["phases"]
    assert _values(log_text(server, fetched)) == {
        "lib": f"lib one at {lib_one}",
        "inner": f"inner one at {inner_one}",
        "entries": "4",  # .git, .gitmodules, lib.txt, deps
        "dirty": "0",
        "other": "lib one",
    }
    done = finished(server, skipped)
    assert done["buildStatus"] == "SUCCEEDED", done["phases"]
    values = _values(log_text(server, skipped))
    assert values["entries"] == "0"  # the submodule is an empty directory
    assert values["dirty"] == "0"
    assert values["other"] == "lib one"  # the secondary source's own setting still fetches


def test_a_submodule_that_cannot_be_fetched_fails_download_source_naming_it(
    server: Server, tmp_path: Path
) -> None:
    user = git_user(server, "dev", allow(["codecommit:*"]))
    codecommit = server.client("codecommit")
    for name in ("inner", "outside", "missing", "unknown"):
        codecommit.create_repository(repositoryName=name)
    inner = _commit(tmp_path / "inner", {"inner.txt": "inner\n"}, {}, user, "inner")
    github = "https://github.com/example/widget.git"
    cases = {  # repository -> (submodule URL, recorded commit, what the message says)
        "outside": (github, inner, f"from {github}: only the repositories this server hosts can be fetched"),
        "missing": ("../nowhere", inner, "from ../nowhere: repository 'nowhere' does not exist"),
        "unknown": ("../inner", "1" * 40, f"commit {'1' * 40} does not exist in repository 'inner'"),
    }
    for name, (url, commit, _) in cases.items():
        files = {
            "buildspec.yml": buildspec("echo built"),
            ".gitmodules": _gitmodules(("widget", "vendor/w", url)),
        }
        _commit(tmp_path / name, files, {"vendor/w": commit}, user, name)
        _project(server, f"{name}-build", name, True)
    codebuild = server.client("codebuild")

    failed = {name: codebuild.start_build(projectName=f"{name}-build")["build"]["id"] for name in cases}
    without = codebuild.start_build(
        projectName="outside-build", gitSubmodulesConfigOverride={"fetchSubmodules": False}
    )["build"]["id"]

    for name, (_, _, says) in cases.items():
        done = finished(server, failed[name])
        assert done["buildStatus"] == "FAILED", name
        download = next(p for p in done["phases"] if p["phaseType"] == "DOWNLOAD_SOURCE")
        context = download["contexts"][0]
        assert (download["phaseStatus"], context["statusCode"]) == ("FAILED", "CLIENT_ERROR")
        assert context["message"].startswith(
            "Cannot download the source: Cannot fetch the submodule 'widget'"
        )
        assert says in context["message"], context["message"]
    done = finished(server, without)
    assert done["buildStatus"] == "SUCCEEDED", done["phases"]
