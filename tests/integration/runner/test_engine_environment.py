"""The build's environment on the host: CODEBUILD_* built-ins, precedence, secrets masked, exports."""

from __future__ import annotations

import base64
from pathlib import Path

from codeyard.runner.buildspec.model import Buildspec
from codeyard.runner.buildspec.parser import parse
from codeyard.runner.engine.environment import EnvironmentVariable, VariableType
from codeyard.runner.engine.executors import Workspace
from codeyard.runner.engine.hooks import ArtifactStep, BuildHooks, FinalStep, PhaseError
from tests.integration.runner.build_helper import CONTEXT, run_build

SECRET = "hunter2-Pa55"
MULTI = "first-line-abc\nsecond-line-def"
SECRETS = {"/db/password": SECRET, "deploy-key": MULTI}


async def _resolve(kind: VariableType, reference: str) -> str:
    if reference not in SECRETS:
        raise PhaseError("Decrypted Variables Error", f"{kind} {reference} does not exist")
    return SECRETS[reference]


def test_builtin_variables_carry_their_documented_meanings(tmp_path: Path) -> None:
    async def download(workspace: Workspace) -> str:
        (workspace.src_dir / "marker").write_text("source\n")
        return "0123456789abcdef0123456789abcdef01234567"

    names = [
        "CODEBUILD_BUILD_ID",
        "CODEBUILD_BUILD_ARN",
        "CODEBUILD_BUILD_NUMBER",
        "CODEBUILD_BUILD_SUCCEEDING",
        "CODEBUILD_BUILD_IMAGE",
        "CODEBUILD_INITIATOR",
        "CODEBUILD_RESOLVED_SOURCE_VERSION",
        "CODEBUILD_SOURCE_VERSION",
        "CODEBUILD_START_TIME",
        "AWS_REGION",
        "AWS_DEFAULT_REGION",
    ]
    commands = "".join(f'      - echo "{name}=${name}"\n' for name in names)
    build = run_build(
        tmp_path,
        "version: 0.2\nphases:\n  build:\n    commands:\n"
        + commands
        + '      - test "$CODEBUILD_SRC_DIR" = "$PWD" && cat marker && echo same-dir\n',
        hooks=BuildHooks(download_source=download),
    )
    assert build.output == [
        f"CODEBUILD_BUILD_ID={CONTEXT.build_id}",
        f"CODEBUILD_BUILD_ARN={CONTEXT.build_arn}",
        "CODEBUILD_BUILD_NUMBER=7",
        "CODEBUILD_BUILD_SUCCEEDING=1",
        "CODEBUILD_BUILD_IMAGE=aws/codebuild/standard:7.0",
        "CODEBUILD_INITIATOR=alice",
        "CODEBUILD_RESOLVED_SOURCE_VERSION=0123456789abcdef0123456789abcdef01234567",
        "CODEBUILD_SOURCE_VERSION=refs/heads/main",
        "CODEBUILD_START_TIME=1767323045678",
        "AWS_REGION=eu-west-1",
        "AWS_DEFAULT_REGION=eu-west-1",
        "source",
        "same-dir",
    ]


def test_variables_are_literal_layered_and_codebuild_names_are_reserved(tmp_path: Path) -> None:
    build = run_build(
        tmp_path,
        """
version: 0.2
env:
  variables:
    LITERAL: $HOME/x
    LAYER: buildspec
    FROM_BUILDSPEC: b
phases:
  build:
    commands:
      - echo "$LITERAL $LAYER $FROM_BUILDSPEC $FROM_PROJECT $CODEBUILD_BUILD_NUMBER"
      - echo "[$RUNNER_ONLY_VARIABLE]"
""",
        project=(EnvironmentVariable("LAYER", "project"), EnvironmentVariable("FROM_PROJECT", "p")),
        override=(
            EnvironmentVariable("LAYER", "override"),
            EnvironmentVariable("CODEBUILD_BUILD_NUMBER", "99"),
        ),
    )
    assert build.output == ["$HOME/x override b p 7", "[]"]
    assert sum("Ignoring variable CODEBUILD_BUILD_NUMBER" in line for line in build.log) == 1


