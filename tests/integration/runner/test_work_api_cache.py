"""The work API's cache routes over HTTP: only the runner holding a build's lease reads and writes
its project's S3-type cache; archives stream both ways, keyed ones are never replaced."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

import httpx

from tests.integration.runner.builds_support import TOKEN_FILE, buildspec, no_source_project
from tests.support.server import Server

WORK = "/_codeyard/v1/work"


def _register(server: Server, name: str) -> dict[str, str]:
    token = (server.data_dir / TOKEN_FILE).read_text().strip()
    answer = httpx.post(
        f"{server.endpoint}{WORK}/register", json={"name": name}, headers={"authorization": f"Bearer {token}"}
    )
    assert answer.status_code == 200
    return {"authorization": f"Bearer {answer.json()['token']}"}


def _claim(server: Server, headers: dict[str, str]) -> dict[str, Any]:
    answer = httpx.post(f"{server.endpoint}{WORK}/poll?wait=10", headers=headers, timeout=30)
    assert answer.status_code == 200
    job: dict[str, Any] = answer.json()
    return job


def test_only_the_lease_holder_reads_and_writes_the_cache(make_server: Callable[..., Server]) -> None:
    server = make_server("sqlite", extra_env={"CODEYARD_RUNNER": "false"}).start()
    no_source_project(server, "cached", buildspec("true"), cache={"type": "S3", "location": "bucket/cache"})
    no_source_project(server, "uncached", buildspec("true"))
    holder, other = _register(server, "holder"), _register(server, "other")
    codebuild = server.client("codebuild")
    build_id = codebuild.start_build(projectName="cached")["build"]["id"]
    job = _claim(server, holder)
    assert job["build_id"] == build_id
    assert (job["cache_type"], job["cache_location"]) == ("S3", "bucket/cache")
    cache = f"{server.endpoint}{WORK}/jobs/{quote(build_id, safe='')}/cache"
    name = quote("key/npm-1", safe="")
    body = os.urandom(9 * 1024 * 1024)  # beyond the work API's limit for JSON bodies: streamed

    assert httpx.head(f"{cache}/{name}", headers=holder).status_code == 404
    assert httpx.get(f"{cache}/{name}", headers=holder).status_code == 404
    assert httpx.get(cache, params={"newest": "key/npm-"}, headers=holder).json() == {"name": None}
    stored = httpx.put(f"{cache}/{name}", content=body, headers=holder, timeout=60)
    assert stored.json() == {"stored": True}
    assert httpx.head(f"{cache}/{name}", headers=holder).status_code == 200
    assert httpx.get(f"{cache}/{name}", headers=holder, timeout=60).content == body
    again = httpx.put(f"{cache}/{name}", content=b"other", headers=holder)
    assert again.json() == {"stored": False}  # a keyed archive is immutable
    assert httpx.get(cache, params={"newest": "key/npm-"}, headers=holder).json() == {"name": "key/npm-1"}
    replaced = httpx.put(f"{cache}/{name}", params={"replace": "1"}, content=b"new", headers=holder)
    assert replaced.json() == {"stored": True}
    assert httpx.get(f"{cache}/{name}", headers=holder).content == b"new"
    assert (server.data_dir / "artifacts" / "bucket" / "cache" / name).read_bytes() == b"new"

    for odd in ("%2E", "%2E%2E", ".tmp-upload"):  # the directory, its parent, an upload being received
        odd_put = httpx.put(f"{cache}/{odd}", params={"replace": "1"}, content=b"x", headers=holder)
        assert (odd_put.status_code, odd_put.json()["__type"]) == (400, "InvalidCacheName")
    assert (server.data_dir / "artifacts" / "bucket" / "cache" / name).read_bytes() == b"new"

    refused = httpx.get(f"{cache}/{name}", headers=other)
    assert refused.status_code == 409
    assert refused.json()["__type"] == "LeaseLost"
    assert httpx.put(f"{cache}/{name}", content=b"x", headers=other).status_code == 409
    assert httpx.get(f"{cache}/{name}", headers={"authorization": "Bearer wrong"}).status_code == 401
    assert httpx.get(f"{cache}/{name}").status_code == 401

    plain_id = codebuild.start_build(projectName="uncached")["build"]["id"]
    assert _claim(server, holder)["build_id"] == plain_id
    plain = f"{server.endpoint}{WORK}/jobs/{quote(plain_id, safe='')}/cache/{name}"
    answer = httpx.get(plain, headers=holder)
    assert answer.status_code == 404
    assert answer.json()["__type"] == "NoCache"
