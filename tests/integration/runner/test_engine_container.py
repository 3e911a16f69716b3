"""Buildspecs in containers (Podman through the docker SDK): the engine's table as on host and sandbox,
then what the container gives: the image's file system, sources and artifacts through the bound
workspace, no network unless allowed, privileged mode, and every process ended with the build."""

from __future__ import annotations

import io
import json
import socket
import tarfile
import uuid
import zipfile
from pathlib import Path

import pytest

from codeyard.runner.artifact_upload import upload_artifacts
from codeyard.runner.engine.container import ContainerExecutor, ContainerOptions
from codeyard.runner.engine.environment import EnvironmentVariable
from codeyard.runner.engine.executors import Workspace
from codeyard.runner.engine.hooks import ArtifactStep, BuildHooks, FinalStep
from tests.integration.runner.build_helper import run_build
from tests.integration.runner.test_engine_sandbox import CONNECT, SECRET, TABLE, _resolve
from tests.integration.runner.test_engine_sandbox_processes import _processes_with
from tests.support.podman import PodmanService


def container(
    podman: PodmanService, tmp_path: Path, options: ContainerOptions | None = None
) -> ContainerExecutor:
    return ContainerExecutor(tmp_path / "builds", podman.image, options, engine=podman.engine)


def assert_nothing_left(podman: PodmanService, tmp_path: Path) -> None:
    assert podman.containers_using(tmp_path) == []
    assert list((tmp_path / "builds").iterdir()) == []


@pytest.mark.parametrize("case", list(TABLE))
def test_the_engine_table_runs_the_same_in_a_container(
    podman: PodmanService, tmp_path: Path, case: str
) -> None:
    text, output, status, statuses = TABLE[case]
    build = run_build(tmp_path, text, executor=container(podman, tmp_path))
    assert build.output == output
    assert build.ended.status == status
    assert {phase: build.statuses[phase] for phase in statuses} == statuses
    assert list(build.statuses)[-1] == "FINALIZING"
    assert_nothing_left(podman, tmp_path)


def test_secrets_are_masked_and_exported_variables_read(podman: PodmanService, tmp_path: Path) -> None:
    build = run_build(
        tmp_path,
        """
version: 0.2
env:
  parameter-store:
    DB_PASSWORD: /db/password
  exported-variables: [VERSION, FROM_PROJECT]
phases:
  build:
    commands:
      - echo "pw=$DB_PASSWORD;"
      - echo "$DB_PASSWORD" >&2
      - VERSION="1.2.$FROM_PROJECT"
""",
        hooks=BuildHooks(resolve_secret=_resolve),
        project=(EnvironmentVariable("FROM_PROJECT", "3"), EnvironmentVariable("odd-name", "kept")),
        executor=container(podman, tmp_path),
    )
    assert build.output == ["pw=***;", "***"]
    assert all(SECRET not in line for line in build.log)
    assert build.ended.exported_variables == {"VERSION": "1.2.3", "FROM_PROJECT": "3"}


def test_the_build_runs_in_the_image_with_the_source_in_and_the_artifacts_out(
    podman: PodmanService, tmp_path: Path
) -> None:
    host_file = tmp_path / "host-only.txt"
    host_file.write_text("host secret\n")
    built: list[str] = []

    async def download(workspace: Workspace) -> str:
        (workspace.src_dir / "given.txt").write_text("from the runner\n")
        return "0" * 40

    async def upload(step: ArtifactStep) -> None:
        built.append((step.workspace.src_dir / "out" / "built.txt").read_text())

    build = run_build(
        tmp_path,
        f"""
version: 0.2
env:
  variables:
    FROM_SPEC: spec
phases:
  build:
    commands:
      - echo more >> given.txt && cat given.txt
      - mkdir out && echo built > out/built.txt
      - cat {host_file} 2>/dev/null || echo host-file-hidden
      - echo "src=$CODEBUILD_SRC_DIR pwd=$PWD home=$HOME spec=$FROM_SPEC user=$(id -u) host=$(hostname)"
      - echo "path=$PATH"
      - test -x /usr/bin/apt-get && echo debian-image
      - echo kept > /root/kept.txt
""",
        hooks=BuildHooks(download_source=download, upload_artifacts=upload),
        executor=container(podman, tmp_path),
    )
    assert build.ended.status == "SUCCEEDED", build.log
    assert build.output == [
        "from the runner",
        "more",
        "host-file-hidden",
        "src=/codebuild/output/src pwd=/codebuild/output/src home=/root spec=spec user=0 host=codeyard-build",
        "path=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
        "debian-image",
    ]
    assert built == ["built\n"]
    assert_nothing_left(podman, tmp_path)


