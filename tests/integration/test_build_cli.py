"""`codeyard build` as a user runs it in a project directory: live output, summary, outputs and exit status."""

from __future__ import annotations

import hashlib
import json
import os
import pty
import signal
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest

from tests.support.server import ROOT_KEY, ROOT_SECRET
from tests.unit.runner.reports.test_cobertura import COVERAGE_PY

CODEYARD = [sys.executable, "-m", "codeyard", "build"]


def without_aws() -> dict[str, str]:
    """This environment without AWS_* variables: no endpoint or credentials unless a test gives them."""
    return {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}


def build(project: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*CODEYARD, *args],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env=without_aws() if env is None else env,
    )


def project(tmp_path: Path, buildspec: str, files: dict[str, str] | None = None) -> Path:
    root = tmp_path / "project"
    root.mkdir()
    (root / "buildspec.yml").write_text(buildspec)
    for name, text in (files or {}).items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return root


def summary_rows(stdout: str) -> dict[str, str]:
    """The phase table of the summary: phase → status."""
    table = stdout[stdout.index("Phase              Status") :].splitlines()[1:]
    return {
        row.split()[0]: row.split()[1] for row in table if row and not row.startswith(" ") and "  " in row
    }


def test_a_build_that_succeeds_in_a_copy_of_the_source(tmp_path: Path) -> None:
    root = project(
        tmp_path,
        "version: 0.2\nphases:\n  build:\n    commands:\n"
        "      - cat input.txt\n      - echo changed > input.txt\n      - rm -rf ./*\n"
        "      - echo src=$CODEBUILD_SRC_DIR\n",
        {"input.txt": "the input\n"},
    )
    result = build(root)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert (
        lines[:2] == ["==> PROVISIONING", "==> PROVISIONING SUCCEEDED (0.00 s)"]
        or lines[0] == "==> PROVISIONING"
    )
    assert "$ cat input.txt" in lines
    assert lines[lines.index("$ cat input.txt") + 1] == "the input"
    source_line = next(line for line in lines if line.startswith("src="))
    assert source_line != f"src={root}"
    assert summary_rows(result.stdout) == {
        "PROVISIONING": "SUCCEEDED",
        "DOWNLOAD_SOURCE": "SUCCEEDED",
        "INSTALL": "SUCCEEDED",
        "PRE_BUILD": "SUCCEEDED",
        "BUILD": "SUCCEEDED",
        "POST_BUILD": "SUCCEEDED",
        "UPLOAD_ARTIFACTS": "SUCCEEDED",
        "FINALIZING": "SUCCEEDED",
    }
    assert lines[-1].startswith("Build SUCCEEDED in ")
    assert "\033[" not in result.stdout  # not a terminal: no colours
    assert (root / "input.txt").read_text() == "the input\n"  # the user's tree is untouched


def test_a_failing_build_phase_exits_1_and_post_build_still_runs(tmp_path: Path) -> None:
    root = project(
        tmp_path,
        "version: 0.2\nphases:\n  build:\n    commands:\n      - echo building\n      - 'false'\n"
        "      - echo never\n  post_build:\n    commands:\n      - echo succeeding=$CODEBUILD_BUILD_SUCCEEDING\n",
    )
    result = build(root)
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert "never" not in lines
    assert "succeeding=0" in lines
    assert any(line.startswith("==> BUILD FAILED (") for line in lines), result.stdout
    assert "    COMMAND_EXECUTION_ERROR: Error while executing command: false. Reason: exit status 1" in lines
    rows = summary_rows(result.stdout)
    assert (rows["BUILD"], rows["POST_BUILD"], rows["UPLOAD_ARTIFACTS"]) == (
        "FAILED",
        "SUCCEEDED",
        "SUCCEEDED",
    )
    assert lines[-1].startswith("Build FAILED in ")


