"""Every real buildspec of the shared corpus through the linter: clean, or its real problem named."""

from __future__ import annotations

from pathlib import Path

import pytest

from codeyard.runner.buildspec.lint import has_errors, lint_file
from codeyard.runner.buildspec.parser import parse_file
from codeyard.runner.buildspec.problems import BuildspecError

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus" / "buildspec"
FILES = sorted(CORPUS.glob("*.y*ml")) if CORPUS.is_dir() else []

# The files with a problem, and each problem as (line, severity, a piece of its message).
# Only one file is really invalid: 50githubrelease spells the install phase's `commands` key
# `Commands`, so its install commands are not commands at all (CodeBuild keys are case-sensitive).
# The others are usable with a warning: a bare `-` command item (release-javadoc), `commands:`
# with no value (the two ecs-agent pr-builds), a phase with only `finally` (sagemaker), a single
# glob where a list belongs (fargate-node-app) and a glob ending in a stray `"` (mono-repo alpha).
EXPECTED: dict[str, list[tuple[int, str, str]]] = {
    "aws__aws-toolkit-vscode__buildspec__release__50githubrelease.yml": [
        (8, "error", "unknown key `Commands` in phase `install`"),
    ],
    "aws__aws-sdk-java-v2__buildspecs__release-javadoc.yml": [(16, "warning", "empty command")],
    "aws__amazon-ecs-agent__buildspecs__pr-build-windows.yml": [
        (40, "warning", "`commands` of phase `post_build` is empty"),
    ],
    "aws__amazon-ecs-agent__buildspecs__pr-build.yml": [
        (82, "warning", "`commands` of phase `post_build` is empty")
    ],
    "aws__sagemaker-python-sdk__buildspec.yml": [(42, "warning", "phase `post_build` has no `commands`")],
    "awslabs__aws-deployment-framework__samples__sample-fargate-node-app__buildspec.yml": [
        (18, "warning", "`files` of `artifacts` is a single value"),
    ],
    "awslabs__aws-deployment-framework__samples__sample-mono-repo__apps__alpha__buildspec.yml": [
        (27, "warning", "a stray quote"),
    ],
}

pytestmark = pytest.mark.skipif(not FILES, reason=f"the shared buildspec corpus is not at {CORPUS}")


@pytest.mark.parametrize("path", FILES, ids=[path.name for path in FILES])
def test_corpus_buildspec(path: Path) -> None:
    problems = lint_file(path, path.name)
    found = [(p.line, str(p.severity), p.message) for p in problems]
    expected = EXPECTED.get(path.name, [])
    assert len(found) == len(expected), f"{path.name}: {[str(p) for p in problems]}"
    for (line, severity, message), (want_line, want_severity, piece) in zip(found, expected, strict=True):
        assert (line, severity) == (want_line, want_severity)
        assert piece in message
    if has_errors(problems):
        with pytest.raises(BuildspecError):
            parse_file(path)
    else:
        spec = parse_file(path)
        assert spec.phases or spec.batch is not None


def test_every_expected_file_is_in_the_corpus() -> None:
    assert set(EXPECTED) <= {path.name for path in FILES}
    assert len(FILES) == 61


def test_corpus_features_reach_the_model() -> None:
    by_name = {path.name: parse_file(path) for path in FILES if not has_errors(lint_file(path))}
    secrets = by_name[
        "aws__aws-encryption-sdk-javascript__codebuild__release__publish.yml"
    ].env.secrets_manager
    assert secrets["NPM_TOKEN"].secret_id == "npm/aws-crypto-tools-ci-bot/2FA"
    assert secrets["NPM_TOKEN"].json_key == "NPM_TOKEN"
    secondary = by_name["aws__aws-toolkit-jetbrains__buildspec__linuxTests.yml"].artifacts
    assert secondary is not None
    assert secondary.secondary["plugin"].discard_paths is True
    graph = by_name["aws__aws-encryption-sdk-java__codebuild__ci__ci.yml"].batch
    assert graph is not None
    assert any(task.depend_on for task in graph.build_graph)
    # A build-graph list at the indentation of its key, between commented-out entries.
    release = by_name["aws__aws-encryption-sdk-java__codebuild__release__release.yml"].batch
    assert release is not None
    assert release.build_graph
    assert all(task.identifier for task in release.build_graph)
