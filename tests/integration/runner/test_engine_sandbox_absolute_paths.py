"""A sandboxed build's absolute paths: its artifacts, reports and cache never get a file its own user could
not read (the runner is root here, the build nobody), while absolute paths inside its workspace still work;
on the host executor absolute report paths name the host's files."""

from __future__ import annotations

import io
import tarfile
import zipfile
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest

from codeyard.execution.messages import ReportUpload
from codeyard.runner.artifact_upload import upload_artifacts
from codeyard.runner.build_cache import CUSTOM_MODE, BuildCache
from codeyard.runner.buildspec.model import Buildspec
from codeyard.runner.buildspec.parser import parse
from codeyard.runner.cache import DirectoryCacheStore
from codeyard.runner.engine.executors import Executor, HostExecutor, Workspace
from codeyard.runner.engine.hooks import ArtifactStep, BuildHooks, FinalStep
from codeyard.runner.local_cache import directory_name
from codeyard.runner.report_upload import upload_reports
from tests.integration.runner.build_helper import Build, run_build
from tests.integration.runner.sandbox_helper import sandbox, sandbox_runs

pytestmark = pytest.mark.usefixtures(sandbox_runs.__name__)

JUNIT = '<testsuite name="s"><testcase classname="c" name="ok"/></testsuite>'
REFUSED = "outside the build's own directories, not read"


def _private(tmp_path: Path) -> Path:
    """A token in a directory only the runner's user may enter (as a runner's data directory)."""
    directory = tmp_path / "runner-data"
    directory.mkdir(mode=0o700)
    token = directory / "token"
    token.write_text("runner token\n")
    token.chmod(0o600)
    return token


def _loader(text: str) -> Callable[[Workspace], Awaitable[Buildspec]]:
    """Loads the buildspec once the workspace exists, with `{src}` its source directory."""

    async def load(workspace: Workspace) -> Buildspec:
        return parse(text.replace("{src}", str(workspace.src_dir)))

    return load


class Uploads:
    """What the artifact and report hooks sent, and the lines they noted for the build log."""

    def __init__(self) -> None:
        self.zips: dict[str, dict[str, bytes]] = {}
        self.reports: dict[str, ReportUpload] = {}
        self.notes: list[str] = []

    async def note(self, line: str) -> None:
        self.notes.append(line)

    async def artifact(self, path: Path, name: str, identifier: str) -> None:
        with zipfile.ZipFile(path) as archive:
            self.zips[identifier] = {entry: archive.read(entry) for entry in archive.namelist()}

    async def report(self, upload: ReportUpload) -> str:
        self.reports[upload.group] = upload
        return f"arn:aws:codebuild:eu-west-1:123456789012:report/{upload.group}:1"

    def hooks(self, text: str) -> BuildHooks:
        async def artifacts(step: ArtifactStep) -> None:
            await upload_artifacts(step, self.artifact, self.note, True, [])

        async def finalize(step: FinalStep) -> None:
            await upload_reports(step, self.report, self.note)

        return BuildHooks(load_buildspec=_loader(text), upload_artifacts=artifacts, finalize=finalize)


def _build(tmp_path: Path, text: str, executor: Executor) -> tuple[Build, Uploads]:
    uploads = Uploads()
    return run_build(tmp_path, None, hooks=uploads.hooks(text), executor=executor), uploads


def test_artifacts_outside_the_workspace_and_links_out_of_it_are_not_taken(tmp_path: Path) -> None:
    token = _private(tmp_path)
    build, uploads = _build(
        tmp_path,
        f"""
version: 0.2
phases:
  build:
    commands:
      - mkdir -p out && echo app > out/app.txt
      - ln -s /etc/shadow out/shadow && ln -s {token} out/token && ln -s /etc etc-link
      - cat /etc/shadow > /dev/null 2>&1 || echo shadow-unreadable
artifacts:
  files:
    - /etc/shadow
    - {token}
    - {{src}}/out/*
    - {{src}}/etc-link/shadow
    - $CODEBUILD_SRC_DIR/out/app.txt
""",
        sandbox(tmp_path),
    )
    assert build.ended.status == "SUCCEEDED", build.log
    assert "shadow-unreadable" in build.output  # the build's user cannot read it either
    names = sorted(uploads.zips[""])
    assert len(names) == 1
    assert names[0].endswith("/src/out/app.txt")
    assert uploads.zips[""][names[0]] == b"app\n"
    assert f"/etc/shadow: {REFUSED}" in uploads.notes
    assert f"{token}: {REFUSED}" in uploads.notes
    assert any(
        n.endswith("/src/out/shadow: symbolic link to outside the directory, skipped") for n in uploads.notes
    )
    assert any(
        n.endswith("/src/out/token: symbolic link to outside the directory, skipped") for n in uploads.notes
    )
    assert any(n.endswith(f"/src/etc-link/shadow: {REFUSED}") for n in uploads.notes)