def test_artifacts_zip_and_directory(tmp_path: Path) -> None:
    root = project(
        tmp_path,
        "version: 0.2\nphases:\n  build:\n    commands:\n"
        "      - mkdir -p out/lib && echo app > out/app.txt && echo lib > out/lib/l.txt && echo doc > doc.md\n"
        "artifacts:\n  name: app-$NAME_PART\n  base-directory: out\n  files:\n    - '**/*'\n"
        "  secondary-artifacts:\n    docs:\n      files:\n        - doc.md\n",
    )
    result = build(root, "--artifacts", "dist", "--env", "NAME_PART=1")
    assert result.returncode == 0, result.stdout
    with zipfile.ZipFile(root / "dist" / "app-1.zip") as archive:
        assert sorted(archive.namelist()) == ["app.txt", "lib/l.txt"]
        assert archive.read("lib/l.txt") == b"lib\n"
    with zipfile.ZipFile(root / "dist" / "docs.zip") as archive:
        assert archive.namelist() == ["doc.md"]
    size = (root / "dist" / "app-1.zip").stat().st_size
    assert f"  primary  dist/app-1.zip  {size} B  2 file(s)" in result.stdout.splitlines()

    again = build(root, "--artifacts", "tree", "--packaging", "NONE", "--env", "NAME_PART=2")
    assert again.returncode == 0, again.stdout
    assert (root / "tree" / "app-2" / "lib" / "l.txt").read_text() == "lib\n"
    assert (root / "tree" / "docs" / "doc.md").read_text() == "doc\n"


def test_artifacts_that_match_nothing_fail_upload_artifacts(tmp_path: Path) -> None:
    root = project(
        tmp_path,
        "version: 0.2\nphases:\n  build:\n    commands:\n      - 'true'\nartifacts:\n  files:\n    - missing/*\n",
    )
    result = build(root)
    assert result.returncode == 1
    assert summary_rows(result.stdout)["UPLOAD_ARTIFACTS"] == "FAILED"
    assert "    CLIENT_ERROR: no matching artifact paths found" in result.stdout.splitlines()


def test_a_junit_report_from_a_real_pytest_run(tmp_path: Path) -> None:
    tests = (
        "def test_one():\n    assert 1\n\ndef test_two():\n    assert 2\n\n"
        "def test_three():\n    assert 1 == 2\n"
    )
    root = project(
        tmp_path,
        "version: 0.2\nphases:\n  build:\n    commands:\n"
        f"      - {sys.executable} -m pytest -p no:cacheprovider -o addopts= --junitxml=reports/junit.xml test_sample.py\n"
        "reports:\n  unit:\n    files:\n      - reports/*.xml\n    file-format: JUNITXML\n",
        {"test_sample.py": tests},
    )
    result = build(root, "--reports", "out")
    assert result.returncode == 1  # one test fails the build command
    document = json.loads((root / "out" / "unit.json").read_text())
    assert document["report"]["type"] == "TEST"
    assert document["report"]["status"] == "FAILED"
    summary = document["report"]["testSummary"]
    assert summary["total"] == 3
    assert (summary["statusCounts"]["SUCCEEDED"], summary["statusCounts"]["FAILED"]) == (2, 1)
    assert sorted(case["name"] for case in document["testCases"]) == ["test_one", "test_three", "test_two"]
    assert (
        "  unit  TEST  FAILED  3 tests: 2 succeeded, 1 failed  -> out/unit.json" in result.stdout.splitlines()
    )


def test_coverage_percentages_in_the_summary_and_the_json(tmp_path: Path) -> None:
    root = project(
        tmp_path,
        "version: 0.2\nphases:\n  build:\n    commands:\n      - mkdir -p reports && cp given.xml reports/cov.xml\n"
        "reports:\n  coverage:\n    files:\n      - reports/cov.xml\n    file-format: COBERTURAXML\n",
        {"given.xml": COVERAGE_PY.decode()},  # coverage.py's own `coverage xml` output
    )
    result = build(root, "--reports", "out")
    assert result.returncode == 0, result.stdout
    assert "  coverage  CODE_COVERAGE  SUCCEEDED  lines 86.2%, branches 75.0%  -> out/coverage.json" in (
        result.stdout.splitlines()
    )
    document = json.loads((root / "out" / "coverage.json").read_text())
    summary = document["report"]["codeCoverageSummary"]
    assert (summary["linesCovered"], summary["linesMissed"]) == (25, 4)
    assert (summary["branchesCovered"], summary["branchesMissed"]) == (3, 1)
    assert {entry["filePath"] for entry in document["codeCoverages"]} >= {"pkg/calc.py", "tests/test_calc.py"}


