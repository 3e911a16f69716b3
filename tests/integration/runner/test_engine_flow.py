"""The engine's flow on the host: finally, on-failure forms, exit, multi-line and stdin-reading commands."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.integration.runner.build_helper import run_build

COUNTER = 'n=$(cat "$TMPFILE" 2>/dev/null || echo 0); n=$((n+1)); echo "$n" > "$TMPFILE"; echo "attempt $n"'


def test_finally_runs_after_a_failed_command_and_the_phase_fails(tmp_path: Path) -> None:
    build = run_build(
        tmp_path,
        """
version: 0.2
phases:
  build:
    commands:
      - echo one
      - "false"
      - echo never
    finally:
      - echo cleanup
      - echo cleanup-two
""",
    )
    assert build.output == ["one", "cleanup", "cleanup-two"]
    assert build.statuses["BUILD"] == "FAILED"
    assert build.ended.status == "FAILED"


def test_a_failing_finally_fails_a_phase_whose_commands_succeeded(tmp_path: Path) -> None:
    build = run_build(
        tmp_path,
        "version: 0.2\nphases:\n  build:\n    commands: [echo ok]\n    finally: ['exit_code() { return 4; }; exit_code']\n",
    )
    assert build.statuses["BUILD"] == "FAILED"
    assert build.record("BUILD").contexts[0].message.endswith("Reason: exit status 4")


def test_continue_goes_on_to_the_next_phases_and_the_build_still_fails(tmp_path: Path) -> None:
    build = run_build(
        tmp_path,
        """
version: 0.2
phases:
  install:
    on-failure: CONTINUE
    commands: ["false"]
  pre_build:
    commands: ['echo "pre $CODEBUILD_BUILD_SUCCEEDING"']
  build:
    commands: [echo build]
""",
    )
    assert build.output == ["pre 0", "build"]
    assert build.statuses["INSTALL"] == "FAILED"
    assert build.statuses["BUILD"] == "SUCCEEDED"
    assert build.ended.status == "FAILED"


def test_abort_on_build_skips_post_build_and_upload(tmp_path: Path) -> None:
    build = run_build(
        tmp_path,
        """
version: 0.2
phases:
  build:
    on-failure: ABORT
    commands: ["false"]
  post_build:
    commands: [echo post]
""",
    )
    assert build.output == []
    assert list(build.statuses) == [
        "PROVISIONING",
        "DOWNLOAD_SOURCE",
        "INSTALL",
        "PRE_BUILD",
        "BUILD",
        "FINALIZING",
    ]


@pytest.mark.parametrize(
    ("on_failure", "succeeds_on", "attempts", "status"),
    [
        ("RETRY-2", 3, 3, "SUCCEEDED"),
        ("RETRY-1", 3, 2, "FAILED"),
        ("RETRY", 9, 4, "FAILED"),
        ("RETRY-transient", 9, 4, "FAILED"),
        ("RETRY-permanent", 9, 1, "FAILED"),
        ("RETRY-5-failure [12]$", 9, 3, "FAILED"),
    ],
)
def test_retry_forms_rerun_the_phase_when_the_failed_commands_output_matches(
    tmp_path: Path, on_failure: str, succeeds_on: int, attempts: int, status: str
) -> None:
    counter = tmp_path / "counter"
    build = run_build(
        tmp_path,
        f"""
version: 0.2
env:
  variables:
    TMPFILE: {counter}
phases:
  build:
    on-failure: "{on_failure}"
    commands:
      - '{COUNTER}'
      - echo "transient failure $n"; [ "$n" -ge {succeeds_on} ]
""",
    )
    assert counter.read_text() == f"{attempts}\n"
    assert build.statuses["BUILD"] == status
    retries = [line for line in build.log if "retrying the phase" in line]
    assert len(retries) == attempts - 1


def test_exit_in_a_command_fails_it_and_later_phases_get_a_new_session(tmp_path: Path) -> None:
    build = run_build(
        tmp_path,
        """
version: 0.2
phases:
  build:
    commands:
      - export GONE=yes; cd /
      - exit 3
      - echo never
  post_build:
    commands:
      - echo "post [$GONE] $CODEBUILD_BUILD_SUCCEEDING $(basename "$PWD")"
""",
    )
    assert build.output == ["post [] 0 src"]
    context = build.record("BUILD").contexts[0]
    assert context.status_code == "COMMAND_EXECUTION_ERROR"
    assert context.message.startswith(
        "Error while executing command: exit 3. Reason: exit status 3 (the command ended"
    )
    assert build.statuses["POST_BUILD"] == "SUCCEEDED"


def test_multi_line_commands_and_stdin_readers_do_not_eat_later_commands(tmp_path: Path) -> None:
    build = run_build(
        tmp_path,
        """
version: 0.2
phases:
  build:
    commands:
      - |
        for i in 1 2; do
          echo "line $i"
        done
        echo "last: $i"
      - cat
      - read -r x; echo "read [$x]"
      - head -c 10 /dev/stdin | wc -c
      - echo still-here
""",
    )
    assert build.output == ["line 1", "line 2", "last: 2", "read []", "0", "still-here"]
    assert build.statuses["BUILD"] == "SUCCEEDED"


def test_a_buildspec_with_sh_as_its_shell_shares_one_session(tmp_path: Path) -> None:
    build = run_build(
        tmp_path,
        'version: 0.2\nenv:\n  shell: /bin/sh\nphases:\n  build:\n    commands:\n      - X=1\n      - echo "x=$X"\n',
    )
    assert build.output == ["x=1"]
