"""A sandboxed server build with a git source, a secondary source and a LOCAL cache: the build's
unprivileged user owns what the runner downloaded and restored, and may change it."""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.integration.runner.builds_support import (
    ENVIRONMENT,
    ROLE,
    finished,
    log_text,
    start_runner,
)
from tests.integration.runner.sandbox_helper import sandbox_runs
from tests.support.git import seed
from tests.support.server import Server

pytestmark = pytest.mark.usefixtures(sandbox_runs.__name__)

SPEC = """version: 0.2
phases:
  build:
    commands:
      - echo "head=$(git rev-parse HEAD) user=$(id -u)"
      - if [ -f deps/stamp ]; then echo "restored=$(cat deps/stamp)"; else echo "cold"; fi
      - mkdir -p deps && echo "$CODEBUILD_BUILD_NUMBER" > deps/stamp
      - echo changed >> "$CODEBUILD_SRC_DIR_assets/asset.txt" && cat "$CODEBUILD_SRC_DIR_assets/asset.txt"
      - git -c user.name=b -c user.email=b@x commit -q --allow-empty -m local && echo committed
cache:
  key: deps-$(codebuild-hash-files buildspec.yml)
  paths:
    - deps/**/*
"""


def test_a_sandboxed_build_owns_its_sources_and_restored_cache(
    make_server: Callable[..., Server], tmp_path: Path
) -> None:
    server = make_server("sqlite", extra_env={"CODEYARD_RUNNER": "false"}).start()
    server.client("codecommit").create_repository(repositoryName="boxed")
    commit = seed(server, tmp_path / "boxed", "boxed", {"buildspec.yml": SPEC})
    bucket = server.data_dir / "artifacts" / "inputs"
    bucket.mkdir(parents=True)
    with zipfile.ZipFile(bucket / "assets.zip", "w") as archive:
        archive.writestr("asset.txt", "an asset\n")
    codebuild = server.client("codebuild")
    codebuild.create_project(
        name="boxed",
        source={"type": "CODECOMMIT", "location": f"{server.endpoint}/v1/repos/boxed"},
        secondarySources=[{"type": "S3", "location": "inputs/assets.zip", "sourceIdentifier": "assets"}],
        cache={"type": "S3", "location": "cache-bucket/boxed"},
        artifacts={"type": "NO_ARTIFACTS"},
        environment=ENVIRONMENT,
        serviceRole=ROLE,
    )
    runner = start_runner(server, tmp_path / "work", executor="sandbox")
    try:
        first_id = codebuild.start_build(projectName="boxed")["build"]["id"]
        first = finished(server, first_id)
        second_id = codebuild.start_build(projectName="boxed")["build"]["id"]
        second = finished(server, second_id)
    finally:
        runner.terminate()
        runner.wait(30)

    assert first["buildStatus"] == "SUCCEEDED", log_text(server, first_id)
    assert second["buildStatus"] == "SUCCEEDED", second["phases"]
    first_log, second_log = log_text(server, first_id), log_text(server, second_id)
    assert f"head={commit}" in first_log
    assert "cold" in first_log
    assert "an asset\nchanged" in first_log
    assert "committed" in first_log
    assert "restored=1" in second_log  # the key, hashed by codebuild-hash-files in the sandbox, matched
    assert "S3 cache restored from key deps-" in second_log
    assert "committed" in second_log
