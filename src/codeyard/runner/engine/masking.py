"""The log masker: secret values and AWS access key ids replaced by `***` in every log line."""

from __future__ import annotations

import re
from collections.abc import Iterable

MASK = "***"

# Secrets shorter than this are not masked: masking "a" or "42" everywhere would wreck the log
# (documented in docs/behaviour.md, "CodeBuild execution").
MIN_SECRET_LENGTH = 4

ACCESS_KEY_ID = r"(?<![A-Z0-9])(?:AKIA|ASIA|AIDA|AROA|ANPA|ABIA|ACCA)[A-Z0-9]{16}(?![A-Z0-9])"


class Masker:
    """Replaces every exact occurrence of a secret (and every access key id) in a line by `***`."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        self._pieces: set[str] = set()
        self._pattern = re.compile(ACCESS_KEY_ID)
        self.add(secrets)

    @property
    def longest(self) -> int:
        """The length of the longest masked piece (0 when there is none)."""
        return max((len(p) for p in self._pieces), default=0)

    def add(self, secrets: Iterable[str]) -> list[str]:
        """Adds secret values; answers those too short to be masked (the caller may warn about them).

        A multi-line value is masked line by line: each of its lines is a piece of its own, so the
        secret is masked however the log splits it into lines."""
        too_short: list[str] = []
        for secret in secrets:
            lines = [line for line in secret.splitlines() if line.strip()]
            for line in lines or [secret]:
                if len(line) >= MIN_SECRET_LENGTH:
                    self._pieces.add(line)
                elif line:
                    too_short.append(line)
        ordered = sorted(self._pieces, key=lambda p: (-len(p), p))
        alternatives = [re.escape(p) for p in ordered] + [ACCESS_KEY_ID]
        self._pattern = re.compile("|".join(alternatives))
        return too_short

    def mask(self, line: str) -> str:
        """The line with every secret piece and access key id replaced by `***`."""
        return self._pattern.sub(MASK, line)

    def safe_cut(self, text: str, position: int) -> int:
        """A position at or before `position` that cuts no secret piece of `text` in two."""
        cut = position
        for match in self._pattern.finditer(
            text, max(0, position - self.longest - 20), position + self.longest + 20
        ):
            if match.start() < cut < match.end():
                cut = match.start()
        return cut if cut > 0 else position