def test_a_buildspec_error_is_printed_with_line_and_column_and_exits_2(tmp_path: Path) -> None:
    root = project(tmp_path, "version: 0.2\nphases:\n  build:\n    Commands:\n      - make\n")
    result = build(root)
    assert result.returncode == 2
    assert result.stdout == ""
    assert "buildspec.yml:4:5: error: unknown key `Commands` in phase `build`" in result.stderr


def test_a_missing_buildspec_and_a_bad_variable_exit_2(tmp_path: Path) -> None:
    root = project(tmp_path, "version: 0.2\nphases:\n  build:\n    commands:\n      - 'true'\n")
    missing = build(root, "-b", "other.yml")
    assert missing.returncode == 2
    assert "codeyard build: cannot read the buildspec other.yml: No such file or directory" in missing.stderr
    bad = build(root, "--env", "NOEQUALS")
    assert bad.returncode == 2
    assert "expected NAME=VALUE, not 'NOEQUALS'" in bad.stderr


def test_env_variables_override_the_buildspec(tmp_path: Path) -> None:
    root = project(
        tmp_path,
        "version: 0.2\nenv:\n  variables:\n    A: from-buildspec\n    B: kept\n"
        "phases:\n  build:\n    commands:\n      - echo A=$A B=$B C=$C\n",
    )
    result = build(root, "--env", "A=from-cli", "--env", "C=x=y")
    assert result.returncode == 0
    assert "A=from-cli B=kept C=x=y" in result.stdout.splitlines()


def test_a_secret_reference_fails_download_source_at_its_line(tmp_path: Path) -> None:
    root = project(
        tmp_path,
        "version: 0.2\nenv:\n  parameter-store:\n    TOKEN: /ci/token\n"
        "phases:\n  build:\n    commands:\n      - echo ran\n",
    )
    result = build(root)
    assert result.returncode == 1
    assert "ran" not in result.stdout.splitlines()
    assert summary_rows(result.stdout)["DOWNLOAD_SOURCE"] == "FAILED"
    assert (
        "    CLIENT_ERROR: buildspec.yml:4:12: parameter-store variable TOKEN (/ci/token) is not resolved: "
        "that needs a Codeyard server (--endpoint-url or AWS_ENDPOINT_URL" in result.stdout
    )


def test_in_place_runs_in_the_source_directory(tmp_path: Path) -> None:
    root = project(tmp_path, "version: 0.2\nphases:\n  build:\n    commands:\n      - echo made > made.txt\n")
    result = build(root, "--in-place")
    assert result.returncode == 0
    assert (root / "made.txt").read_text() == "made\n"


def test_codebuild_hash_files_runs_in_a_host_build(tmp_path: Path) -> None:
    # On the host the command is a script run by Codeyard's own interpreter, not a zipapp.
    root = project(
        tmp_path,
        "version: 0.2\nphases:\n  build:\n    commands:\n      - codebuild-hash-files lock.json > hash.txt\n",
        {"lock.json": "{}"},
    )
    result = build(root, "--in-place")
    assert result.returncode == 0, result.stdout + result.stderr
    expected = hashlib.sha256(f"{hashlib.sha256(b'{}').hexdigest()}  lock.json\n".encode()).hexdigest()
    assert (root / "hash.txt").read_text() == expected + "\n"


def test_git_commit_is_the_resolved_source_version(tmp_path: Path) -> None:
    root = project(
        tmp_path,
        "version: 0.2\nphases:\n  build:\n    commands:\n      - echo rev=$CODEBUILD_RESOLVED_SOURCE_VERSION\n",
    )
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.com"]
    subprocess.run([*git, "init", "-q", "."], cwd=root, check=True)
    subprocess.run([*git, "add", "."], cwd=root, check=True)
    subprocess.run([*git, "commit", "-q", "-m", "one"], cwd=root, check=True)
    head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True, check=True)
    result = build(root)
    assert f"rev={head.stdout.strip()}" in result.stdout.splitlines()


def test_quiet_prints_only_the_summary(tmp_path: Path) -> None:
    root = project(tmp_path, "version: 0.2\nphases:\n  build:\n    commands:\n      - echo noisy\n")
    result = build(root, "--quiet")
    assert result.returncode == 0
    assert "noisy" not in result.stdout
    assert result.stdout.startswith("\nPhase              Status")


