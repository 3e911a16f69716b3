"""The AWS-shaped dictionaries the Parameter Store operations answer, built from records."""

from __future__ import annotations

from typing import Any

from codeyard.accounts import RequestContext
from codeyard.crypto import SecretBox
from codeyard.services.ssm import names, sealing
from codeyard.store.ports.ssm import ParameterRecord, ParameterVersionRecord


def parameter(
    ctx: RequestContext,
    box: SecretBox,
    record: ParameterVersionRecord,
    decrypt: bool,
    selector: str | None = None,
) -> dict[str, Any]:
    """A `Parameter` of GetParameter, GetParameters and GetParametersByPath."""
    return {
        "Name": record.name,
        "Type": record.type,
        "Value": sealing.reveal(box, record, decrypt),
        "Version": record.version,
        "Selector": selector,
        "LastModifiedDate": record.last_modified_at,
        "ARN": names.arn(ctx, record.name),
        "DataType": record.data_type,
    }


def metadata(ctx: RequestContext, record: ParameterRecord) -> dict[str, Any]:
    """A `ParameterMetadata` of DescribeParameters."""
    return {
        "Name": record.name,
        "ARN": names.arn(ctx, record.name),
        "Type": record.type,
        "KeyId": record.key_id,
        "LastModifiedDate": record.last_modified_at,
        "LastModifiedUser": record.last_modified_user,
        "Description": record.description or None,
        "AllowedPattern": record.allowed_pattern or None,
        "Version": record.version,
        "Tier": record.tier,
        "Policies": list(record.policies),
        "DataType": record.data_type,
    }


def history(
    box: SecretBox, record: ParameterVersionRecord, labels: list[str], decrypt: bool
) -> dict[str, Any]:
    """A `ParameterHistory` entry of GetParameterHistory."""
    return {
        "Name": record.name,
        "Type": record.type,
        "KeyId": record.key_id,
        "LastModifiedDate": record.last_modified_at,
        "LastModifiedUser": record.last_modified_user,
        "Description": record.description or None,
        "Value": sealing.reveal(box, record, decrypt),
        "AllowedPattern": record.allowed_pattern or None,
        "Version": record.version,
        "Labels": labels,
        "Tier": record.tier,
        "Policies": list(record.policies),
        "DataType": record.data_type,
    }