def test_a_command_that_ends_the_shell_gets_a_new_session_in_the_same_container(
    podman: PodmanService, tmp_path: Path
) -> None:
    build = run_build(
        tmp_path,
        """
version: 0.2
phases:
  build:
    commands:
      - sh -c 'exit 7'
  post_build:
    commands:
      - echo kept > /root/kept.txt; export GONE=yes
      - exit 3
      - echo never
    finally:
      - echo "finally [$GONE] $(cat /root/kept.txt)"
""",
        executor=container(podman, tmp_path),
    )
    assert build.output == ["finally [] kept"]
    assert build.statuses["BUILD"] == "FAILED"
    assert build.statuses["POST_BUILD"] == "FAILED"
    messages = [
        context.message for phase in ("BUILD", "POST_BUILD") for context in build.record(phase).contexts
    ]
    assert "Reason: exit status 7" in messages[0]
    assert "Reason: exit status 3" in messages[1]
    assert_nothing_left(podman, tmp_path)


def test_a_timeout_ends_every_process_of_the_container(podman: PodmanService, tmp_path: Path) -> None:
    marker = f"stubborn{uuid.uuid4().hex}"
    build = run_build(
        tmp_path,
        f"""
version: 0.2
phases:
  build:
    commands:
      - bash -c 'trap "" TERM; sleep 1000; true {marker}' & setsid sh -c 'trap "" TERM; sleep 1000; true {marker}' &
      - wait
  post_build:
    commands: [echo never]
""",
        timeout=3.0,
        executor=container(podman, tmp_path),
    )
    assert build.statuses["BUILD"] == "TIMED_OUT"
    assert "POST_BUILD" not in build.statuses
    assert build.ended.status == "TIMED_OUT"
    assert _processes_with(marker) == []
    assert_nothing_left(podman, tmp_path)


def test_a_stop_ends_the_build_stopped_and_every_process_with_it(
    podman: PodmanService, tmp_path: Path
) -> None:
    marker = f"stopped{uuid.uuid4().hex}"
    pattern = f"{marker[:7]}[{marker[7]}]{marker[8:]}"
    build = run_build(
        tmp_path,
        f"""
version: 0.2
phases:
  install:
    commands:
      - setsid sh -c 'trap "" TERM; sleep 1000; true {marker}' </dev/null >/dev/null 2>&1 &
      - until grep -qs '{pattern}' /proc/[0-9]*/cmdline; do :; done; echo ready; wait
""",
        stop_on="ready",
        executor=container(podman, tmp_path),
    )
    assert build.statuses["INSTALL"] == "STOPPED"
    assert build.record("INSTALL").contexts[0].status_code == "BUILD_STOPPED"
    assert build.ended.status == "STOPPED"
    assert _processes_with(marker) == []
    assert_nothing_left(podman, tmp_path)


def _listener() -> socket.socket:
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen(4)
    server.settimeout(10.0)
    return server


def test_the_network_is_off_by_default_and_the_hosts_when_allowed(
    podman: PodmanService, tmp_path: Path
) -> None:
    with _listener() as server:
        port = server.getsockname()[1]
        closed = run_build(
            tmp_path / "off", CONNECT.format(port=port), executor=container(podman, tmp_path / "off")
        )
        assert closed.output[-1] == "refused"
        allowed = container(podman, tmp_path / "on", ContainerOptions(network=True))
        opened = run_build(tmp_path / "on", CONNECT.format(port=port), executor=allowed)
        assert opened.output == ["connected"]
        connection, _ = server.accept()
        connection.close()


CAPABILITIES = "version: 0.2\nphases:\n  build:\n    commands:\n      - grep ^CapEff /proc/self/status\n"


def test_privileged_mode_gives_the_build_every_capability(podman: PodmanService, tmp_path: Path) -> None:
    plain = run_build(tmp_path / "plain", CAPABILITIES, executor=container(podman, tmp_path / "plain"))
    options = ContainerOptions(privileged=True)
    privileged = run_build(
        tmp_path / "priv", CAPABILITIES, executor=container(podman, tmp_path / "priv", options)
    )
    plain_bits = int(plain.output[0].split()[1], 16)
    privileged_bits = int(privileged.output[0].split()[1], 16)
    assert plain_bits & privileged_bits == plain_bits
    assert privileged_bits != plain_bits
    assert privileged_bits >> 21 & 1  # CAP_SYS_ADMIN, which a plain container does not get
    assert not plain_bits >> 21 & 1