def test_secrets_are_masked_in_every_line_as_printed_and_not_when_transformed(tmp_path: Path) -> None:
    encoded = base64.b64encode(SECRET.encode()).decode()
    build = run_build(
        tmp_path,
        f"""
version: 0.2
env:
  parameter-store:
    DB_PASSWORD: /db/password
  secrets-manager:
    KEY: deploy-key
phases:
  build:
    commands:
      - echo "$DB_PASSWORD"
      - echo "pw=$DB_PASSWORD;"
      - printf '%s%s\\n' "$DB_PASSWORD" "$DB_PASSWORD"
      - echo "$KEY"
      - printf 'x %s y\\n' "$KEY"
      - printf %s "$DB_PASSWORD"
      - echo "$DB_PASSWORD" >&2
      - echo "literal {SECRET} in the command"
      - printf %s "$DB_PASSWORD" | base64
      - echo AKIAIOSFODNN7EXAMPLE
""",
        hooks=BuildHooks(resolve_secret=_resolve),
    )
    assert build.output == [
        "***",
        "pw=***;",
        "******",
        "***",
        "***",
        "x ***",
        "*** y",
        "***",
        "***",
        "literal *** in the command",
        encoded,
        "***",
    ]
    assert all(SECRET not in line and "line-abc" not in line for line in build.log)
    assert 'Running command echo "literal *** in the command"' in " ".join(build.log)


def test_an_unresolvable_secret_fails_download_source(tmp_path: Path) -> None:
    build = run_build(
        tmp_path,
        "version: 0.2\nenv:\n  parameter-store:\n    X: /missing\nphases:\n  build:\n    commands: [echo no]\n",
        hooks=BuildHooks(resolve_secret=_resolve),
    )
    assert build.output == []
    assert build.statuses == {
        "PROVISIONING": "SUCCEEDED",
        "DOWNLOAD_SOURCE": "FAILED",
        "FINALIZING": "SUCCEEDED",
    }
    assert build.record("DOWNLOAD_SOURCE").contexts[0].status_code == "Decrypted Variables Error"
    assert build.ended.status == "FAILED"


def test_exported_variables_are_read_after_post_build(tmp_path: Path) -> None:
    build = run_build(
        tmp_path,
        """
version: 0.2
env:
  variables:
    FROM_ENV: env-value
  exported-variables:
    - VERSION
    - SHELL_ONLY
    - FROM_ENV
    - NEVER_SET
    - PROJECT_SECRET
phases:
  build:
    commands:
      - export VERSION=1.2.3
  post_build:
    commands:
      - VERSION="$VERSION-final"; SHELL_ONLY='two words'
""",
        project=(EnvironmentVariable("PROJECT_SECRET", "/db/password", VariableType.PARAMETER_STORE),),
        hooks=BuildHooks(resolve_secret=_resolve),
    )
    assert build.ended.exported_variables == {
        "VERSION": "1.2.3-final",
        "SHELL_ONLY": "two words",
        "FROM_ENV": "env-value",
    }


def test_hooks_see_the_build_and_a_yaml_error_fails_download_source(tmp_path: Path) -> None:
    seen: list[str] = []

    async def load(workspace: Workspace) -> Buildspec:
        return parse("version: 0.2\nphases:\n  build:\n    commands: [echo built > out.txt]\n")

    async def upload(step: ArtifactStep) -> None:
        seen.append(
            f"upload {(step.workspace.src_dir / 'out.txt').read_text().strip()} {step.build_succeeding}"
        )

    async def finalize(step: FinalStep) -> None:
        seen.append(f"finalize {step.build_status}")

    request_hooks = BuildHooks(load_buildspec=load, upload_artifacts=upload, finalize=finalize)
    build = run_build(tmp_path, None, hooks=request_hooks)
    assert build.ended.status == "SUCCEEDED"

    async def broken(workspace: Workspace) -> Buildspec:
        return parse("version: 0.2\nphases:\n  build:\n    commands: [[nested]]\n  bogus: 1\n")

    failed = run_build(tmp_path, None, hooks=BuildHooks(load_buildspec=broken, finalize=finalize))
    assert failed.record("DOWNLOAD_SOURCE").contexts[0].status_code == "YAML_FILE_ERROR"
    assert seen == ["upload built True", "finalize SUCCEEDED", "finalize FAILED"]
