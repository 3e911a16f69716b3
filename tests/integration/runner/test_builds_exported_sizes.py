"""Exported variables of any size: a build exporting a 10 MiB value completes, the value left out."""

from __future__ import annotations

from tests.integration.runner.builds_support import finished, log_text, no_source_project
from tests.support.server import Server

SPEC = """version: 0.2
env:
  exported-variables: [BIG, SMALL]
phases:
  build:
    commands:
      - BIG=$(head -c 10485760 /dev/zero | tr '\\0' x)
      - SMALL=fine
"""


def test_a_10_mib_exported_variable_is_left_out_and_the_build_completes(server: Server) -> None:
    no_source_project(server, "big-export", SPEC)
    build_id = server.client("codebuild").start_build(projectName="big-export")["build"]["id"]

    build = finished(server, build_id)

    assert build["buildStatus"] == "SUCCEEDED", build["phases"]
    assert build["exportedEnvironmentVariables"] == [{"name": "SMALL", "value": "fine"}]
    assert "Exported variable BIG is left out: its value is larger than 122,880 bytes" in log_text(
        server, build_id
    )
