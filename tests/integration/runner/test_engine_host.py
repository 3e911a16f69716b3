"""Buildspecs run for real on the host executor: phase statuses, contexts, log lines and variables."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.integration.runner.build_helper import run_build

ALL_SUCCEEDED = {
    "PROVISIONING": "SUCCEEDED",
    "DOWNLOAD_SOURCE": "SUCCEEDED",
    "INSTALL": "SUCCEEDED",
    "PRE_BUILD": "SUCCEEDED",
    "BUILD": "SUCCEEDED",
    "POST_BUILD": "SUCCEEDED",
    "UPLOAD_ARTIFACTS": "SUCCEEDED",
    "FINALIZING": "SUCCEEDED",
}

PERSISTENCE = """
version: {version}
phases:
  install:
    commands:
      - mkdir -p sub && cd sub
      - export EXPORTED=e; PLAIN=p
  build:
    commands:
      - echo "[$EXPORTED][$PLAIN][$(basename "$PWD")]"
"""


def test_version_0_2_keeps_cwd_and_variables_across_commands_and_phases(tmp_path: Path) -> None:
    build = run_build(tmp_path, PERSISTENCE.format(version=0.2))
    assert build.output == ["[e][p][sub]"]
    assert build.statuses == ALL_SUCCEEDED
    assert build.ended.status == "SUCCEEDED"


def test_version_0_1_runs_each_command_in_a_fresh_shell(tmp_path: Path) -> None:
    build = run_build(tmp_path, PERSISTENCE.format(version=0.1))
    assert build.output == ["[][][src]"]
    assert build.ended.status == "SUCCEEDED"


def _failing(phase: str) -> str:
    blocks = []
    for name in ("install", "pre_build", "build", "post_build"):
        command = (
            "false" if name == phase else 'echo "ran-' + name + ' succeeding=$CODEBUILD_BUILD_SUCCEEDING"'
        )
        blocks.append(f"  {name}:\n    commands:\n      - {command!r}\n      - echo after-{name}\n")
    return "version: 0.2\nphases:\n" + "".join(blocks)


@pytest.mark.parametrize(
    ("phase", "statuses", "output"),
    [
        ("install", {"INSTALL": "FAILED", "FINALIZING": "SUCCEEDED"}, []),
        (
            "pre_build",
            {"INSTALL": "SUCCEEDED", "PRE_BUILD": "FAILED", "FINALIZING": "SUCCEEDED"},
            ["ran-install succeeding=1", "after-install"],
        ),
        (
            "build",
            {
                "PRE_BUILD": "SUCCEEDED",
                "BUILD": "FAILED",
                "POST_BUILD": "SUCCEEDED",
                "UPLOAD_ARTIFACTS": "SUCCEEDED",
            },
            [
                "ran-install succeeding=1",
                "after-install",
                "ran-pre_build succeeding=1",
                "after-pre_build",
                "ran-post_build succeeding=0",
                "after-post_build",
            ],
        ),
        (
            "post_build",
            {"BUILD": "SUCCEEDED", "POST_BUILD": "FAILED", "UPLOAD_ARTIFACTS": "SUCCEEDED"},
            [
                "ran-install succeeding=1",
                "after-install",
                "ran-pre_build succeeding=1",
                "after-pre_build",
                "ran-build succeeding=1",
                "after-build",
            ],
        ),
    ],
)
def test_a_failing_command_in_each_phase_runs_the_phases_aws_runs(
    tmp_path: Path, phase: str, statuses: dict[str, str], output: list[str]
) -> None:
    build = run_build(tmp_path, _failing(phase))
    assert build.output == output
    assert build.ended.status == "FAILED"
    for name, status in statuses.items():
        assert build.statuses[name] == status
    ran = list(build.statuses)
    assert ran[:2] == ["PROVISIONING", "DOWNLOAD_SOURCE"]
    assert ran[-1] == "FINALIZING"
    if phase in ("install", "pre_build"):
        assert "BUILD" not in ran
        assert "UPLOAD_ARTIFACTS" not in ran
    failed = build.record(phase.upper())
    assert [(c.status_code, c.message) for c in failed.contexts] == [
        ("COMMAND_EXECUTION_ERROR", "Error while executing command: false. Reason: exit status 1")
    ]
    assert "[Container]" in next(
        line for line in build.log if "Command did not exit successfully false" in line
    )
