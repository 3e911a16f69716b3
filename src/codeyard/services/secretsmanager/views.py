"""Records as AWS shapes: DescribeSecret, SecretListEntry, secret values and version entries."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Sequence
from typing import Any, TypeVar

from codeyard.services.secretsmanager.errors import InvalidNextToken
from codeyard.services.secretsmanager.vault import SecretValue
from codeyard.store.ports.secrets import SecretRecord, SecretVersionRecord

# What ListSecretVersionIds shows for a secret encrypted with the default key.
DEFAULT_KEY_NAME = "DefaultEncryptionKey"
DEFAULT_KMS_ALIAS = "alias/aws/secretsmanager"

T = TypeVar("T")


def staged(versions: Sequence[SecretVersionRecord]) -> dict[str, list[str]] | None:
    """Version id -> labels, for the versions that carry labels (the others are deprecated)."""
    mapping = {v.version_id: list(v.stages) for v in versions if v.stages}
    return mapping or None


def _kms_key_id(secret: SecretRecord) -> str | None:
    # AWS leaves KmsKeyId out when the secret uses the AWS managed key aws/secretsmanager.
    return None if not secret.kms_key_id or secret.kms_key_id == DEFAULT_KMS_ALIAS else secret.kms_key_id


def _common(secret: SecretRecord) -> dict[str, Any]:
    return {
        "ARN": secret.arn,
        "Name": secret.name,
        "Description": secret.description or None,
        "KmsKeyId": _kms_key_id(secret),
        "LastChangedDate": secret.last_changed_at,
        "LastAccessedDate": secret.last_accessed_at,
        # When DeleteSecret was called (SecretListEntry documents it so); DeletionDate, the end of
        # the recovery window, is only in the DeleteSecret answer.
        "DeletedDate": secret.deleted_at,
        "Tags": [dict(tag) for tag in secret.tags] or None,
        "CreatedDate": secret.created_at,
    }


def description(secret: SecretRecord, versions: Sequence[SecretVersionRecord]) -> dict[str, Any]:
    return {**_common(secret), "VersionIdsToStages": staged(versions)}


def list_entry(secret: SecretRecord, versions: Sequence[SecretVersionRecord]) -> dict[str, Any]:
    return {**_common(secret), "SecretVersionsToStages": staged(versions)}


def secret_value(secret: SecretRecord, version: SecretVersionRecord, value: SecretValue) -> dict[str, Any]:
    return {
        "ARN": secret.arn,
        "Name": secret.name,
        "VersionId": version.version_id,
        "SecretString": value.string,
        "SecretBinary": value.binary,
        "VersionStages": list(version.stages),
        "CreatedDate": version.created_at,
    }


def version_entry(secret: SecretRecord, version: SecretVersionRecord) -> dict[str, Any]:
    return {
        "VersionId": version.version_id,
        "VersionStages": list(version.stages) or None,
        "LastAccessedDate": version.last_accessed_at,
        "CreatedDate": version.created_at,
        "KmsKeyIds": [_kms_key_id(secret) or DEFAULT_KEY_NAME],
    }


def page(
    items: Sequence[T], max_results: int | None, next_token: str | None, default: int
) -> tuple[list[T], str | None]:
    """One page of `items` and the token of the next one (an opaque offset)."""
    start = 0
    if next_token is not None:
        try:
            start = int(json.loads(base64.urlsafe_b64decode(next_token.encode()))["offset"])
        except (binascii.Error, ValueError, KeyError, TypeError, UnicodeDecodeError):
            raise InvalidNextToken("The NextToken value is invalid.") from None
        if start < 0:
            raise InvalidNextToken("The NextToken value is invalid.")
    end = start + (max_results or default)
    token = None
    if end < len(items):
        token = base64.urlsafe_b64encode(json.dumps({"offset": end}).encode()).decode()
    return list(items[start:end]), token
