"""Request members the model cannot check: values, tags, features Codeyard does not offer."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from codeyard.services.secretsmanager.errors import InvalidParameter, InvalidRequest, ResourceNotFound
from codeyard.services.secretsmanager.stages import AWSCURRENT
from codeyard.services.secretsmanager.vault import SecretValue
from codeyard.store.ports.secrets import SecretVersionRecord

MAX_TAGS = 50


def secret_value(string: str | None, binary: bytes | None) -> SecretValue | None:
    """The value of a request, None when it has none; never both a string and a binary."""
    if string is not None and binary is not None:
        raise InvalidParameter(
            "You can't specify both a binary secret value and a string secret value in the same secret."
        )
    if string is None and binary is None:
        return None
    return SecretValue(string, binary)


def merged_tags(old: Sequence[Mapping[str, str]], new: Sequence[Mapping[str, Any]]) -> list[dict[str, str]]:
    """Tags after adding `new` to `old`: a key given again takes the new value."""
    tags = {str(t["Key"]): str(t["Value"]) for t in old}
    for tag in new:
        if "Key" not in tag:
            raise InvalidParameter("Every tag needs a Key.")
        tags[str(tag["Key"])] = str(tag.get("Value", ""))
    if len(tags) > MAX_TAGS:
        raise InvalidParameter(f"A secret can have at most {MAX_TAGS} tags.")
    return [{"Key": key, "Value": value} for key, value in tags.items()]


def refuse_unsupported(
    *, replica_regions: object = None, cross_account_primary_arn: object = None, secret_type: object = None
) -> None:
    """Replication, cross-account replicas and external secret types are not implemented."""
    if replica_regions:
        raise InvalidRequest("Codeyard does not replicate secrets to other Regions.")
    if cross_account_primary_arn:
        raise InvalidRequest("Codeyard does not replicate secrets to other accounts.")
    if secret_type:
        raise InvalidParameter(f"Codeyard does not support secrets of Type {secret_type}.")


def pick_version(
    versions: Sequence[SecretVersionRecord], version_id: str | None, version_stage: str | None
) -> SecretVersionRecord:
    """The version a GetSecretValue asks for: by id, by label, or AWSCURRENT."""
    if version_id is not None:
        version = next((v for v in versions if v.version_id == version_id), None)
        if version is None:
            raise ResourceNotFound(
                f"Secrets Manager can't find the specified secret value for VersionId: {version_id}"
            )
        if version_stage is not None and version_stage not in version.stages:
            raise InvalidRequest(
                "You provided a VersionStage that is not associated to the provided VersionId."
            )
        return version
    stage = version_stage or AWSCURRENT
    for version in versions:
        if stage in version.stages:
            return version
    raise ResourceNotFound(
        f"Secrets Manager can't find the specified secret value for staging label: {stage}"
    )


def sort_key(sort_by: str | None) -> Any:
    """ListSecrets ordering; by CreatedDate when SortBy is not given (ties broken by name).

    AWS does not document the default direction: we list oldest first unless SortOrder is desc.
    """
    if sort_by == "name":
        return lambda s: (s.name, s.arn)
    if sort_by == "last-accessed-date":
        return lambda s: (s.last_accessed_at is not None, s.last_accessed_at or s.created_at, s.name)
    if sort_by == "last-changed-date":
        return lambda s: (s.last_changed_at, s.name)
    return lambda s: (s.created_at, s.name)
