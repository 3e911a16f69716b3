"""Any YAML at all: the parser answers with problems or a model, never with another exception."""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from codeyard.runner.buildspec.model import Buildspec
from codeyard.runner.buildspec.parser import check, parse
from codeyard.runner.buildspec.problems import BuildspecError, Problem, Severity

KEYS = st.sampled_from(
    [
        "version",
        "phases",
        "build",
        "install",
        "commands",
        "finally",
        "on-failure",
        "env",
        "variables",
        "secrets-manager",
        "exported-variables",
        "artifacts",
        "files",
        "secondary-artifacts",
        "cache",
        "paths",
        "reports",
        "batch",
        "build-graph",
        "build-list",
        "build-matrix",
        "identifier",
        "depend-on",
        "dynamic",
        "static",
        "run-as",
        "runtime-versions",
        "proxy",
        "fallback-keys",
        "key",
        "file-format",
        "shell",
        "x",
    ]
)
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False),
    st.text(max_size=12),
    st.sampled_from(["0.2", "0.1", "RETRY-2-x", "a:b::c", "yes", "ABORT"]),
)
VALUES = st.recursive(
    SCALARS, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(KEYS, inner, max_size=5)
)


@settings(max_examples=150, deadline=None)
@given(st.dictionaries(KEYS, VALUES, max_size=6))
def test_any_document_gives_problems_or_a_model(document: dict[str, Any]) -> None:
    text = yaml.safe_dump(document)
    problems = check(text)
    assert all(isinstance(problem, Problem) and problem.line >= 0 for problem in problems)
    _parse_agrees(text, problems)


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=200))
def test_any_text_gives_problems_or_a_model(text: str) -> None:
    _parse_agrees(text, check(text))


def _parse_agrees(text: str, problems: list[Problem]) -> None:
    """parse() raises exactly when check() finds an error, and the error lists those problems."""
    if any(problem.severity is Severity.ERROR for problem in problems):
        with pytest.raises(BuildspecError) as raised:
            parse(text)
        assert list(raised.value.problems) == problems
    else:
        assert isinstance(parse(text), Buildspec)
