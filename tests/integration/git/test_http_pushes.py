"""The hard cases of pushing over HTTP: large and many files, chunked and gzip bodies, concurrent
pushes to one branch, and corrupt or truncated packs."""

from __future__ import annotations

import gzip
import hashlib
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.integration.git.conftest import GitUser, git_user
from tests.integration.git.test_http import commit, ref_events
from tests.support.git import bare_path, git, git_env, seed
from tests.support.iam import allow
from tests.support.server import Server

MB = 1 << 20
RECEIVE_PACK = {"Content-Type": "application/x-git-receive-pack-request"}


def pkt(payload: bytes) -> bytes:
    return b"%04x" % (len(payload) + 4) + payload


def pack_of(work: Path, new: str, *exclude: str) -> bytes:
    """A pack of the objects `new` has and `exclude` have not, made by git pack-objects."""
    revs = "\n".join([new, *(f"^{e}" for e in exclude)]) + "\n"
    done = subprocess.run(
        ["git", "pack-objects", "--stdout", "--revs", "-q"],
        cwd=work,
        input=revs.encode(),
        capture_output=True,
        check=True,
        env=git_env(),
    )
    return done.stdout


def push_body(old: str, new: str, ref: str, pack: bytes) -> bytes:
    return pkt(f"{old} {new} {ref}\0report-status agent=test\n".encode()) + b"0000" + pack


def post(
    server: Server, user: GitUser, repository: str, content: bytes | Iterator[bytes], **headers: str
) -> httpx.Response:
    return httpx.post(
        f"{server.endpoint}/v1/repos/{repository}/git-receive-pack",
        content=content,
        auth=user.auth,
        headers={**RECEIVE_PACK, **headers},
        timeout=60,
    )


def setup(server: Server, tmp_path: Path, name: str) -> tuple[GitUser, Path, str]:
    """A repository with one commit on main, a user who may push, and a clone of it."""
    server.client("codecommit").create_repository(repositoryName=name)
    base = seed(server, tmp_path / "seed", name, {"a.txt": "a\n"})
    user = git_user(server, "dev", allow("codecommit:*"))
    git(tmp_path, "clone", "-q", user.url(name), "work")
    return user, tmp_path / "work", base


def assert_intact(server: Server, name: str) -> None:
    bare = bare_path(server, name)
    assert git(bare, "fsck", "--strict").returncode == 0
    assert not list((bare / "objects").glob("incoming-*")), "a quarantine was left behind"


@pytest.mark.slow
@pytest.mark.parametrize("live_server", ["sqlite"], indirect=True)
def test_a_100_mb_file_is_pushed_chunked_and_cloned_back(server: Server, tmp_path: Path) -> None:
    server.client("codecommit").create_repository(repositoryName="big")
    user = git_user(server, "dev", allow("codecommit:*"))
    work = tmp_path / "work"
    work.mkdir()
    git(work, "init", "-q", "-b", "main")
    digest = hashlib.sha256()
    with (work / "big.bin").open("wb") as handle:
        for _ in range(100):
            block = os.urandom(MB)
            digest.update(block)
            handle.write(block)
    # Random bytes do not compress: storing them plainly keeps the test quick.
    git(work, "-c", "core.compression=0", "add", "big.bin")
    git(work, "commit", "-q", "-m", "big")
    head = git(work, "rev-parse", "HEAD").stdout.strip()
    pushed = git(
        work,
        "-c",
        "pack.compression=0",
        "push",
        user.url("big"),
        "HEAD:main",
        GIT_TRACE_CURL="1",
        GIT_TRACE_CURL_NO_DATA="1",
    )
    assert "Transfer-Encoding: chunked" in pushed.stderr
    git(tmp_path, "clone", "-q", user.url("big"), "copy")
    with (tmp_path / "copy" / "big.bin").open("rb") as handle:
        copied = hashlib.file_digest(handle, "sha256")
    assert copied.hexdigest() == digest.hexdigest()
    assert [(e["event"], e["commitId"]) for e in ref_events(server)] == [("referenceCreated", head)]


@pytest.mark.parametrize("live_server", ["sqlite"], indirect=True)
def test_a_2000_file_repository_is_pushed_and_cloned(server: Server, tmp_path: Path) -> None:
    server.client("codecommit").create_repository(repositoryName="many")
    user = git_user(server, "dev", allow("codecommit:*"))
    work = tmp_path / "work"
    for n in range(2000):
        path = work / f"dir{n % 20:02d}" / f"file{n:04d}.txt"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"file {n}\n")
    git(work, "init", "-q", "-b", "main")
    git(work, "add", ".")
    git(work, "commit", "-q", "-m", "many")
    git(work, "push", "-q", user.url("many"), "HEAD:main")
    git(tmp_path, "clone", "-q", user.url("many"), "copy")
    assert len(git(tmp_path / "copy", "ls-files").stdout.splitlines()) == 2000
    assert (tmp_path / "copy" / "dir07" / "file1207.txt").read_text() == "file 1207\n"
    folder = server.client("codecommit").get_folder(repositoryName="many", folderPath="dir07")
    assert len(folder["files"]) == 100


