"""Policy documents: the checks every stored document passes, and reading them back."""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass, field
from datetime import UTC, datetime

from codeyard.services.iam.aws_managed import AwsManagedPolicy, aws_managed_policy
from codeyard.services.iam.errors import LimitExceeded
from codeyard.services.iam.policy import parse_policy
from codeyard.store.ports import UnitOfWork
from codeyard.store.ports.iam import ManagedPolicyRecord

# Character quotas of IAM, counted without whitespace as AWS counts them.
MANAGED_POLICY_SIZE = 6144
INLINE_POLICY_SIZE = {"user": 2048, "group": 5120, "role": 10240}
TRUST_POLICY_SIZE = 2048

# AWS managed policies have no creation date of ours; this one is shown for all of them.
AWS_MANAGED_DATE = datetime(2015, 2, 6, 18, 39, 46, tzinfo=UTC)


def checked(document: str, limit: int, quota: str, *, resource_policy: bool = False) -> str:
    """The document when it parses and fits the quota; MalformedPolicyDocument or LimitExceeded."""
    parse_policy(document, resource_policy=resource_policy)
    size = sum(1 for char in document if not char.isspace())
    if size > limit:
        raise LimitExceeded(f"Cannot exceed quota for {quota}: {limit}")
    return document


@dataclass(frozen=True)
class PolicyView:
    """A managed policy, customer or AWS managed, as the read operations show it."""

    arn: str
    name: str
    policy_id: str
    path: str
    default_version_id: str
    created_at: datetime
    updated_at: datetime
    description: str = ""
    tags: list[dict[str, str]] = field(default_factory=list)
    aws_managed: bool = False


def _aws_policy_id(policy: AwsManagedPolicy) -> str:
    digest = base64.b32encode(hashlib.sha256(policy.arn.encode()).digest()).decode()
    return "ANPA" + digest[:17]


def aws_view(policy: AwsManagedPolicy) -> PolicyView:
    return PolicyView(
        arn=policy.arn,
        name=policy.name,
        policy_id=_aws_policy_id(policy),
        path=policy.path,
        default_version_id="v1",
        created_at=AWS_MANAGED_DATE,
        updated_at=AWS_MANAGED_DATE,
        description=policy.description,
        aws_managed=True,
    )


def customer_view(record: ManagedPolicyRecord) -> PolicyView:
    return PolicyView(
        arn=record.arn,
        name=record.policy_name,
        policy_id=record.policy_id,
        path=record.path,
        default_version_id=record.default_version_id,
        created_at=record.created_at,
        updated_at=record.updated_at,
        description=record.description,
        tags=list(record.tags),
    )


def policy_view(uow: UnitOfWork, arn: str) -> PolicyView | None:
    builtin = aws_managed_policy(arn)
    if builtin is not None:
        return aws_view(builtin)
    record = uow.managed_policies.get(arn=arn)
    return None if record is None else customer_view(record)


def default_document(uow: UnitOfWork, arn: str) -> str | None:
    """The default version's document of a managed policy, None when there is no such policy."""
    builtin = aws_managed_policy(arn)
    if builtin is not None:
        return builtin.document
    record = uow.managed_policies.get(arn=arn)
    if record is None:
        return None
    version = uow.policy_versions.get(policy_arn=arn, version_id=record.default_version_id)
    return None if version is None else version.document


def owner_documents(uow: UnitOfWork, owner_type: str, owner_name: str) -> list[tuple[str, str, str]]:
    """(source id, source type, document) of every policy of a user, group or role.

    Source types are those of SimulatePrincipalPolicy: user/group/role for inline policies,
    aws-managed and user-managed for attached ones.
    """
    found = [
        (p.policy_name, owner_type, p.document)
        for p in uow.inline_policies.find(owner_type=owner_type, owner_name=owner_name)
    ]
    for attachment in uow.policy_attachments.find(owner_type=owner_type, owner_name=owner_name):
        document = default_document(uow, attachment.policy_arn)
        if document is not None:
            kind = "aws-managed" if aws_managed_policy(attachment.policy_arn) else "user-managed"
            found.append((attachment.policy_arn, kind, document))
    return found