@pytest.mark.parametrize("executor", ["sandbox", "container"])
def test_another_executor_runs_the_build_or_says_why_not(tmp_path: Path, executor: str) -> None:
    root = project(tmp_path, "version: 0.2\nphases:\n  build:\n    commands:\n      - echo inside\n")
    result = build(root, "--executor", executor)
    if result.returncode == 0:  # the executor exists and can run on this host
        assert "inside" in result.stdout.splitlines()
        assert result.stdout.splitlines()[-1].startswith("Build SUCCEEDED in ")
    else:
        assert result.returncode == 2
        assert result.stderr.startswith(f"codeyard build: the {executor} executor ")
        assert result.stdout == ""


def test_in_place_is_for_the_host_executor_only(tmp_path: Path) -> None:
    root = project(tmp_path, "version: 0.2\nphases:\n  build:\n    commands:\n      - 'true'\n")
    result = build(root, "--executor", "sandbox", "--in-place")
    assert result.returncode == 2
    assert "codeyard build: --in-place works with the host executor only, not sandbox" in result.stderr


def test_ctrl_c_stops_the_build_and_kills_its_tree(tmp_path: Path) -> None:
    root = project(
        tmp_path,
        "version: 0.2\nphases:\n  build:\n    commands:\n      - tail -f /dev/null & echo ready $!; wait\n"
        "  post_build:\n    commands:\n      - echo after\n",
    )
    with subprocess.Popen([*CODEYARD], cwd=root, stdout=subprocess.PIPE, text=True) as process:
        assert process.stdout is not None
        for line in process.stdout:
            if line.startswith("ready "):
                tail = int(line.split()[1])
                process.send_signal(signal.SIGINT)
                break
        rest = process.stdout.read()
        assert process.wait(timeout=60) == 1
    assert "after" not in rest.splitlines()
    rows = summary_rows(rest)
    assert rows["BUILD"] == "STOPPED"
    assert "    BUILD_STOPPED: Build was stopped" in rest.splitlines()
    assert rest.splitlines()[-1].startswith("Build STOPPED in ")
    assert not _alive(tail)


