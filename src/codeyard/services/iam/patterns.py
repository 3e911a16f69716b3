"""The `*` and `?` wildcards of IAM policies, compiled once per pattern."""

from __future__ import annotations

import re
from functools import lru_cache

# What the policy variables ${*} and ${?} become in a pattern: the characters themselves,
# matched literally rather than as wildcards.
LITERAL_STAR = "\x00"
LITERAL_QUESTION = "\x01"
_LITERALS = {LITERAL_STAR: "*", LITERAL_QUESTION: "?"}


@lru_cache(maxsize=4096)
def _compiled(pattern: str, ignore_case: bool) -> re.Pattern[str]:
    parts = []
    for char in pattern:
        if char == "*":
            parts.append(".*")
        elif char == "?":
            parts.append(".")
        else:
            parts.append(re.escape(_LITERALS.get(char, char)))
    return re.compile("".join(parts), re.DOTALL | (re.IGNORECASE if ignore_case else 0))


def wildcard_match(pattern: str, value: str, *, ignore_case: bool = False) -> bool:
    if pattern == "*":
        return True
    if "*" not in pattern and "?" not in pattern:
        if LITERAL_STAR in pattern or LITERAL_QUESTION in pattern:
            pattern = pattern.replace(LITERAL_STAR, "*").replace(LITERAL_QUESTION, "?")
        return pattern.lower() == value.lower() if ignore_case else pattern == value
    return _compiled(pattern, ignore_case).fullmatch(value) is not None
