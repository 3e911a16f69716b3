"""Identifiers and random secrets, injected so tests can make them repeatable."""

from __future__ import annotations

import random
import secrets
import string
import uuid
from typing import Protocol

_UPPER_DIGITS = string.ascii_uppercase + "234567"
_ALNUM = string.ascii_letters + string.digits
_SECRET = string.ascii_letters + string.digits + "+/"


class Randomness(Protocol):
    def choice_string(self, alphabet: str, length: int) -> str: ...

    def token_bytes(self, length: int) -> bytes: ...


class SystemRandomness:
    def choice_string(self, alphabet: str, length: int) -> str:
        return "".join(secrets.choice(alphabet) for _ in range(length))

    def token_bytes(self, length: int) -> bytes:
        return secrets.token_bytes(length)


class SeededRandomness:
    """Deterministic randomness for tests."""

    def __init__(self, seed: int = 0) -> None:
        self._random = random.Random(seed)

    def choice_string(self, alphabet: str, length: int) -> str:
        return "".join(self._random.choice(alphabet) for _ in range(length))

    def token_bytes(self, length: int) -> bytes:
        return self._random.randbytes(length)


class IdGenerator:
    """Makes every kind of id and secret the AWS services hand out."""

    def __init__(self, randomness: Randomness | None = None) -> None:
        self._random = randomness or SystemRandomness()

    def uuid(self) -> str:
        return str(uuid.UUID(bytes=self._random.token_bytes(16), version=4))

    def request_id(self) -> str:
        return self.uuid()

    def aws_id(self, prefix: str) -> str:
        """An IAM-style unique id: `AIDA`, `AROA`, `AKIA`, `ASIA`… followed by 16 or 17 chars."""
        length = 16 if prefix in ("AKIA", "ASIA") else 17
        return prefix + self._random.choice_string(_UPPER_DIGITS, length)

    def secret(self, length: int = 40) -> str:
        return self._random.choice_string(_SECRET, length)

    def alnum(self, length: int) -> str:
        return self._random.choice_string(_ALNUM, length)

    def hex(self, length: int) -> str:
        return self._random.token_bytes((length + 1) // 2).hex()[:length]

    def token_bytes(self, length: int) -> bytes:
        return self._random.token_bytes(length)
