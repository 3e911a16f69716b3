"""FINALIZING expands the reports' `files` and `base-directory` with the build's variables and the values
the build's commands gave them, for server builds and `codeyard build` alike."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path

from codeyard.cli.build_results import BuildResults, collect_reports
from codeyard.execution.messages import ReportUpload
from codeyard.runner.buildspec.parser import parse
from codeyard.runner.engine.artifact_variables import report_variable_names
from codeyard.runner.engine.environment import EnvironmentVariable
from codeyard.runner.engine.events import BuildEnded, BuildEvent, LogLines, PhaseStarted
from codeyard.runner.engine.executors import HostExecutor
from codeyard.runner.engine.hooks import BuildHooks, FinalStep
from codeyard.runner.engine.runner import BuildRequest, BuildRunner
from codeyard.runner.report_upload import upload_reports
from tests.integration.runner.build_helper import CONTEXT, run_build

JUNIT = '<testsuite name="s"><testcase classname="c" name="{name}"/></testsuite>'
BUILDSPEC = f"""
version: 0.2
env:
  variables:
    OUT: declared
phases:
  build:
    commands:
      - OUT="out-$(printf 7)"
      - mkdir -p "$OUT/junit" absolute
      - printf '%s' '{JUNIT.format(name="relative")}' > "$OUT/junit/TEST-a.xml"
      - printf '%s' '{JUNIT.format(name="absolute")}' > absolute/TEST-b.xml
reports:
  based:
    files: ['${{KIND}}/*.xml']
    base-directory: $OUT
  absolute:
    files: ['$CODEBUILD_SRC_DIR/absolute/*.xml']
  unset:
    files: ['$NOT_SET/*.xml']
"""
PROJECT = (EnvironmentVariable("KIND", "junit"),)


def test_report_paths_take_the_values_commands_gave_their_variables(tmp_path: Path) -> None:
    reports: dict[str, ReportUpload] = {}
    environments: list[dict[str, str]] = []

    async def send(upload: ReportUpload) -> str:
        reports[upload.group] = upload
        return f"arn:aws:codebuild:eu-west-1:123456789012:report/{upload.group}:1"

    async def note(line: str) -> None:
        return None

    async def finalize(step: FinalStep) -> None:
        environments.append(dict(step.environment))
        await upload_reports(step, send, note)

    build = run_build(tmp_path, BUILDSPEC, BuildHooks(finalize=finalize), project=PROJECT)
    assert str(build.ended.status) == "SUCCEEDED", build.log
    assert environments[0]["OUT"] == "out-7"  # the shell's value over the buildspec's
    assert reports["based"].status == "SUCCEEDED"
    assert [case["testRawDataPath"] for case in reports["based"].test_cases] == ["junit/TEST-a.xml"]
    assert reports["absolute"].status == "SUCCEEDED"
    assert [case["name"] for case in reports["absolute"].test_cases] == ["absolute"]
    assert reports["absolute"].test_cases[0]["testRawDataPath"].endswith("/src/absolute/TEST-b.xml")
    assert reports["unset"].status == "INCOMPLETE"  # '$NOT_SET/*.xml' is '/*.xml': nothing there


def test_codeyard_build_expands_report_paths_alike(tmp_path: Path) -> None:
    results = BuildResults()

    async def finalize(step: FinalStep) -> None:
        assert step.buildspec is not None
        collect_reports(
            step.workspace.src_dir,
            step.buildspec,
            None,
            "arn:aws:codebuild:eu-west-1:123456789012:build/demo:1",
            datetime(2026, 1, 2, tzinfo=UTC),
            results,
            environment=step.environment,
        )

    build = run_build(tmp_path, BUILDSPEC, BuildHooks(finalize=finalize), project=PROJECT)
    assert str(build.ended.status) == "SUCCEEDED", build.log
    statuses = {item.group: str(item.report.status) for item in results.reports}
    assert statuses == {"based": "SUCCEEDED", "absolute": "SUCCEEDED", "unset": "INCOMPLETE"}


def test_names_come_from_every_report_groups_files_and_base_directory() -> None:
    spec = parse(BUILDSPEC)
    assert report_variable_names(spec.reports) == ["CODEBUILD_SRC_DIR", "KIND", "NOT_SET", "OUT"]
    assert report_variable_names(parse("version: 0.2\nphases: {build: {commands: [echo]}}\n").reports) == []


def test_a_build_that_faulted_during_a_command_reads_no_shell_values_and_ends(tmp_path: Path) -> None:
    # the runner's own failure while a command still runs (here its event sink): the shell is busy, so
    # FINALIZING must not wait on it for the reports' variables; it ends the shell and takes the build's
    buildspec = """
version: 0.2
phases:
  build:
    commands:
      - OUT=from-the-shell; echo boom; sleep 600
reports:
  based:
    files: ['*.xml']
    base-directory: $OUT
"""
    environments: list[dict[str, str]] = []

    async def finalize(step: FinalStep) -> None:
        environments.append(dict(step.environment))

    async def observer(event: BuildEvent) -> None:
        if isinstance(event, LogLines) and "boom" in event.lines:
            raise RuntimeError("the runner failed")

    build = run_build(tmp_path, buildspec, BuildHooks(finalize=finalize), observer=observer)
    assert str(build.ended.status) == "FAULT"
    assert build.record("BUILD").contexts[0].message == "RuntimeError: the runner failed"
    assert "OUT" not in environments[0]
    assert environments[0]["CODEBUILD_BUILD_NUMBER"] == "7"


BLOCKING = """
version: 0.2
phases:
  build:
    commands:
      - OUT=from-the-shell
      - rm -f ../control/variables && mkfifo ../control/variables
reports:
  based:
    files: ['*.xml']
    base-directory: $OUT
"""


def test_a_build_that_blocks_the_read_of_its_variables_still_ends(tmp_path: Path) -> None:
    # the build's own shell writes the values, so the build can keep it from answering (a FIFO where
    # the file was, a DEBUG trap): the read lasts at most what is left of the build's timeout
    environments: list[dict[str, str]] = []

    async def finalize(step: FinalStep) -> None:
        environments.append(dict(step.environment))

    build = run_build(tmp_path, BLOCKING, BuildHooks(finalize=finalize), timeout=3.0)
    assert str(build.ended.status) in ("SUCCEEDED", "TIMED_OUT")  # TIMED_OUT: a slow machine's body
    assert "OUT" not in environments[0]
    assert environments[0]["CODEBUILD_BUILD_NUMBER"] == "7"
    assert build.statuses["FINALIZING"] == "SUCCEEDED"


def test_a_stop_ends_a_blocked_read_of_the_variables(tmp_path: Path) -> None:
    environments: list[dict[str, str]] = []

    async def finalize(step: FinalStep) -> None:
        environments.append(dict(step.environment))

    async def main() -> BuildEnded:
        runner: BuildRunner

        async def sink(event: BuildEvent) -> None:
            if isinstance(event, PhaseStarted) and str(event.phase) == "FINALIZING":
                runner.stop()  # StopBuild while FINALIZING waits for the shell

        request = BuildRequest(context=CONTEXT, buildspec=parse(BLOCKING), kill_grace_seconds=0.5)
        runner = BuildRunner(HostExecutor(tmp_path / "builds"), request, sink, BuildHooks(finalize=finalize))
        return await runner.run()

    ended = asyncio.run(main())
    assert str(ended.status) == "SUCCEEDED"  # the build's commands had all ended well
    assert "OUT" not in environments[0]