def test_gzip_and_chunked_request_bodies_reach_git(server: Server, tmp_path: Path) -> None:
    user, work, base = setup(server, tmp_path, "bodies")
    one = commit(work, {"b.txt": "b\n"})
    gzipped = post(
        server,
        user,
        "bodies",
        gzip.compress(push_body(base, one, "refs/heads/main", pack_of(work, one, base))),
        **{"Content-Encoding": "gzip"},
    )
    assert gzipped.status_code == 200
    assert gzipped.content == pkt(b"unpack ok\n") + pkt(b"ok refs/heads/main\n") + b"0000"

    two = commit(work, {"c.txt": "c\n"})
    body = push_body(one, two, "refs/heads/main", pack_of(work, two, one))
    chunked = post(server, user, "bodies", iter([body[:7], body[7:100], body[100:]]))
    assert chunked.status_code == 200
    assert pkt(b"ok refs/heads/main\n") in chunked.content
    assert [(e["event"], e["commitId"]) for e in ref_events(server)] == [
        ("referenceUpdated", one),
        ("referenceUpdated", two),
    ]

    # A protocol v2 fetch request, gzip compressed, passed on to http-backend to inflate.
    request = pkt(b"command=ls-refs\n") + b"0001" + pkt(b"ref-prefix refs/heads/\n") + b"0000"
    listed = httpx.post(
        f"{server.endpoint}/v1/repos/bodies/git-upload-pack",
        content=gzip.compress(request),
        auth=user.auth,
        headers={
            "Content-Type": "application/x-git-upload-pack-request",
            "Content-Encoding": "gzip",
            "Git-Protocol": "version=2",
        },
    )
    assert listed.status_code == 200
    assert listed.content == pkt(f"{two} refs/heads/main\n".encode()) + b"0000"

    broken = post(server, user, "bodies", b"\x1f\x8b not gzip at all", **{"Content-Encoding": "gzip"})
    assert broken.status_code == 400


def test_concurrent_pushes_to_one_branch_one_wins(server: Server, tmp_path: Path) -> None:
    user, work, base = setup(server, tmp_path, "race")
    git(tmp_path, "clone", "-q", user.url("race"), "other")
    mine = commit(work, {"mine.txt": "mine\n"})
    theirs = commit(tmp_path / "other", {"theirs.txt": "theirs\n"})
    pushes = [
        subprocess.Popen(
            ["git", "push", "origin", "HEAD:main"], cwd=cwd, env=git_env(), stderr=subprocess.PIPE, text=True
        )
        for cwd in (work, tmp_path / "other")
    ]
    outcomes = [(push.communicate(timeout=120)[1], push.wait()) for push in pushes]
    winners = [tip for tip, (_, code) in zip((mine, theirs), outcomes, strict=True) if code == 0]
    assert len(winners) == 1, outcomes
    loser_stderr = next(stderr for stderr, code in outcomes if code != 0)
    assert "rejected" in loser_stderr
    codecommit = server.client("codecommit")
    assert codecommit.get_branch(repositoryName="race", branchName="main")["branch"]["commitId"] == winners[0]
    assert [(e["event"], e["oldCommitId"], e["commitId"]) for e in ref_events(server)] == [
        ("referenceUpdated", base, winners[0])
    ]
    assert_intact(server, "race")


def test_a_push_that_loses_the_race_in_git_records_nothing(server: Server, tmp_path: Path) -> None:
    """The loser passed the client's own check (it saw the old tip) and git refused it at the ref lock."""
    user, work, base = setup(server, tmp_path, "stale")
    git(tmp_path, "clone", "-q", user.url("stale"), "other")
    winner = commit(tmp_path / "other", {"w.txt": "w\n"})
    git(tmp_path / "other", "push", "-q", "origin", "HEAD:main")
    late = commit(work, {"late.txt": "late\n"})
    response = post(
        server, user, "stale", push_body(base, late, "refs/heads/main", pack_of(work, late, base))
    )
    assert response.status_code == 200
    assert pkt(b"unpack ok\n") in response.content
    assert b"ng refs/heads/main " in response.content
    assert [(e["event"], e["commitId"]) for e in ref_events(server)] == [("referenceUpdated", winner)]
    assert git(bare_path(server, "stale"), "rev-parse", "main").stdout.strip() == winner


def test_corrupt_or_truncated_packs_are_refused_and_leave_the_repository_intact(
    server: Server, tmp_path: Path
) -> None:
    user, work, base = setup(server, tmp_path, "guard")
    (work / "noise.bin").write_bytes(os.urandom(256 * 1024))
    git(work, "add", "noise.bin")
    git(work, "commit", "-q", "-m", "noise")
    tip = git(work, "rev-parse", "HEAD").stdout.strip()
    pack = pack_of(work, tip, base)
    middle = len(pack) // 2
    flipped = pack[:middle] + bytes(b ^ 0xFF for b in pack[middle : middle + 64]) + pack[middle + 64 :]
    # An object git's fsck refuses (a commit without a tree), in an otherwise well-formed pack.
    bad = (
        subprocess.run(
            ["git", "hash-object", "--literally", "-t", "commit", "-w", "--stdin"],
            cwd=work,
            input=b"author nobody\n\nno tree\n",
            capture_output=True,
            check=True,
            env=git_env(),
        )
        .stdout.decode()
        .strip()
    )
    unfit = subprocess.run(
        ["git", "pack-objects", "--stdout", "-q"],
        cwd=work,
        input=f"{bad}\n".encode(),
        capture_output=True,
        check=True,
    ).stdout
    for label, new, body in (
        ("flipped", tip, flipped),
        ("truncated", tip, pack[: len(pack) - 100]),
        ("not a pack", tip, b"PACK\x00\x00\x00\x02garbage"),
        ("no pack", tip, b""),
        ("fsck", bad, unfit),
    ):
        response = post(server, user, "guard", push_body(base, new, "refs/heads/main", body))
        assert response.status_code == 200, label
        assert pkt(b"unpack ok\n") not in response.content, label
        assert b"ng refs/heads/main" in response.content, label
    assert git(bare_path(server, "guard"), "rev-parse", "main").stdout.strip() == base
    assert_intact(server, "guard")
    assert ref_events(server) == []
    git(work, "push", "-q", "origin", "HEAD:main")
    assert [(e["event"], e["commitId"]) for e in ref_events(server)] == [("referenceUpdated", tip)]
