"""A container build's absolute paths on Podman: inside its bound directories (`$CODEBUILD_SRC_DIR`,
`/codebuild/output/sources`) artifacts and reports find what the relative form finds; the rest of the
container's file system, and the runner's own files, are never read."""

from __future__ import annotations

import zipfile
from pathlib import Path

from codeyard.execution.messages import ReportUpload
from codeyard.runner.artifact_upload import upload_artifacts
from codeyard.runner.engine.container import ContainerExecutor
from codeyard.runner.engine.executors import Workspace
from codeyard.runner.engine.hooks import ArtifactStep, BuildHooks, FinalStep
from codeyard.runner.report_upload import upload_reports
from tests.integration.runner.build_helper import run_build
from tests.support.podman import PodmanService

JUNIT = '<testsuite name="s"><testcase classname="c" name="ok"/></testsuite>'
BUILDSPEC = f"""
version: 0.2
phases:
  build:
    commands:
      - mkdir -p out reports && echo made > out/app.txt && echo inside > /etc/made-in-the-container
      - printf '%s' '{JUNIT}' > reports/TEST-a.xml
      - cp reports/TEST-a.xml /tmp/TEST-tmp.xml
artifacts:
  files:
    - $CODEBUILD_SRC_DIR/out/*
    - /codebuild/output/sources/extra/*
    - /etc/made-in-the-container
    - {{runner_file}}
  secondary-artifacts:
    based:
      files: ['*']
      base-directory: ${{CODEBUILD_SRC_DIR}}/out
reports:
  absolute:
    files: ['$CODEBUILD_SRC_DIR/reports/*.xml']
  based:
    files: ['*.xml']
    base-directory: /codebuild/output/src/reports
  container-only:
    files: ['/tmp/*.xml']
"""


def test_absolute_paths_in_the_bound_directories_are_read_and_nothing_else(
    podman: PodmanService, tmp_path: Path
) -> None:
    runner_file = tmp_path / "runner-secret.txt"
    runner_file.write_text("the runner's\n")
    zipped: dict[str, list[str]] = {}
    reports: dict[str, ReportUpload] = {}
    notes: list[str] = []

    async def download(workspace: Workspace) -> str:
        extra = workspace.root / "sources" / "extra"
        extra.mkdir()
        (extra / "lib.txt").write_text("secondary\n")
        return "0" * 40

    async def send(path: Path, name: str, identifier: str) -> None:
        with zipfile.ZipFile(path) as archive:
            zipped[identifier] = sorted(archive.namelist())

    async def report(upload: ReportUpload) -> str:
        reports[upload.group] = upload
        return f"arn:aws:codebuild:eu-west-1:123456789012:report/{upload.group}:1"

    async def note(line: str) -> None:
        notes.append(line)

    async def upload(step: ArtifactStep) -> None:
        await upload_artifacts(step, send, note, True, ["based"])

    async def finalize(step: FinalStep) -> None:
        await upload_reports(step, report, note)

    build = run_build(
        tmp_path,
        BUILDSPEC.replace("{runner_file}", str(runner_file)),
        hooks=BuildHooks(download_source=download, upload_artifacts=upload, finalize=finalize),
        executor=ContainerExecutor(tmp_path / "builds", podman.image, engine=podman.engine),
    )
    assert str(build.ended.status) == "SUCCEEDED", build.log
    assert zipped == {
        "": ["codebuild/output/sources/extra/lib.txt", "codebuild/output/src/out/app.txt"],
        "based": ["app.txt"],
    }
    outside = "outside the build's own directories, not read"
    assert f"/etc/made-in-the-container: {outside}" in notes
    assert f"{runner_file}: {outside}" in notes
    assert reports["absolute"].status == "SUCCEEDED"
    assert reports["absolute"].test_cases[0]["testRawDataPath"] == "/codebuild/output/src/reports/TEST-a.xml"
    assert reports["based"].status == "SUCCEEDED"
    assert reports["based"].test_cases[0]["testRawDataPath"] == "TEST-a.xml"
    assert reports["container-only"].status == "INCOMPLETE"
    assert podman.containers_using(tmp_path) == []
