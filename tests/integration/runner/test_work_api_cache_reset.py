"""InvalidateProjectCache against a build already running: the work API refuses an S3-type cache
archive from a build whose job carries an older cache generation than its project's (409 CacheReset),
whether the reset came before the upload or while its body was being sent; nothing of it is stored,
the build logs the refusal and goes on, and builds started after the reset store as before."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import quote

import httpx

from tests.integration.runner.builds_support import buildspec, finished, log_text, no_source_project, until
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


def test_a_build_queued_before_a_reset_and_claimed_after_it_carries_the_new_generation(
    make_server: Callable[..., Server],
) -> None:
    server = make_server("sqlite", extra_env={"CODEYARD_RUNNER": "false"}).start()
    no_source_project(server, "app", buildspec("true"), cache=CACHE)
    codebuild = server.client("codebuild")
    runner = _register(server, "runner")
    queued = codebuild.start_build(projectName="app")["build"]["id"]
    codebuild.invalidate_project_cache(projectName="app")
    codebuild.invalidate_project_cache(projectName="app")

    job = _claim(server, runner)

    assert job["build_id"] == queued
    assert job["cache_generation"] == 2
    # the work API judges the build's cache uploads by the generation it was leased with
    cache = f"{server.endpoint}{WORK}/jobs/{quote(queued, safe='')}/cache/{ARCHIVE}"
    with httpx.Client(headers=runner, timeout=60) as client:
        assert client.put(cache, content=b"fresh").json() == {"stored": True}
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


GATED = """version: 0.2
phases:
  build:
    commands:
      - mkdir -p deps && echo built > deps/stamp
      - echo waiting for the gate
      - while [ ! -e "$GATE" ]; do sleep 0.1; done
cache:
  paths:
    - deps/**/*
"""


def test_a_build_whose_cache_was_reset_while_it_ran_logs_the_refusal_and_succeeds(
    make_server: Callable[..., Server], tmp_path: Path
) -> None:
    server = make_server("sqlite").start()
    no_source_project(server, "app", GATED, cache=CACHE)
    codebuild = server.client("codebuild")
    gate = tmp_path / "gate"
    variables = [{"name": "GATE", "value": str(gate), "type": "PLAINTEXT"}]
    build_id = codebuild.start_build(projectName="app", environmentVariablesOverride=variables)["build"]["id"]
    # the gate is the build's own workload, opened by the test once the reset is made
    until(lambda: "waiting for the gate" in log_text(server, build_id), what="the build's wait")
    codebuild.invalidate_project_cache(projectName="app")
    gate.touch()
    done = finished(server, build_id)
    assert done["buildStatus"] == "SUCCEEDED", done["phases"]
    [line] = [text for text in log_text(server, build_id).splitlines() if "Cannot save the cache" in text]
    assert (
        f"PUT project/app: 409 CacheReset: The cache of project app was reset (InvalidateProjectCache) after build {build_id} started"
        in line
    )
    assert _stored(server) == []

    after = codebuild.start_build(projectName="app", environmentVariablesOverride=variables)["build"]["id"]
    assert finished(server, after)["buildStatus"] == "SUCCEEDED"
    assert "S3 cache of the project saved" in log_text(server, after)
    assert _stored(server) == [ARCHIVE]
