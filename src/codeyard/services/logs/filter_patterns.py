"""CloudWatch Logs filter patterns for unstructured events: terms, quoted phrases, `?` alternatives,
`-` exclusions and `%regex%`.

    ERROR                 events containing ERROR (case-sensitive)
    ERROR Exception       events containing both
    "Build failed"        events containing the phrase
    ?ERROR ?WARN          events containing either
    ERROR -Retrying       events containing ERROR and not Retrying
    %ERROR [0-9]+%        events where the regular expression matches somewhere

JSON patterns (`{ $.field = ... }`) and space-delimited patterns (`[a, b]`) are refused with
InvalidParameterException.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from codeyard.services.logs.errors import InvalidParameterException

Matcher = Callable[[str], bool]


@dataclass(frozen=True)
class FilterPattern:
    """A parsed pattern: every `required` term, at least one `optional` term when any, no `excluded`."""

    required: tuple[str, ...] = ()
    optional: tuple[str, ...] = ()
    excluded: tuple[str, ...] = ()
    regex: re.Pattern[str] | None = None

    def matches(self, message: str) -> bool:
        if self.regex is not None:
            return self.regex.search(message) is not None
        if any(term not in message for term in self.required):
            return False
        if self.optional and not any(term in message for term in self.optional):
            return False
        return not any(term in message for term in self.excluded)


def parse(pattern: str | None) -> FilterPattern:
    """The pattern; an empty one matches every event."""
    text = (pattern or "").strip()
    if not text:
        return FilterPattern()
    if text.startswith("{") or text.startswith("["):
        raise InvalidParameterException(
            "Invalid filter pattern: JSON and space-delimited filter patterns are not supported by this "
            "server; use terms, quoted phrases, ?alternatives, -exclusions or %regex%."
        )
    if len(text) >= 2 and text.startswith("%") and text.endswith("%"):
        try:
            return FilterPattern(regex=re.compile(text[1:-1]))
        except re.error as error:
            raise InvalidParameterException(
                f"Invalid regular expression in filter pattern: {error}"
            ) from None
    required: list[str] = []
    optional: list[str] = []
    excluded: list[str] = []
    for prefix, term in _terms(text):
        {"?": optional, "-": excluded}.get(prefix, required).append(term)
    return FilterPattern(tuple(required), tuple(optional), tuple(excluded))


def _terms(text: str) -> list[tuple[str, str]]:
    """(prefix, term) pairs: the prefix is "?", "-" or ""; quoted terms may hold spaces and \\"."""
    found: list[tuple[str, str]] = []
    i = 0
    while i < len(text):
        if text[i].isspace():
            i += 1
            continue
        prefix = ""
        if text[i] in "?-" and i + 1 < len(text) and not text[i + 1].isspace():
            prefix, i = text[i], i + 1
        if text[i] == '"':
            term, i = _quoted(text, i + 1)
        else:
            end = i
            while end < len(text) and not text[end].isspace():
                end += 1
            term, i = text[i:end], end
            if '"' in term:
                raise InvalidParameterException(f"Invalid filter pattern: unbalanced quote in {term}")
        if term:
            found.append((prefix, term))
    return found


def _quoted(text: str, i: int) -> tuple[str, int]:
    """The phrase starting after an opening quote at i - 1, and the index after its closing quote."""
    chars: list[str] = []
    while i < len(text):
        char = text[i]
        if char == "\\" and i + 1 < len(text):
            chars.append(text[i + 1])
            i += 2
            continue
        if char == '"':
            return "".join(chars), i + 1
        chars.append(char)
        i += 1
    raise InvalidParameterException("Invalid filter pattern: a quoted phrase has no closing quote.")
