"""The Secrets Manager operations."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import timedelta
from typing import Any

from codeyard.accounts import RequestContext
from codeyard.clock import Clock
from codeyard.crypto import SecretBox
from codeyard.ids import IdGenerator
from codeyard.services.secretsmanager import inputs, policies, stages, views
from codeyard.services.secretsmanager.errors import (
    InvalidParameter,
    InvalidRequest,
    MalformedPolicyDocument,
    MarkedForDeletion,
    PublicPolicy,
    ResourceExists,
)
from codeyard.services.secretsmanager.filters import check_filters, matches
from codeyard.services.secretsmanager.identifiers import check_name, policy_arn, secret_arn
from codeyard.services.secretsmanager.passwords import DEFAULT_LENGTH, PasswordRules, random_password
from codeyard.services.secretsmanager.values import ValueOperations
from codeyard.services.secretsmanager.vault import SecretValue, Session, Vault
from codeyard.store.ports import Store
from codeyard.store.ports.secrets import SecretRecord

DEFAULT_RECOVERY_DAYS = 30
_NO_RESOURCE = frozenset({"ListSecrets", "GetRandomPassword", "BatchGetSecretValue"})


class SecretsManagerApi(ValueOperations):
    service_name = "secretsmanager"

    def __init__(self, store: Store, box: SecretBox, clock: Clock, ids: IdGenerator) -> None:
        self._store = store
        self._box = box
        self._clock = clock
        self._ids = ids
        self._vault = Vault(store, box, clock, ids)

    def resources_for(self, operation: str, params: Mapping[str, Any], ctx: RequestContext) -> Sequence[str]:
        secret_id = params.get("Name") if operation == "CreateSecret" else params.get("SecretId")
        if operation in _NO_RESOURCE or not secret_id:
            return ["*"]
        with self._vault.reading(ctx) as session:
            secret = session.find(str(secret_id))
        if secret is not None:
            return [secret.arn]
        if str(secret_id).startswith("arn:"):
            return [str(secret_id)]
        return [policy_arn(ctx, str(secret_id))]

    # --- secrets -------------------------------------------------------------------------------

    def create_secret(
        self,
        ctx: RequestContext,
        *,
        name: str,
        client_request_token: str | None = None,
        description: str | None = None,
        kms_key_id: str | None = None,
        secret_binary: bytes | None = None,
        secret_string: str | None = None,
        tags: list[dict[str, str]] | None = None,
        add_replica_regions: list[dict[str, str]] | None = None,
        force_overwrite_replica_secret: bool | None = None,
        type: str | None = None,
        cross_account_primary_arn: str | None = None,
    ) -> dict[str, Any]:
        check_name(name)
        value = inputs.secret_value(secret_string, secret_binary)
        inputs.refuse_unsupported(
            replica_regions=add_replica_regions,
            cross_account_primary_arn=cross_account_primary_arn,
            secret_type=type,
        )
        tag_list = inputs.merged_tags([], tags or [])
        with self._vault.writing(ctx) as session:
            existing = session.find(name)
            if existing is not None:
                return self._created_before(session, existing, client_request_token, value)
            now = self._clock.now()
            secret = SecretRecord(
                arn=secret_arn(ctx, name, self._vault.new_suffix()),
                region=ctx.region,
                name=name,
                created_at=now,
                last_changed_at=now,
                description=description or "",
                kms_key_id=kms_key_id or None,
                tags=tag_list,
            )
            session.add_secret(secret)
            version_id = None
            if value is not None:
                version_id = client_request_token or self._vault.new_version_id()
                session.add_version(secret, version_id, value, [stages.AWSCURRENT])
            session.commit()
        return {"ARN": secret.arn, "Name": secret.name, "VersionId": version_id}

    @staticmethod
    def _created_before(
        session: Session, secret: SecretRecord, token: str | None, value: SecretValue | None
    ) -> dict[str, Any]:
        """CreateSecret of a name that exists: an idempotent retry, or an error."""
        if secret.deleted_at is not None:
            raise InvalidRequest(
                "You can't create this secret because a secret with this name is already scheduled for deletion."
            )
        if token is not None and value is not None:
            version = session.version(secret, token)
            if version is not None:
                if session.open(version) == value:
                    return {"ARN": secret.arn, "Name": secret.name, "VersionId": token}
                raise ResourceExists(
                    f"You can't use ClientRequestToken {token} because that value is already in use "
                    f"for a version of secret {secret.arn}."
                )
        raise ResourceExists(f"The operation failed because the secret {secret.name} already exists.")

    def update_secret(
        self,
        ctx: RequestContext,
        *,
        secret_id: str,
        client_request_token: str | None = None,
        description: str | None = None,
        kms_key_id: str | None = None,
        secret_binary: bytes | None = None,
        secret_string: str | None = None,
        type: str | None = None,
    ) -> dict[str, Any]:
        value = inputs.secret_value(secret_string, secret_binary)
        inputs.refuse_unsupported(secret_type=type)
        changes: dict[str, Any] = {}
        if description is not None:
            changes["description"] = description
        if kms_key_id is not None:
            changes["kms_key_id"] = kms_key_id or None
        with self._vault.writing(ctx) as session:
            secret = session.live(secret_id)
            version_id = None
            created = False
            if value is not None:
                version_id = client_request_token or self._vault.new_version_id()
                _, created = session.add_version(secret, version_id, value, [stages.AWSCURRENT])
            if changes or created:
                session.save(secret, **changes)
            session.commit()
        return {"ARN": secret.arn, "Name": secret.name, "VersionId": version_id}

    def describe_secret(self, ctx: RequestContext, *, secret_id: str) -> dict[str, Any]:
        with self._vault.reading(ctx) as session:
            secret = session.secret(secret_id)
            versions = session.versions(secret)
        return views.description(secret, versions)

    def list_secrets(
        self,
        ctx: RequestContext,
        *,
        include_planned_deletion: bool | None = None,
        max_results: int | None = None,
        next_token: str | None = None,
        filters: list[dict[str, Any]] | None = None,
        sort_order: str | None = None,
        sort_by: str | None = None,
    ) -> dict[str, Any]:
        check_filters(filters or [])
        with self._vault.reading(ctx) as session:
            secrets, versions = session.all_secrets()
        chosen = [
            s
            for s in secrets
            if (include_planned_deletion or s.deleted_at is None) and matches(s, filters or [])
        ]
        chosen.sort(key=inputs.sort_key(sort_by), reverse=sort_order == "desc")
        shown, token = views.page(chosen, max_results, next_token, 100)
        return {
            "SecretList": [views.list_entry(s, versions.get(s.arn, [])) for s in shown],
            "NextToken": token,
        }

    def delete_secret(
        self,
        ctx: RequestContext,
        *,
        secret_id: str,
        recovery_window_in_days: int | None = None,
        force_delete_without_recovery: bool | None = None,
    ) -> dict[str, Any]:
        if force_delete_without_recovery and recovery_window_in_days is not None:
            raise InvalidParameter(
                "You can't use ForceDeleteWithoutRecovery in conjunction with RecoveryWindowInDays."
            )
        if recovery_window_in_days is not None and not 7 <= recovery_window_in_days <= 30:
            raise InvalidParameter(
                "The RecoveryWindowInDays value must be between 7 and 30 days (inclusive)."
            )
        with self._vault.writing(ctx) as session:
            # A missing secret answers ResourceNotFoundException even with ForceDeleteWithoutRecovery.
            secret = session.secret(secret_id)
            now = self._clock.now()
            if force_delete_without_recovery:
                session.uow.secrets.remove(arn=secret.arn)
                deletion = now
            else:
                if secret.deleted_at is not None:
                    raise MarkedForDeletion()
                deletion = now + timedelta(days=recovery_window_in_days or DEFAULT_RECOVERY_DAYS)
                session.save(secret, deleted_at=now, purge_at=deletion)
            session.commit()
        return {"ARN": secret.arn, "Name": secret.name, "DeletionDate": deletion}

    def restore_secret(self, ctx: RequestContext, *, secret_id: str) -> dict[str, Any]:
        with self._vault.writing(ctx) as session:
            secret = session.secret(secret_id)
            # Restoring a secret that is not scheduled for deletion changes nothing and succeeds.
            if secret.deleted_at is not None:
                session.save(secret, deleted_at=None, purge_at=None)
                session.commit()
        return {"ARN": secret.arn, "Name": secret.name}

    def tag_resource(
        self, ctx: RequestContext, *, secret_id: str, tags: list[dict[str, str]]
    ) -> dict[str, Any]:
        with self._vault.writing(ctx) as session:
            secret = session.live(secret_id)
            session.save(secret, tags=inputs.merged_tags(secret.tags, tags))
            session.commit()
        return {}

    def untag_resource(self, ctx: RequestContext, *, secret_id: str, tag_keys: list[str]) -> dict[str, Any]:
        with self._vault.writing(ctx) as session:
            secret = session.live(secret_id)
            dropped = set(tag_keys)
            session.save(secret, tags=[t for t in secret.tags if t["Key"] not in dropped])
            session.commit()
        return {}

    # --- resource policies ---------------------------------------------------------------------

    def put_resource_policy(
        self,
        ctx: RequestContext,
        *,
        secret_id: str,
        resource_policy: str,
        policy_name: str | None = None,
        block_public_policy: bool | None = None,
    ) -> dict[str, Any]:
        policy = policies.parse(resource_policy)
        problems = policies.syntax_problems(policy)
        if problems:
            raise MalformedPolicyDocument(problems[0])
        if block_public_policy and policies.is_public(policy):
            raise PublicPolicy(
                "The BlockPublicPolicy parameter is set to true, and the resource policy did not prevent "
                "broad access to the secret."
            )
        # One policy per secret: a PolicyName is echoed back but does not keep several policies apart.
        with self._vault.writing(ctx) as session:
            secret = session.live(secret_id)
            session.save(secret, resource_policy=resource_policy)
            session.commit()
        return {"ARN": secret.arn, "Name": secret.name, "PolicyName": policy_name}

    def get_resource_policy(
        self, ctx: RequestContext, *, secret_id: str, policy_name: str | None = None
    ) -> dict[str, Any]:
        with self._vault.reading(ctx) as session:
            secret = session.live(secret_id)
        return {
            "ARN": secret.arn,
            "Name": secret.name,
            "ResourcePolicy": secret.resource_policy,
            "PolicyName": policy_name if secret.resource_policy else None,
        }

    def delete_resource_policy(
        self, ctx: RequestContext, *, secret_id: str, policy_name: str | None = None
    ) -> dict[str, Any]:
        with self._vault.writing(ctx) as session:
            secret = session.live(secret_id)
            if secret.resource_policy is not None:
                session.save(secret, resource_policy=None)
                session.commit()
        return {"ARN": secret.arn, "Name": secret.name, "PolicyName": policy_name}

    def validate_resource_policy(
        self, ctx: RequestContext, *, resource_policy: str, secret_id: str | None = None
    ) -> dict[str, Any]:
        if secret_id is not None:
            with self._vault.reading(ctx) as session:
                session.secret(secret_id)
        found = policies.findings(policies.parse(resource_policy))
        return {"PolicyValidationPassed": not found, "ValidationErrors": found}

    # --- passwords -----------------------------------------------------------------------------

    def get_random_password(
        self,
        ctx: RequestContext,
        *,
        password_length: int | None = None,
        exclude_characters: str | None = None,
        exclude_numbers: bool | None = None,
        exclude_punctuation: bool | None = None,
        exclude_uppercase: bool | None = None,
        exclude_lowercase: bool | None = None,
        include_space: bool | None = None,
        require_each_included_type: bool | None = None,
    ) -> dict[str, Any]:
        rules = PasswordRules(
            length=DEFAULT_LENGTH if password_length is None else password_length,
            exclude_characters=exclude_characters or "",
            exclude_numbers=bool(exclude_numbers),
            exclude_punctuation=bool(exclude_punctuation),
            exclude_uppercase=bool(exclude_uppercase),
            exclude_lowercase=bool(exclude_lowercase),
            include_space=bool(include_space),
            require_each_included_type=require_each_included_type is not False,
        )
        return {"RandomPassword": random_password(self._ids, rules)}