def test_artifacts_naming_only_unreadable_files_fail_upload_artifacts(tmp_path: Path) -> None:
    token = _private(tmp_path)
    build, uploads = _build(
        tmp_path,
        f"version: 0.2\nphases:\n  build:\n    commands: ['true']\n"
        f"artifacts:\n  files: [/etc/shadow, '{token.parent}/*']\n  base-directory: /etc\n",
        sandbox(tmp_path),
    )
    assert build.statuses["UPLOAD_ARTIFACTS"] == "FAILED"
    contexts = build.record("UPLOAD_ARTIFACTS").contexts
    assert [(c.status_code, c.message) for c in contexts] == [
        ("CLIENT_ERROR", "no matching artifact paths found")
    ]
    assert uploads.zips == {}
    assert f"/etc: base directory {REFUSED}" in uploads.notes


REPORTS = """
version: 0.2
phases:
  build:
    commands:
      - mkdir -p reports {tmp} && echo '{junit}' > reports/TEST-a.xml && echo '{junit}' > {tmp}/TEST-b.xml
reports:
  in-source:
    files: ['{{src}}/reports/*.xml']
  based:
    base-directory: '{{src}}/reports'
    files: ['*.xml']
  in-tmp:
    files: ['{tmp}/*.xml']
  shadow:
    files: [/etc/shadow]
"""


def test_sandboxed_reports_are_read_inside_the_workspace_only(tmp_path: Path) -> None:
    text = REPORTS.format(tmp="/tmp/codeyard-reports", junit=JUNIT)
    build, uploads = _build(tmp_path, text, sandbox(tmp_path))
    assert build.ended.status == "SUCCEEDED", build.log
    statuses = {group: upload.status for group, upload in uploads.reports.items()}
    assert statuses == {
        "in-source": "SUCCEEDED",
        "based": "SUCCEEDED",
        "in-tmp": "INCOMPLETE",
        "shadow": "INCOMPLETE",
    }
    assert uploads.reports["based"].test_cases[0]["testRawDataPath"] == "TEST-a.xml"
    assert uploads.reports["in-source"].test_cases[0]["testRawDataPath"].endswith("/src/reports/TEST-a.xml")
    assert uploads.reports["shadow"].test_cases == []
    assert (
        "Report shadow: no report files matched '/etc/shadow'; /etc/shadow: outside the build's own "
        "directories, not read" in uploads.notes
    )
    # the sandbox's /tmp is its own: the runner never sees what the build wrote there
    assert "Report in-tmp: no report files matched '/tmp/codeyard-reports/*.xml'; " in " ".join(uploads.notes)


def test_host_reports_take_absolute_paths_of_the_host(tmp_path: Path) -> None:
    text = REPORTS.format(tmp=tmp_path / "host-reports", junit=JUNIT)
    build, uploads = _build(tmp_path, text, HostExecutor(tmp_path / "builds"))
    assert build.ended.status == "SUCCEEDED", build.log
    tmp = uploads.reports["in-tmp"]
    assert tmp.status == "SUCCEEDED"
    assert tmp.test_cases[0]["testRawDataPath"] == f"{tmp_path}/host-reports/TEST-b.xml"
    assert uploads.reports["based"].status == "SUCCEEDED"
    # root reads /etc/shadow on the host, as the build itself could: it is no test report
    assert uploads.reports["shadow"].status != "SUCCEEDED"


def test_a_sandboxed_cache_leaves_absolute_paths_and_links_out(tmp_path: Path) -> None:
    token = _private(tmp_path)
    notes: list[str] = []

    async def note(line: str) -> None:
        notes.append(line)

    cache = BuildCache("LOCAL", [CUSTOM_MODE], "demo", local_root=tmp_path / "cache", remote=None, note=note)

    async def save(step: ArtifactStep) -> None:
        await cache.save(step)

    text = f"""
version: 0.2
phases:
  build:
    commands:
      - mkdir -p deps && echo dep > deps/a.txt && ln -s /etc/shadow deps/shadow && ln -s {token.parent} deps/data
cache:
  paths: [/etc/shadow, '{token.parent}/**/*', 'deps/**/*']
"""
    build = run_build(
        tmp_path,
        None,
        hooks=BuildHooks(load_buildspec=_loader(text), upload_artifacts=save),
        executor=sandbox(tmp_path),
    )
    assert build.ended.status == "SUCCEEDED", build.log
    left_out = "is left out: outside the build's own directories"
    assert f"Cache path /etc/shadow {left_out}" in notes
    assert f"Cache path {token.parent}/**/* {left_out}" in notes
    stream = DirectoryCacheStore(tmp_path / "cache" / directory_name("demo")).open("custom")
    assert stream is not None
    with stream, tarfile.open(fileobj=io.BytesIO(stream.read())) as archive:
        assert archive.getnames() == ["src/deps/a.txt"]
