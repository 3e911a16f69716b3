"""Builds run by a runner with the sandbox executor: the build sees its workspace, not the host's files."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.integration.runner.builds_support import (
    buildspec,
    finished,
    log_text,
    no_source_project,
    start_runner,
)
from tests.integration.runner.sandbox_helper import sandbox_runs
from tests.support.server import Server

pytestmark = pytest.mark.usefixtures(sandbox_runs.__name__)


def test_a_sandboxed_build_runs_isolated(make_server: Callable[..., Server], tmp_path: Path) -> None:
    server = make_server("sqlite", extra_env={"CODEYARD_RUNNER": "false"}).start()
    secret = tmp_path / "host-only.txt"
    secret.write_text("host secret\n")
    spec = buildspec("echo in-sandbox", f"cat {secret} || echo cannot-read-host-file", "touch /usr/x || true")
    no_source_project(server, "boxed", spec)
    runner = start_runner(server, tmp_path / "work", executor="sandbox")
    try:
        build_id = server.client("codebuild").start_build(projectName="boxed")["build"]["id"]
        done = finished(server, build_id)
    finally:
        runner.terminate()
        runner.wait(30)

    assert done["buildStatus"] == "SUCCEEDED", done["phases"]
    text = log_text(server, build_id)
    assert "in-sandbox" in text
    assert "cannot-read-host-file" in text
    assert "host secret" not in text
    assert "cannot touch '/usr/x'" in text
