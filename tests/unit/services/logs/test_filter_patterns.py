"""The filter pattern parser: terms, phrases, alternatives, exclusions, regular expressions, refusals."""

from __future__ import annotations

import pytest

from codeyard.services.logs.errors import InvalidParameterException
from codeyard.services.logs.filter_patterns import parse


@pytest.mark.parametrize(
    ("pattern", "message", "matches"),
    [
        ("", "anything", True),
        ("ERROR", "an ERROR here", True),
        ("ERROR", "an error here", False),
        ("ERROR Exception", "ERROR then Exception", True),
        ("ERROR Exception", "ERROR alone", False),
        ('"Build failed"', "Build failed: 2", True),
        ('"Build failed"', "Build has failed", False),
        ('"say \\"hi\\""', 'they say "hi" twice', True),
        ("?WARN ?ERROR", "WARN only", True),
        ("?WARN ?ERROR", "INFO only", False),
        ("ERROR ?disk ?memory", "ERROR memory low", True),
        ("ERROR ?disk ?memory", "ERROR cpu", False),
        ("ERROR -retrying", "ERROR retrying", False),
        ("ERROR -retrying", "ERROR final", True),
        ("%[0-9]{3}%", "status 404", True),
        ("%^start%", "no start", False),
        ("- dash", "a - dash", True),
        ("a:b=c", "key a:b=c", True),
    ],
)
def test_matches(pattern: str, message: str, matches: bool) -> None:
    assert parse(pattern).matches(message) is matches


@pytest.mark.parametrize("pattern", ['{ $.level = "ERROR" }', "[ip, user]", '"open', "%(%", 'a"b'])
def test_refused(pattern: str) -> None:
    with pytest.raises(InvalidParameterException):
        parse(pattern)
