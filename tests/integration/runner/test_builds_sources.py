"""Build sources as CodeBuild gives them: a CODECOMMIT source is a git clone at the asked depth and
version, and secondary sources (CODECOMMIT and S3) each land in their own directory."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from tests.integration.runner.builds_support import ENVIRONMENT, ROLE, buildspec, finished, log_text
from tests.support.git import bare_path, git, seed
from tests.support.server import Server

GIT_SPEC = buildspec(
    'echo "head=$(git rev-parse HEAD)"',
    'echo "count=$(git log --oneline | wc -l)"',
    'echo "branch=$(git rev-parse --abbrev-ref HEAD)"',
    'echo "dirty=$(git status --porcelain | wc -l)"',
    'echo "resolved=$CODEBUILD_RESOLVED_SOURCE_VERSION"',
    "cat version.txt",
)


def _values(text: str) -> dict[str, str]:
    return dict(re.findall(r"^(head|count|branch|dirty|resolved)=(.*)$", text, re.MULTILINE))


def test_a_codecommit_source_is_a_clone_at_the_depth_and_version_asked(
    server: Server, tmp_path: Path
) -> None:
    server.client("codecommit").create_repository(repositoryName="history")
    work = tmp_path / "history"
    first = seed(server, work, "history", {"buildspec.yml": GIT_SPEC, "version.txt": "one\n"})
    second = seed(server, work, "history", {"version.txt": "two\n"})
    third = seed(server, work, "history", {"version.txt": "three\n"})
    server.client("codecommit").create_branch(repositoryName="history", branchName="feature", commitId=second)
    feature = seed(server, work, "history", {"version.txt": "feature\n"}, branch="feature")
    git(work, "tag", "v2", second)
    git(work, "push", "-q", str(bare_path(server, "history")), "refs/tags/v2")
    codebuild = server.client("codebuild")
    codebuild.create_project(
        name="history-build",
        source={"type": "CODECOMMIT", "location": f"{server.endpoint}/v1/repos/history", "gitCloneDepth": 1},
        artifacts={"type": "NO_ARTIFACTS"},
        environment=ENVIRONMENT,
        serviceRole=ROLE,
    )

    shallow = codebuild.start_build(projectName="history-build", sourceVersion="main")["build"]["id"]
    full = codebuild.start_build(
        projectName="history-build", sourceVersion="refs/heads/main", gitCloneDepthOverride=0
    )["build"]["id"]
    tagged = codebuild.start_build(projectName="history-build", sourceVersion="v2")["build"]["id"]
    pinned = codebuild.start_build(projectName="history-build", sourceVersion=first, gitCloneDepthOverride=0)[
        "build"
    ]["id"]
    branch = codebuild.start_build(projectName="history-build", sourceVersion="refs/heads/feature")["build"][
        "id"
    ]

    outcomes = {}
    for name, build_id in [
        ("shallow", shallow),
        ("full", full),
        ("tagged", tagged),
        ("pinned", pinned),
        ("branch", branch),
    ]:
        done = finished(server, build_id)
        assert done["buildStatus"] == "SUCCEEDED", (name, done["phases"])
        outcomes[name] = (_values(log_text(server, build_id)), done["resolvedSourceVersion"])

    assert outcomes["shallow"][0] == {
        "head": third,
        "count": "1",
        "branch": "main",
        "dirty": "0",
        "resolved": third,
    }
    assert outcomes["full"][0] == {
        "head": third,
        "count": "3",
        "branch": "main",
        "dirty": "0",
        "resolved": third,
    }
    assert outcomes["tagged"][0] == {
        "head": second,
        "count": "1",
        "branch": "HEAD",  # detached at the tag
        "dirty": "0",
        "resolved": second,
    }
    assert outcomes["pinned"][0] == {
        "head": first,
        "count": "1",
        "branch": "HEAD",
        "dirty": "0",
        "resolved": first,
    }
    assert outcomes["branch"][0] == {
        "head": feature,
        "count": "1",
        "branch": "feature",
        "dirty": "0",
        "resolved": feature,
    }
    assert {name: resolved for name, (_, resolved) in outcomes.items()} == {
        "shallow": third,
        "full": third,
        "tagged": second,
        "pinned": first,
        "branch": feature,
    }
    assert "\nthree" in "\n" + log_text(server, shallow)
    assert "\ntwo" in "\n" + log_text(server, tagged)


SECONDARY_SPEC = buildspec(
    'echo "primary=$(cat app.txt) in $(pwd)"',
    'echo "lib=$(cat "$CODEBUILD_SRC_DIR_lib/lib.txt") at $(git -C "$CODEBUILD_SRC_DIR_lib" rev-parse HEAD)"',
    'echo "assets=$(cat "$CODEBUILD_SRC_DIR_assets/asset.txt")"',
    'echo "lib-version=$CODEBUILD_SOURCE_VERSION_lib"',
    'echo "dirs=$CODEBUILD_SRC_DIR|$CODEBUILD_SRC_DIR_lib|$CODEBUILD_SRC_DIR_assets"',
)


def test_secondary_sources_land_in_their_own_directories(server: Server, tmp_path: Path) -> None:
    codecommit = server.client("codecommit")
    for name in ("app", "lib"):
        codecommit.create_repository(repositoryName=name)
    seed(server, tmp_path / "app", "app", {"buildspec.yml": SECONDARY_SPEC, "app.txt": "application\n"})
    seed(server, tmp_path / "lib", "lib", {"lib.txt": "library one\n"})
    stable = seed(server, tmp_path / "lib", "lib", {"lib.txt": "library stable\n"}, branch="stable")
    bucket = server.data_dir / "artifacts" / "inputs"
    bucket.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(bucket / "assets.zip", "w") as archive:
        archive.writestr("asset.txt", "an asset\n")
    codebuild = server.client("codebuild")
    codebuild.create_project(
        name="multi",
        source={"type": "CODECOMMIT", "location": f"{server.endpoint}/v1/repos/app"},
        secondarySources=[
            {"type": "CODECOMMIT", "location": f"{server.endpoint}/v1/repos/lib", "sourceIdentifier": "lib"},
            {"type": "S3", "location": "inputs/assets.zip", "sourceIdentifier": "assets"},
        ],
        artifacts={"type": "NO_ARTIFACTS"},
        environment=ENVIRONMENT,
        serviceRole=ROLE,
    )

    build_id = codebuild.start_build(
        projectName="multi",
        secondarySourcesVersionOverride=[{"sourceIdentifier": "lib", "sourceVersion": "stable"}],
    )["build"]["id"]
    done = finished(server, build_id)

    assert done["buildStatus"] == "SUCCEEDED", done["phases"]
    assert done["secondarySourceVersions"] == [{"sourceIdentifier": "lib", "sourceVersion": "stable"}]
    text = log_text(server, build_id)
    primary_dir = re.search(r"^primary=application in (.*)$", text, re.MULTILINE)
    assert primary_dir is not None
    assert f"lib=library stable at {stable}" in text
    assert "assets=an asset" in text
    assert "lib-version=stable" in text
    dirs = re.search(r"^dirs=(.*)\|(.*)\|(.*)$", text, re.MULTILINE)
    assert dirs is not None
    assert dirs.group(1) == primary_dir.group(1)  # the primary source is the working directory
    assert len({dirs.group(1), dirs.group(2), dirs.group(3)}) == 3
    assert dirs.group(2).endswith("/lib")
    assert dirs.group(3).endswith("/assets")
