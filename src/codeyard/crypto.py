"""Encryption at rest: one master key outside the database, AES-256-GCM per value."""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from pathlib import Path

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

_VERSION = b"\x01"
_NONCE = 12


class SecretBox:
    """Seals values so that a database dump alone reveals nothing.

    Each value is bound to a `context` (its table and key) as associated data, so a sealed value
    copied into another row does not open.
    """

    def __init__(self, key: bytes) -> None:
        if len(key) != 32:
            raise ValueError("the master key must be 32 bytes")
        self._aead = AESGCM(key)
        self._mac_key = hashlib.sha256(b"codeyard-digest" + key).digest()

    def seal(self, plaintext: bytes, context: str) -> bytes:
        nonce = os.urandom(_NONCE)
        return _VERSION + nonce + self._aead.encrypt(nonce, plaintext, context.encode())

    def open(self, sealed: bytes, context: str) -> bytes:
        if sealed[:1] != _VERSION:
            raise ValueError("unknown sealed-value version")
        nonce, body = sealed[1 : 1 + _NONCE], sealed[1 + _NONCE :]
        return self._aead.decrypt(nonce, body, context.encode())

    def seal_text(self, plaintext: str, context: str) -> bytes:
        return self.seal(plaintext.encode(), context)

    def open_text(self, sealed: bytes, context: str) -> str:
        return self.open(sealed, context).decode()

    def digest(self, value: str) -> str:
        """A keyed digest for high-entropy secrets we only ever compare (git passwords)."""
        return hmac.new(self._mac_key, value.encode(), hashlib.sha256).hexdigest()


def load_master_key(path: Path, from_env: str | None) -> bytes:
    """The key from the environment (base64) when given, else from `path`, made on first use."""
    if from_env:
        key = base64.b64decode(from_env)
        if len(key) != 32:
            raise ValueError("CODEYARD_MASTER_KEY must be 32 bytes, base64-encoded")
        return key
    if path.exists():
        return base64.b64decode(path.read_text().strip())
    key = AESGCM.generate_key(bit_length=256)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(base64.b64encode(key).decode() + "\n")
    return key
