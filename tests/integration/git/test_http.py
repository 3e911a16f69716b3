"""Git smart HTTP with the real git client: clone, push, fetch, branches, tags, protocol v2, and the
events each push records."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.integration.git.conftest import GitUser, git_user
from tests.support.git import bare_path, git
from tests.support.iam import allow
from tests.support.server import Server

STATE_CHANGE = "CodeCommit Repository State Change"


def ref_events(server: Server) -> list[dict[str, Any]]:
    return [e["detail"] for e in server.events("aws.codecommit") if e["detail-type"] == STATE_CHANGE]


def commit(work: Path, files: dict[str, str], message: str = "change") -> str:
    for path, text in files.items():
        target = work / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text)
        git(work, "add", path)
    git(work, "commit", "-q", "-m", message)
    return git(work, "rev-parse", "HEAD").stdout.strip()


def developer(server: Server, name: str = "dev") -> GitUser:
    return git_user(server, name, allow("codecommit:*"))


def test_clone_push_fetch_and_the_events_of_each_push(server: Server, tmp_path: Path) -> None:
    codecommit = server.client("codecommit")
    metadata = codecommit.create_repository(repositoryName="web")["repositoryMetadata"]
    user = developer(server)

    empty = git(tmp_path, "clone", user.url("web"), "one")
    assert "cloned an empty repository" in empty.stderr
    one = tmp_path / "one"
    first = commit(one, {"README.md": "hello\n"}, "first")
    git(one, "push", "-q", "origin", "HEAD:main")

    git(tmp_path, "clone", "-q", user.url("web"), "two")
    two = tmp_path / "two"
    assert (two / "README.md").read_text() == "hello\n"
    second = commit(two, {"src/app.py": "print('hi')\n"}, "second")
    git(two, "push", "-q", "origin", "main")

    git(one, "fetch", "-q", "origin")
    assert git(one, "rev-parse", "origin/main").stdout.strip() == second
    assert codecommit.get_branch(repositoryName="web", branchName="main")["branch"]["commitId"] == second
    got = codecommit.get_repository(repositoryName="web")["repositoryMetadata"]
    assert got["defaultBranch"] == "main"
    assert got["cloneUrlHttp"].endswith("/v1/repos/web")

    base = {
        "callerUserArn": user.identity.arn,
        "repositoryId": metadata["repositoryId"],
        "repositoryName": "web",
        "referenceFullName": "refs/heads/main",
        "referenceName": "main",
        "referenceType": "branch",
    }
    assert ref_events(server) == [
        {**base, "event": "referenceCreated", "commitId": first},
        {**base, "event": "referenceUpdated", "commitId": second, "oldCommitId": first},
    ]
    envelope = server.events("aws.codecommit")[-1]
    assert envelope["resources"] == [metadata["Arn"]]
    assert envelope["source"] == "aws.codecommit"


def test_branches_and_tags_are_created_and_deleted_by_push(server: Server, tmp_path: Path) -> None:
    server.client("codecommit").create_repository(repositoryName="lib")
    user = developer(server)
    git(tmp_path, "clone", "-q", user.url("lib"), "work")
    work = tmp_path / "work"
    main = commit(work, {"a.txt": "a\n"})
    git(work, "push", "-q", "origin", "HEAD:main")
    git(work, "tag", "v1")
    git(work, "tag", "-a", "v2", "-m", "release two")
    annotated = git(work, "rev-parse", "v2").stdout.strip()
    git(work, "checkout", "-q", "-b", "feature")
    feature = commit(work, {"b.txt": "b\n"})
    # One push, three refs: one event each, in ref order.
    git(work, "push", "-q", "origin", "feature", "v1", "v2")
    codecommit = server.client("codecommit")
    assert sorted(codecommit.list_branches(repositoryName="lib")["branches"]) == ["feature", "main"]
    remote = git(work, "ls-remote", "origin").stdout
    assert f"{annotated}\trefs/tags/v2" in remote
    assert f"{main}\trefs/tags/v1" in remote

    git(work, "push", "-q", "origin", "--delete", "feature", "v1")
    assert codecommit.list_branches(repositoryName="lib")["branches"] == ["main"]
    assert "refs/tags/v1" not in git(work, "ls-remote", "origin").stdout

    events = [
        (e["event"], e["referenceFullName"], e.get("commitId"), e.get("oldCommitId"))
        for e in ref_events(server)
    ]
    assert events == [
        ("referenceCreated", "refs/heads/main", main, None),
        ("referenceCreated", "refs/heads/feature", feature, None),
        ("referenceCreated", "refs/tags/v1", main, None),
        ("referenceCreated", "refs/tags/v2", annotated, None),
        ("referenceDeleted", "refs/heads/feature", None, feature),
        ("referenceDeleted", "refs/tags/v1", None, main),
    ]
    tag_event = ref_events(server)[3]
    assert (tag_event["referenceType"], tag_event["referenceName"]) == ("tag", "v2")


def test_the_default_branch_cannot_be_deleted_by_push(server: Server, tmp_path: Path) -> None:
    server.client("codecommit").create_repository(repositoryName="keep")
    user = developer(server)
    git(tmp_path, "clone", "-q", user.url("keep"), "work")
    work = tmp_path / "work"
    commit(work, {"a.txt": "a\n"})
    git(work, "push", "-q", "origin", "HEAD:main")
    refused = git(work, "push", "origin", "--delete", "main", check=False)
    assert refused.returncode != 0
    assert "deletion of the current branch prohibited" in refused.stderr
    assert [e["event"] for e in ref_events(server)] == ["referenceCreated"]


def test_protocol_v2_and_v0_both_serve_fetches(server: Server, tmp_path: Path) -> None:
    server.client("codecommit").create_repository(repositoryName="proto")
    user = developer(server)
    git(tmp_path, "clone", "-q", user.url("proto"), "work")
    work = tmp_path / "work"
    head = commit(work, {"a.txt": "a\n"})
    git(work, "push", "-q", "origin", "HEAD:main")

    v2 = git(tmp_path, "-c", "protocol.version=2", "clone", user.url("proto"), "v2", GIT_TRACE_PACKET="1")
    assert "git< version 2" in v2.stderr
    assert "> command=fetch" in v2.stderr
    v0 = git(tmp_path, "-c", "protocol.version=0", "clone", user.url("proto"), "v0", GIT_TRACE_PACKET="1")
    assert "version 2" not in v0.stderr
    for name in ("v2", "v0"):
        assert git(tmp_path / name, "rev-parse", "HEAD").stdout.strip() == head
    listed = git(tmp_path, "-c", "protocol.version=2", "ls-remote", user.url("proto"), "refs/heads/*")
    assert listed.stdout == f"{head}\trefs/heads/main\n"


def test_a_fetch_of_many_tips_sends_a_gzip_request(server: Server, tmp_path: Path) -> None:
    """git gzips fetch requests over 1 KiB: thirty `want` lines make one."""
    server.client("codecommit").create_repository(repositoryName="tips")
    user = developer(server)
    work = tmp_path / "work"
    work.mkdir()
    git(work, "init", "-q", "-b", "main")
    for n in range(30):
        git(work, "commit", "-q", "--allow-empty", "-m", f"commit {n}")
    git(
        work,
        "push",
        "-q",
        user.url("tips"),
        *(f"HEAD~{n}:refs/heads/b{n:02d}" for n in range(30)),
        "HEAD:main",
    )
    cloned = git(tmp_path, "clone", user.url("tips"), "copy", GIT_TRACE_CURL="1", GIT_TRACE_CURL_NO_DATA="1")
    assert "Content-Encoding: gzip" in cloned.stderr
    branches = git(tmp_path / "copy", "branch", "-r").stdout.split()
    assert len([b for b in branches if b.startswith("origin/b")]) == 30


def test_pushes_land_in_the_bare_repository_intact(server: Server, tmp_path: Path) -> None:
    server.client("codecommit").create_repository(repositoryName="fsck")
    user = developer(server)
    git(tmp_path, "clone", "-q", user.url("fsck"), "work")
    work = tmp_path / "work"
    for n in range(3):
        commit(work, {f"f{n}.txt": f"{n}\n"})
        git(work, "push", "-q", "origin", "HEAD:main")
    bare = bare_path(server, "fsck")
    assert git(bare, "fsck", "--strict").returncode == 0
    assert git(bare, "rev-list", "--count", "main").stdout.strip() == "3"
