"""InvalidateProjectCache against a build already running: the work API refuses an S3-type cache
archive from a build whose job carries an older cache generation than its project's (409 CacheReset),
whether the reset came before the upload or while its body was being sent; nothing of it is stored,
and builds started after the reset store as before."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from urllib.parse import quote

import httpx

from tests.integration.runner.builds_support import buildspec, no_source_project
from tests.integration.runner.test_work_api_cache import WORK, _claim, _register
from tests.support.server import Server

CACHE = {"type": "S3", "location": "bucket/cache"}
ARCHIVE = quote("project/app", safe="")


def _stored(server: Server) -> list[str]:
    directory = server.data_dir / "artifacts" / "bucket" / "cache"
    return sorted(os.listdir(directory)) if directory.is_dir() else []


def test_a_build_started_before_a_reset_stores_no_cache(make_server: Callable[..., Server]) -> None:
    server = make_server("sqlite", extra_env={"CODEYARD_RUNNER": "false"}).start()
    no_source_project(server, "app", buildspec("true"), cache=CACHE)
    codebuild = server.client("codebuild")
    runner = _register(server, "runner")
    early = codebuild.start_build(projectName="app")["build"]["id"]
    assert _claim(server, runner)["cache_generation"] == 0
    early_cache = f"{server.endpoint}{WORK}/jobs/{quote(early, safe='')}/cache"

    with httpx.Client(headers=runner, timeout=60) as client:
        assert client.put(f"{early_cache}/{ARCHIVE}", content=b"before").json() == {"stored": True}
        codebuild.invalidate_project_cache(projectName="app")  # removes the archive, counts generation 1
        assert _stored(server) == []
        for replace in ("0", "1"):
            refused = client.put(f"{early_cache}/{ARCHIVE}", params={"replace": replace}, content=b"stale")
            assert refused.status_code == 409
            assert refused.json()["__type"] == "CacheReset"
            message = refused.json()["message"]
            assert (
                f"The cache of project app was reset (InvalidateProjectCache) after build {early}" in message
            )
            assert "its cache generation 0, the project's 1" in message
        assert _stored(server) == []

        late = codebuild.start_build(projectName="app")["build"]["id"]
        assert _claim(server, runner)["cache_generation"] == 1
        late_cache = f"{server.endpoint}{WORK}/jobs/{quote(late, safe='')}/cache"
        assert client.put(f"{late_cache}/{ARCHIVE}", content=b"fresh").json() == {"stored": True}
        # the early build, still leased, neither replaces nor adds one
        assert (
            client.put(f"{early_cache}/{ARCHIVE}", params={"replace": "1"}, content=b"x").status_code == 409
        )
        keyed = quote("key/deps", safe="")
        assert client.put(f"{early_cache}/{keyed}", content=b"x").status_code == 409
        assert client.get(f"{late_cache}/{ARCHIVE}").content == b"fresh"
    assert _stored(server) == [ARCHIVE]


def test_a_reset_while_the_archive_is_sent_refuses_it(make_server: Callable[..., Server]) -> None:
    server = make_server("sqlite", extra_env={"CODEYARD_RUNNER": "false"}).start()
    no_source_project(server, "app", buildspec("true"), cache=CACHE)
    codebuild = server.client("codebuild")
    runner = _register(server, "runner")
    build_id = codebuild.start_build(projectName="app")["build"]["id"]
    assert _claim(server, runner)["build_id"] == build_id
    cache = f"{server.endpoint}{WORK}/jobs/{quote(build_id, safe='')}/cache"

    def body() -> Iterator[bytes]:  # the server has the first part when the reset is made
        yield os.urandom(64 * 1024)
        codebuild.invalidate_project_cache(projectName="app")
        yield os.urandom(64 * 1024)

    refused = httpx.put(
        f"{cache}/{ARCHIVE}", params={"replace": "1"}, content=body(), headers=runner, timeout=60
    )
    assert refused.status_code == 409
    assert refused.json()["__type"] == "CacheReset"
    assert _stored(server) == []  # neither the archive nor its temporary file