def test_a_missing_image_fails_provisioning_saying_so(podman: PodmanService, tmp_path: Path) -> None:
    image = f"localhost/codeyard/missing-{uuid.uuid4().hex[:8]}:1"
    executor = ContainerExecutor(tmp_path / "builds", image, engine=podman.engine)
    build = run_build(
        tmp_path, "version: 0.2\nphases:\n  build:\n    commands: [echo never]\n", executor=executor
    )
    assert build.statuses == {"PROVISIONING": "FAULT", "FINALIZING": "SUCCEEDED"}
    message = build.record("PROVISIONING").contexts[0].message
    assert message.startswith("Cannot prepare the workspace: ")
    assert f"the image {image} is not in the container engine and cannot be pulled" in message
    assert build.output == []


def test_an_image_that_cannot_start_its_container_fails_provisioning_and_leaves_no_container(
    podman: PodmanService, tmp_path: Path
) -> None:
    empty = io.BytesIO()
    with tarfile.open(fileobj=empty, mode="w") as tar:
        tar.addfile(tarfile.TarInfo("nothing"), io.BytesIO(b""))  # an image without /bin/sh
    answer = podman.engine.api.import_image_from_data(empty.getvalue())
    image = str(json.loads(answer.splitlines()[0])["id"])
    try:
        executor = ContainerExecutor(tmp_path / "builds", image, engine=podman.engine)
        build = run_build(
            tmp_path, "version: 0.2\nphases:\n  build:\n    commands: [echo never]\n", executor=executor
        )
        assert build.statuses == {"PROVISIONING": "FAULT", "FINALIZING": "SUCCEEDED"}
        assert "cannot start the build's container" in build.record("PROVISIONING").contexts[0].message
        assert_nothing_left(podman, tmp_path)
    finally:
        podman.engine.api.remove_image(image, force=True)


def test_a_timeout_lets_processes_handle_sigterm_within_the_grace(
    podman: PodmanService, tmp_path: Path
) -> None:
    seen: list[str] = []

    async def finalize(step: FinalStep) -> None:
        seen.extend(sorted(path.name for path in step.workspace.src_dir.iterdir()))

    build = run_build(
        tmp_path,
        """
version: 0.2
phases:
  build:
    commands:
      - sh -c 'trap "echo > $CODEBUILD_SRC_DIR/terminated; exit 0" TERM; while :; do sleep 0.1; done' &
      - echo started; wait
""",
        timeout=3.0,
        hooks=BuildHooks(finalize=finalize),
        executor=container(podman, tmp_path),
    )
    assert build.ended.status == "TIMED_OUT"
    assert seen == ["terminated"]
    assert_nothing_left(podman, tmp_path)


def test_secondary_sources_are_seen_and_absolute_artifact_paths_never_read_the_runners_files(
    podman: PodmanService, tmp_path: Path
) -> None:
    zipped: list[list[str]] = []
    notes: list[str] = []

    async def download(workspace: Workspace) -> str:
        extra = workspace.root / "sources" / "extra"
        extra.mkdir()
        (extra / "lib.txt").write_text("secondary\n")
        return "0" * 40

    async def send(path: Path, name: str, identifier: str) -> None:
        with zipfile.ZipFile(path) as archive:
            zipped.append(sorted(archive.namelist()))

    async def note(line: str) -> None:
        notes.append(line)

    async def upload(step: ArtifactStep) -> None:
        await upload_artifacts(step, send, note, True, [])

    build = run_build(
        tmp_path,
        """
version: 0.2
phases:
  build:
    commands:
      - cat /codebuild/output/sources/extra/lib.txt
      - echo made > made.txt
      - echo inside > /etc/made-in-the-container
artifacts:
  files: [made.txt, /etc/hostname, /etc/made-in-the-container]
""",
        hooks=BuildHooks(download_source=download, upload_artifacts=upload),
        executor=container(podman, tmp_path),
    )
    assert build.ended.status == "SUCCEEDED", build.log
    assert build.output == ["secondary"]
    assert zipped == [["made.txt"]]
    assert_nothing_left(podman, tmp_path)
