"""Commit specifiers: names and ids pass, revision expressions do not."""

from __future__ import annotations

import pytest

from codeyard.services.codecommit.errors import CommitRequiredException, InvalidCommitException
from codeyard.services.codecommit.specifiers import check_specifier


@pytest.mark.parametrize("good", ["main", "HEAD", "refs/heads/main", "refs/tags/v1.0", "feature/x", "a" * 40])
def test_specifiers(good: str) -> None:
    assert check_specifier(good) == good


@pytest.mark.parametrize(
    "bad", ["main~1", "HEAD^", "a..b", "main:README.md", "main@{1}", ":/fix", "-x", "a b"]
)
def test_revision_expressions_are_not_specifiers(bad: str) -> None:
    with pytest.raises(InvalidCommitException):
        check_specifier(bad)


def test_missing() -> None:
    assert check_specifier(None) is None
    assert check_specifier("") is None
    with pytest.raises(CommitRequiredException):
        check_specifier("", required=True)
    with pytest.raises(CommitRequiredException):
        check_specifier(None, required=True)
