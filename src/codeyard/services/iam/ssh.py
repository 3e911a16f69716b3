"""SSH public keys: OpenSSH and PEM encodings read with `cryptography`, MD5 fingerprints."""

from __future__ import annotations

import base64
import binascii
import hashlib
from dataclasses import dataclass

from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa

from codeyard.services.iam.errors import InvalidPublicKey, UnrecognizedPublicKeyEncoding

OPENSSH_TYPES = (
    "ssh-rsa",
    "ssh-ed25519",
    "ecdsa-sha2-nistp256",
    "ecdsa-sha2-nistp384",
    "ecdsa-sha2-nistp521",
)
MIN_RSA_BITS = 2048

PublicKey = rsa.RSAPublicKey | ec.EllipticCurvePublicKey | ed25519.Ed25519PublicKey


@dataclass(frozen=True)
class SshKey:
    """A checked public key in both encodings IAM answers with."""

    openssh: str
    pem: str
    fingerprint: str


def _load(body: str) -> PublicKey:
    text = body.strip()
    if text.startswith("-----BEGIN"):
        try:
            key = serialization.load_pem_public_key(text.encode())
        except (ValueError, UnsupportedAlgorithm, TypeError, IndexError):
            raise InvalidPublicKey("The public key is not a valid PEM-encoded public key.") from None
    elif text.split(" ", 1)[0] in OPENSSH_TYPES:
        try:
            key = serialization.load_ssh_public_key(text.encode())
        except (ValueError, UnsupportedAlgorithm, binascii.Error, TypeError, IndexError):
            raise InvalidPublicKey("The public key is not a valid SSH public key.") from None
    else:
        raise UnrecognizedPublicKeyEncoding(
            "The public key encoding format is unsupported or unrecognized: use ssh-rsa, ecdsa, "
            "ssh-ed25519 (OpenSSH) or PEM."
        )
    if not isinstance(key, rsa.RSAPublicKey | ec.EllipticCurvePublicKey | ed25519.Ed25519PublicKey):
        raise UnrecognizedPublicKeyEncoding("The public key algorithm is not supported.")
    return key


def key_blob(openssh: str) -> bytes:
    """The key itself, from an OpenSSH line (its comment left out); b"" if the line has none."""
    parts = openssh.split()
    if len(parts) < 2:
        return b""
    try:
        return base64.b64decode(parts[1], validate=True)
    except binascii.Error:
        return b""


def md5_fingerprint(openssh: str) -> str:
    """The MD5 digest of the key blob as colon-separated hex (what `ssh-keygen -E md5 -l` shows)."""
    blob = base64.b64decode(openssh.split()[1])
    return ":".join(f"{byte:02x}" for byte in hashlib.md5(blob, usedforsecurity=False).digest())


def read_public_key(body: str) -> SshKey:
    """Check an uploaded key. RSA keys must have at least 2048 bits, like AWS asks.

    Codeyard also accepts ECDSA and Ed25519 keys (AWS documents only RSA for IAM): the git SSH
    server takes them, and refusing them would only make users make weaker RSA keys.
    """
    key = _load(body)
    if isinstance(key, rsa.RSAPublicKey) and key.key_size < MIN_RSA_BITS:
        raise InvalidPublicKey(f"The public key must be at least {MIN_RSA_BITS} bits long.")
    openssh = key.public_bytes(serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH).decode()
    pem = key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode()
    return SshKey(openssh=openssh, pem=pem, fingerprint=md5_fingerprint(openssh))
