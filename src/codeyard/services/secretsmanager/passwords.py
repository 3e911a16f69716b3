"""GetRandomPassword: passwords drawn from the injected randomness, with AWS's options."""

from __future__ import annotations

import string
from dataclasses import dataclass

from codeyard.ids import IdGenerator
from codeyard.services.secretsmanager.errors import InvalidParameter

DEFAULT_LENGTH = 32


@dataclass(frozen=True, slots=True)
class PasswordRules:
    length: int = DEFAULT_LENGTH
    exclude_characters: str = ""
    exclude_numbers: bool = False
    exclude_punctuation: bool = False
    exclude_uppercase: bool = False
    exclude_lowercase: bool = False
    include_space: bool = False
    require_each_included_type: bool = True


class _Draws:
    """Uniform indices from random bytes (rejection sampling, no modulo bias)."""

    def __init__(self, ids: IdGenerator, expected: int) -> None:
        self._ids = ids
        self._chunk = max(64, expected * 2)
        self._buffer = b""
        self._at = 0

    def _byte(self) -> int:
        if self._at >= len(self._buffer):
            self._buffer = self._ids.token_bytes(self._chunk)
            self._at = 0
        value = self._buffer[self._at]
        self._at += 1
        return value

    def below(self, bound: int) -> int:
        width = 1 if bound <= 256 else 2
        space = 256**width
        limit = space - space % bound
        while True:
            value = 0
            for _ in range(width):
                value = value * 256 + self._byte()
            if value < limit:
                return value % bound


def _classes(rules: PasswordRules) -> tuple[list[str], str]:
    """The character classes each password must draw from (when required), and the whole pool."""
    wanted = [
        (string.ascii_lowercase, not rules.exclude_lowercase),
        (string.ascii_uppercase, not rules.exclude_uppercase),
        (string.digits, not rules.exclude_numbers),
        (string.punctuation, not rules.exclude_punctuation),
    ]
    excluded = set(rules.exclude_characters)
    classes = ["".join(c for c in chars if c not in excluded) for chars, included in wanted if included]
    classes = [chars for chars in classes if chars]
    pool = "".join(classes)
    if rules.include_space and " " not in excluded:
        pool += " "
    return classes, pool


def random_password(ids: IdGenerator, rules: PasswordRules) -> str:
    classes, pool = _classes(rules)
    if not pool:
        raise InvalidParameter("The password can't be generated because every character type is excluded.")
    required = classes if rules.require_each_included_type else []
    if rules.length < len(required):
        raise InvalidParameter("Password length is too short based on the required types.")
    draws = _Draws(ids, rules.length + len(required))
    password = [pool[draws.below(len(pool))] for _ in range(rules.length)]
    positions = list(range(rules.length))
    for taken, chars in enumerate(required):
        # A partial Fisher-Yates shuffle picks distinct positions for the required characters.
        pick = taken + draws.below(len(positions) - taken)
        positions[taken], positions[pick] = positions[pick], positions[taken]
        password[positions[taken]] = chars[draws.below(len(chars))]
    return "".join(password)
