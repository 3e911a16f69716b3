"""SSH public keys: encodings, fingerprints and refusals."""

from __future__ import annotations

import base64
import hashlib
import subprocess
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa

from codeyard.errors import CodeyardError
from codeyard.services.iam.errors import InvalidPublicKey, UnrecognizedPublicKeyEncoding
from codeyard.services.iam.ssh import md5_fingerprint, read_public_key

OPENSSH = (serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH)
PEM = (serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)


def _keys() -> dict[str, object]:
    return {
        "rsa": rsa.generate_private_key(public_exponent=65537, key_size=2048).public_key(),
        "ecdsa": ec.generate_private_key(ec.SECP384R1()).public_key(),
        "ed25519": ed25519.Ed25519PrivateKey.generate().public_key(),
    }


@pytest.mark.parametrize("kind", ["rsa", "ecdsa", "ed25519"])
def test_openssh_and_pem_read_the_same(kind: str) -> None:
    key = _keys()[kind]
    line = key.public_bytes(*OPENSSH).decode()  # type: ignore[attr-defined]
    pem = key.public_bytes(*PEM).decode()  # type: ignore[attr-defined]
    from_line = read_public_key(line + " someone@host")
    from_pem = read_public_key(pem)
    assert from_line == from_pem
    assert from_line.openssh == line
    assert from_line.pem == pem
    digest = hashlib.md5(base64.b64decode(line.split()[1]), usedforsecurity=False).hexdigest()
    assert from_line.fingerprint.replace(":", "") == digest
    assert len(from_line.fingerprint) == 47


def test_fingerprint_is_what_ssh_keygen_shows(tmp_path: Path) -> None:
    line = _keys()["rsa"].public_bytes(*OPENSSH).decode()  # type: ignore[attr-defined]
    path = tmp_path / "key.pub"
    path.write_text(line + "\n")
    try:
        shown = subprocess.run(
            ["ssh-keygen", "-l", "-E", "md5", "-f", str(path)], capture_output=True, text=True, check=True
        ).stdout
    except FileNotFoundError:
        pytest.skip("ssh-keygen is not installed")
    assert f"MD5:{md5_fingerprint(line)}" in shown


@pytest.mark.parametrize(
    ("body", "error"),
    [
        ("ssh-rsa AAAA", InvalidPublicKey),
        ("ssh-ed25519 !!!!", InvalidPublicKey),
        ("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----", InvalidPublicKey),
        ("ssh-dss AAAAB3NzaC1kc3MAAACBAP", UnrecognizedPublicKeyEncoding),
        ("", UnrecognizedPublicKeyEncoding),
        ("-----BEGIN CERTIFICATE-----", InvalidPublicKey),
    ],
)
def test_bad_keys(body: str, error: type[CodeyardError]) -> None:
    with pytest.raises(error):
        read_public_key(body)


def test_short_rsa_keys_are_refused() -> None:
    short = rsa.generate_private_key(public_exponent=65537, key_size=1024).public_key()
    with pytest.raises(InvalidPublicKey) as caught:
        read_public_key(short.public_bytes(*OPENSSH).decode())
    assert "2048" in caught.value.message