def _alive(pid: int) -> bool:
    """Whether the process exists and is not a zombie waiting to be reaped."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state != "Z"


SECRET_BUILDSPEC = (
    "version: 0.2\nenv:\n  parameter-store:\n    TOKEN: /ci/token\n  secrets-manager:\n    PASS: ci/db:password\n"
    "phases:\n  build:\n    commands:\n      - echo token=$TOKEN pass=$PASS\n"
    "      - test ${#TOKEN} -eq 19 && echo token-length-ok\n"
)


def test_secrets_resolved_through_a_server_are_never_printed(tmp_path: Path, make_server: Any) -> None:
    server = make_server("sqlite").start()
    server.client("ssm").put_parameter(Name="/ci/token", Value="token-value-0123456", Type="SecureString")
    server.client("secretsmanager").create_secret(
        Name="ci/db", SecretString=json.dumps({"user": "ci", "password": "hunter2-long-password"})
    )
    root = project(tmp_path, SECRET_BUILDSPEC)
    env = without_aws()
    env.update(
        AWS_ACCESS_KEY_ID=ROOT_KEY, AWS_SECRET_ACCESS_KEY=ROOT_SECRET, AWS_ENDPOINT_URL=server.endpoint
    )
    result = build(root, env=env)
    assert result.returncode == 0, result.stdout
    lines = result.stdout.splitlines()
    assert "token=*** pass=***" in lines
    assert "token-length-ok" in lines
    for secret in ("token-value-0123456", "hunter2-long-password"):
        assert secret not in result.stdout
        assert secret not in result.stderr

    server.client("ssm").delete_parameter(Name="/ci/token")
    missing = build(root, "--endpoint-url", server.endpoint, env=env)
    assert missing.returncode == 1
    assert summary_rows(missing.stdout)["DOWNLOAD_SOURCE"] == "FAILED"
    assert any(
        line.startswith("    Decrypted Variables Error: ParameterNotFound")
        for line in missing.stdout.splitlines()
    ), missing.stdout


def test_a_secret_in_an_artifact_name_or_a_report_is_masked_in_the_outputs(
    tmp_path: Path, make_server: Any
) -> None:
    """The summary, the artifact written and the report's JSON never hold a secret value: a name or
    a test case that expands one shows `***`, as a server build keeps it."""
    server = make_server("sqlite").start()
    server.client("ssm").put_parameter(Name="/ci/token", Value="token-value-0123456", Type="SecureString")
    junit = (
        "<testsuite name='s' tests='1'><testcase classname='c' name='case-%s'>"
        "<failure message='got %s'/></testcase></testsuite>"
    )
    root = project(
        tmp_path,
        "version: 0.2\nenv:\n  parameter-store:\n    TOKEN: /ci/token\n"
        "phases:\n  build:\n    commands:\n"
        "      - mkdir -p out reports && echo app > out/app.txt\n"
        f'      - printf "{junit}" "$TOKEN" "$TOKEN" > "reports/junit-$TOKEN.xml"\n'
        "artifacts:\n  name: app-$TOKEN\n  files:\n    - out/app.txt\n"
        "reports:\n  unit:\n    files:\n      - reports/*.xml\n",
    )
    env = without_aws()
    env.update(
        AWS_ACCESS_KEY_ID=ROOT_KEY, AWS_SECRET_ACCESS_KEY=ROOT_SECRET, AWS_ENDPOINT_URL=server.endpoint
    )

    result = build(root, "--artifacts", "dist", "--packaging", "NONE", "--reports", "out-reports", env=env)

    assert result.returncode == 0, result.stdout
    assert (root / "dist" / "app-***" / "out" / "app.txt").read_text() == "app\n"
    assert "  primary  dist/app-***  4 B  1 file(s)" in result.stdout.splitlines()
    document = json.loads((root / "out-reports" / "unit.json").read_text())
    case = document["testCases"][0]
    assert case["name"] == "case-***"
    assert case["message"] == "got ***"
    assert case["testRawDataPath"] == "reports/junit-***.xml"
    written = [p.name for p in (root / "dist").rglob("*")] + [
        (root / "out-reports" / "unit.json").read_text()
    ]
    for text in (result.stdout, result.stderr, *written):
        assert "token-value-0123456" not in text


def on_a_terminal(project: Path, env: dict[str, str]) -> str:
    """The output of `codeyard build` with its stdout on a pseudo-terminal."""
    main, child = pty.openpty()
    with subprocess.Popen(
        [*CODEYARD], cwd=project, stdout=child, stderr=subprocess.DEVNULL, env=env
    ) as process:
        os.close(child)
        chunks = []
        while True:
            try:
                chunk = os.read(main, 65536)
            except OSError:  # EIO: the terminal's other side is closed
                break
            if not chunk:
                break
            chunks.append(chunk)
        assert process.wait(timeout=60) == 0
    os.close(main)
    return b"".join(chunks).decode()


def test_colours_on_a_terminal_unless_no_color(tmp_path: Path) -> None:
    root = project(tmp_path, "version: 0.2\nphases:\n  build:\n    commands:\n      - echo plain\n")
    env = {k: v for k, v in without_aws().items() if k != "NO_COLOR"}
    coloured = on_a_terminal(root, env)
    assert "\033[32mSUCCEEDED" in coloured
    assert "plain\r\n" in coloured
    plain = on_a_terminal(root, {**env, "NO_COLOR": "1"})
    assert "\033[" not in plain
    assert "Build SUCCEEDED in " in plain


def test_the_build_command_loads_no_server_module() -> None:
    listing = (
        "import sys, runpy\nsys.argv = ['codeyard', 'build', '--help']\n"
        "try:\n    runpy.run_module('codeyard', run_name='__main__')\nexcept SystemExit:\n    pass\n"
        "import codeyard.cli.build\nprint(' '.join(sorted(sys.modules)))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", listing], capture_output=True, text=True, timeout=60, check=True
    )
    loaded = done.stdout.splitlines()[-1].split()
    assert "codeyard.cli.build" in loaded
    server = (
        "sqlalchemy",
        "botocore",
        "boto3",
        "httpx",
        "codeyard.protocol",
        "codeyard.services",
        "codeyard.store",
    )
    assert [name for name in loaded if name.startswith(server)] == []
