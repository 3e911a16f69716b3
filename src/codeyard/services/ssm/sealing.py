"""SecureString values: sealed at rest, opened on WithDecryption, otherwise shown as ciphertext."""

from __future__ import annotations

import base64

from codeyard.crypto import SecretBox
from codeyard.services.ssm.errors import InvalidKeyId
from codeyard.store.ports.ssm import ParameterVersionRecord

SECURE = "SecureString"
DEFAULT_KEY = "alias/aws/ssm"


def context(region: str, name: str, version: int) -> str:
    """What a sealed value is bound to: a copy pasted into another parameter or version won't open."""
    return f"ssm-parameter:{region}:{name}:{version}"


def key_for(parameter_type: str, requested: str | None, current: str | None) -> str | None:
    """The KMS key id a parameter records: SecureString only, `alias/aws/ssm` unless one is named.

    Codeyard seals every value with its own master key; the key id is kept and reported as given.
    """
    if parameter_type != SECURE:
        if requested is not None:
            raise InvalidKeyId("KeyId is only supported for parameters of type SecureString.")
        return None
    key = requested or current or DEFAULT_KEY
    if key.startswith("alias/aws/") and key != DEFAULT_KEY:
        raise InvalidKeyId(f"Invalid KeyId: {key} is an AWS managed key of another service.")
    return key


def seal(box: SecretBox, region: str, name: str, version: int, value: str) -> bytes:
    return box.seal_text(value, context(region, name, version))


def reveal(box: SecretBox, record: ParameterVersionRecord, decrypt: bool) -> str:
    """The value a caller sees.

    Without decryption AWS answers a SecureString with its KMS ciphertext in base64. Codeyard has
    no KMS: it answers the base64 of its own sealed value (version byte, nonce, AES-GCM ciphertext),
    which is just as opaque to the caller and changes with every PutParameter.
    """
    if record.type != SECURE:
        return record.value or ""
    sealed = record.sealed_value or b""
    if decrypt:
        return box.open_text(sealed, context(record.region, record.name, record.version))
    return base64.b64encode(sealed).decode()
