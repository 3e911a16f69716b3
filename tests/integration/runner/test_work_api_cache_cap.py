"""The S3-type cache's upload cap (the setting cache_upload_max_bytes): the work API refuses an
archive over it, by its Content-Length or as its streamed body passes it, and keeps nothing of it;
a build whose cache is refused notes it in its log and goes on."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from urllib.parse import quote

import httpx

from tests.integration.runner.builds_support import finished, log_text, no_source_project
from tests.integration.runner.test_work_api_cache import WORK, _claim, _register
from tests.support.server import Server

CAP = 64 * 1024
CAPPED = {"CODEYARD_CACHE_UPLOAD_MAX_BYTES": str(CAP)}
SPEC = """version: 0.2
phases:
  build:
    commands:
      - mkdir -p deps && head -c "$SIZE" /dev/urandom > deps/blob
cache:
  paths:
    - deps/**/*
"""


def _stored(server: Server) -> list[str]:
    directory = server.data_dir / "artifacts" / "bucket" / "cache"
    return sorted(os.listdir(directory)) if directory.is_dir() else []


def test_an_upload_over_the_cap_is_refused_and_nothing_of_it_kept(make_server: Callable[..., Server]) -> None:
    server = make_server("sqlite", extra_env={"CODEYARD_RUNNER": "false", **CAPPED}).start()
    no_source_project(server, "cached", SPEC, cache={"type": "S3", "location": "bucket/cache"})
    holder = _register(server, "holder")
    build_id = server.client("codebuild").start_build(projectName="cached")["build"]["id"]
    assert _claim(server, holder)["build_id"] == build_id
    cache = f"{server.endpoint}{WORK}/jobs/{quote(build_id, safe='')}/cache"
    fits, over = quote("key/fits", safe=""), quote("key/over", safe="")

    def chunks() -> Iterator[bytes]:  # no Content-Length: refused as the body passes the cap
        for _ in range(16):
            yield os.urandom(16 * 1024)

    with httpx.Client(headers=holder, timeout=60) as client:
        assert client.put(f"{cache}/{fits}", content=os.urandom(CAP)).json() == {"stored": True}
        for body in (os.urandom(CAP + 1), chunks()):
            refused = client.put(f"{cache}/{over}", content=body)
            assert refused.status_code == 413
            assert refused.json()["__type"] == "EntityTooLarge"
            assert "cache_upload_max_bytes" in refused.json()["message"]
            assert client.head(f"{cache}/{over}").status_code == 404
        assert client.put(f"{cache}/{fits}", params={"replace": "1"}, content=b"small").json() == {
            "stored": True
        }
    assert _stored(server) == [fits]  # no part of a refused upload, no temporary file
    assert (server.data_dir / "artifacts" / "bucket" / "cache" / fits).read_bytes() == b"small"


def test_a_build_whose_cache_is_over_the_cap_notes_it_and_succeeds(
    make_server: Callable[..., Server],
) -> None:
    server = make_server("sqlite", extra_env=CAPPED).start()
    no_source_project(server, "big", SPEC, cache={"type": "S3", "location": "bucket/cache"})
    codebuild = server.client("codebuild")

    def run(size: int) -> str:
        variables = [{"name": "SIZE", "value": str(size), "type": "PLAINTEXT"}]
        build_id = codebuild.start_build(projectName="big", environmentVariablesOverride=variables)["build"][
            "id"
        ]
        done = finished(server, build_id)
        assert done["buildStatus"] == "SUCCEEDED", done["phases"]
        return log_text(server, build_id)

    refused = run(4 * CAP)  # random bytes: the archive cannot shrink under the cap
    [line] = [text for text in refused.splitlines() if "Cannot save the cache" in text]
    assert "PUT project/big: 413 EntityTooLarge: The cache archive project/big is larger than" in line
    assert "cache_upload_max_bytes" in line
    assert _stored(server) == []

    saved = run(100)
    assert "Cannot save the cache" not in saved
    assert _stored(server) == [quote("project/big", safe="")]
