"""Clients that go away mid-request, driven in process through the ASGI app of a real server build:
a fetch's git process is stopped; a push whose body is in completes and is recorded."""

from __future__ import annotations

import asyncio
import base64
import json
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psutil
import pytest

from codeyard.accounts import RequestContext
from codeyard.app import Codeyard, build
from codeyard.config import Settings
from codeyard.services.events import envelope
from tests.support.git import git, git_env

MB = 1 << 20
Message = dict[str, Any]


def pkt(payload: bytes) -> bytes:
    return b"%04x" % (len(payload) + 4) + payload


@pytest.fixture(scope="module")
def codeyard(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Codeyard]:
    """One server build for the module (the tests use names of their own)."""
    built = build(Settings(data_dir=tmp_path_factory.mktemp("in-process"), test_mode=True))
    yield built
    built.close()


def setup(codeyard: Codeyard, work: Path, name: str, blob: int) -> tuple[bytes, Path, str]:
    """User and repository `name`: the user may do anything (its Basic credentials are returned),
    the repository is empty; `work` holds one commit with a `blob`-byte random file."""
    ctx = RequestContext(codeyard.root_principal, "us-east-1", codeyard.settings.account_id, "setup")
    iam: Any = codeyard.services["iam"]
    codecommit: Any = codeyard.services["codecommit"]
    iam.create_user(ctx, user_name=name)
    policy = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "codecommit:*", "Resource": "*"}],
    }
    iam.put_user_policy(ctx, user_name=name, policy_name="all", policy_document=json.dumps(policy))
    credential = iam.create_service_specific_credential(
        ctx, user_name=name, service_name="codecommit.amazonaws.com"
    )["ServiceSpecificCredential"]
    token = base64.b64encode(f"{credential['ServiceUserName']}:{credential['ServicePassword']}".encode())
    metadata = codecommit.create_repository(ctx, repository_name=name)["repositoryMetadata"]
    bare = codeyard.settings.data_dir / "git" / f"{metadata['repositoryId']}.git"
    work.mkdir()
    git(work, "init", "-q", "-b", "main")
    (work / "blob.bin").write_bytes(os.urandom(blob))
    git(work, "add", "blob.bin")
    git(work, "commit", "-q", "-m", "blob")
    return b"Basic " + token, bare, git(work, "rev-parse", "HEAD").stdout.strip()


def scope(path: str, authorization: bytes, *headers: tuple[bytes, bytes]) -> dict[str, Any]:
    return {
        "type": "http",
        "http_version": "1.1",
        "method": "POST",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "client": ("127.0.0.1", 50000),
        "headers": [(b"authorization", authorization), *headers],
    }


def git_children() -> list[psutil.Process]:
    return [child for child in psutil.Process().children() if child.name() == "git"]


def test_a_fetch_whose_client_leaves_stops_its_git_process(codeyard: Codeyard, tmp_path: Path) -> None:
    authorization, bare, tip = setup(codeyard, tmp_path / "work", "fetcher", 16 * MB)
    git(tmp_path / "work", "push", "-q", str(bare), "HEAD:main")
    request = pkt(b"command=fetch\n") + b"0001" + pkt(f"want {tip}\n".encode()) + pkt(b"done\n") + b"0000"
    request_scope = scope(
        "/v1/repos/fetcher/git-upload-pack",
        authorization,
        (b"content-type", b"application/x-git-upload-pack-request"),
        (b"git-protocol", b"version=2"),
    )
    sent: list[Message] = []

    async def fetch() -> None:
        left = asyncio.Event()
        messages = iter([{"type": "http.request", "body": request, "more_body": False}])

        async def receive() -> Message:
            message = next(messages, None)
            if message is not None:
                return message
            await left.wait()
            return {"type": "http.disconnect"}

        async def send(message: Message) -> None:
            sent.append(message)
            if message.get("body"):
                left.set()  # the client leaves once the answer starts coming

        await codeyard.app(request_scope, receive, send)

    asyncio.run(fetch())
    assert sent[0]["status"] == 200
    relayed = sum(len(m.get("body", b"")) for m in sent[1:])
    assert 0 < relayed < 16 * MB, "the whole pack went to a client that had left"
    assert git_children() == []


def test_a_push_whose_client_leaves_after_sending_it_completes_and_is_recorded(
    codeyard: Codeyard, tmp_path: Path
) -> None:
    authorization, bare, tip = setup(codeyard, tmp_path / "work", "pusher", 64 * 1024)
    pack = subprocess.run(
        ["git", "pack-objects", "--stdout", "--revs", "-q"],
        cwd=tmp_path / "work",
        input=f"{tip}\n".encode(),
        capture_output=True,
        check=True,
        env=git_env(),
    ).stdout
    zero = "0" * 40
    body = pkt(f"{zero} {tip} refs/heads/main\0report-status side-band-64k\n".encode()) + b"0000" + pack
    request_scope = scope(
        "/v1/repos/pusher/git-receive-pack",
        authorization,
        (b"content-type", b"application/x-git-receive-pack-request"),
    )
    pieces = [body[i : i + 4096] for i in range(0, len(body), 4096)]

    async def push() -> list[Message]:
        messages = [{"type": "http.request", "body": p, "more_body": True} for p in pieces]
        messages[-1]["more_body"] = False
        queue = iter(messages)
        sent: list[Message] = []

        async def receive() -> Message:
            return next(queue, {"type": "http.disconnect"})  # gone as soon as the body is in

        async def send(message: Message) -> None:
            sent.append(message)

        await codeyard.app(request_scope, receive, send)
        return sent

    sent = asyncio.run(push())
    assert not any(m.get("body") for m in sent), "nothing is written to a client that left"
    assert git(bare, "rev-parse", "main").stdout.strip() == tip
    with codeyard.store.reader() as uow:
        events = [envelope(row)["detail"] for row in uow.outbox.find(order_by="id")]
    pushed = [(e["event"], e["commitId"]) for e in events if e.get("repositoryName") == "pusher"]
    assert pushed == [("referenceCreated", tip)]
    assert git_children() == []
