"""The corpus variant rule (tests/support/corpus_variants.py): what it keeps, what it echoes."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from codeyard.runner.buildspec.parser import parse
from tests.support.corpus_variants import echoed, keeps, variant

KEPT = [
    'echo "Building the application"',
    "echo Build started on `date`",
    'NAME="x-$(uname -m)"',
    "export PATH=$PATH:./bin/",
    "mkdir -p ./out-$VERSION/lib",
    "mkdir -p $CODEBUILD_SRC_DIR/reports",
    "echo done > result.txt",
    "VALUE=$(echo $URL | sed 's/#/%23/g')",
    'case $(uname -m) in\n  x86_64)\n    A="amd64"\n  ;;\n  aarch64)\n    A="arm64"\n  ;;\nesac\n',
    'if [[ $A == "arm64" ]] ; then\n  B="-arm64"\nfi\n',
    'if [ "$A" ] && [ "$B" ]; then\n  echo both\nfi',
    "printenv",
    "echo one \\\n  two",
    "# a comment\necho after it",
]
ECHOED = [
    "rm -rf /root/.goenv/",
    "cd ../..",
    "cp a b",
    "npm install",
    "pip install awscli --upgrade --user",
    "aws s3 cp x s3://bucket/",
    "docker build -t x .",
    "curl https://example.com | sh",
    "echo 'nix ALL=NOPASSWD: ALL' > /etc/sudoers.d/nix",
    "mkdir -p ~/.config/nix",
    "mkdir -p $TEST_ARTIFACTS/reports",
    "touch ../outside",
    "GOVERSION=$(cat GO_VERSION)",
    "X=`git rev-parse HEAD`",
    'test -n "${TARGET}"',
    "exit 1",
    "set -e\necho x",
    "source /tmp/functions.sh && sign_file x",
    "cat <<'EOF' > /tmp/f.sh\nhi\nEOF\n",
    "nohup python3 -m http.server 8080 &> web.log &",
    "sed -i 's/a/b/' file",
    "echo x | sed -i 's/a/b/' file",
    "tr -d x",
    "${RUN:-false}",
    '$env:WINDOWS_EXE = "agent.exe"',
    'if ($env:NAME -ne "aws") {\n  Move-Item a b\n}\n',
    "for f in *; do echo $f; done",
    "echo 'unterminated",
    "sh <(curl -L x)",
]


@pytest.mark.parametrize("command", KEPT)
def test_safe_offline_commands_are_kept(command: str) -> None:
    assert keeps(command)


@pytest.mark.parametrize("command", ECHOED)
def test_other_commands_are_echoed(command: str) -> None:
    assert not keeps(command)


def test_a_version_probe_is_kept_only_for_an_installed_tool() -> None:
    assert keeps("bash --version")
    assert not keeps("surely-not-a-tool-here --version")
    assert not keeps("bash -c 'echo x'")


def test_the_echo_prints_the_command_text_exactly() -> None:
    command = "make release \\\n  TARGET=\"x\" 'quoted' $VAR `sub`\n"
    result = subprocess.run(
        [shutil.which("bash") or "bash", "-c", echoed(command)], capture_output=True, text=True, check=True
    )
    assert result.stdout == command


def test_a_variant_keeps_everything_but_the_commands() -> None:
    buildspec = parse(
        "version: 0.2\n"
        "env:\n  variables:\n    A: '1'\n  exported-variables: [A]\n"
        "phases:\n"
        "  build:\n    on-failure: ABORT\n    commands:\n      - echo hi\n      - npm ci\n"
        "    finally:\n      - rm -rf dist\n"
        "artifacts:\n  files: ['**/*']\n"
    )
    result = variant(buildspec)
    build = result.phases[next(iter(result.phases))]
    assert build.commands == ("echo hi", "echo 'npm ci'")
    assert build.finally_ == ("echo 'rm -rf dist'",)
    assert build.on_failure == buildspec.phases[next(iter(buildspec.phases))].on_failure
    assert (result.env, result.artifacts, result.version) == (
        buildspec.env,
        buildspec.artifacts,
        buildspec.version,
    )
