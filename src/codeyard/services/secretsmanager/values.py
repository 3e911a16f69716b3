"""The Secrets Manager operations on secret values, versions and their staging labels."""

from __future__ import annotations

from typing import Any

from codeyard.accounts import RequestContext
from codeyard.services.secretsmanager import inputs, stages, views
from codeyard.services.secretsmanager.errors import InvalidParameter, InvalidRequest, ResourceNotFound
from codeyard.services.secretsmanager.filters import check_filters, matches
from codeyard.services.secretsmanager.vault import Vault
from codeyard.store.ports.secrets import SecretRecord, SecretVersionRecord

BATCH_PAGE = 20


class ValueOperations:
    """Mixed into SecretsManagerApi: GetSecretValue, PutSecretValue, versions and labels."""

    _vault: Vault

    def get_secret_value(
        self,
        ctx: RequestContext,
        *,
        secret_id: str,
        version_id: str | None = None,
        version_stage: str | None = None,
    ) -> dict[str, Any]:
        with self._vault.reading(ctx) as session:
            secret = session.live(secret_id)
            if version_id is None:
                candidates = session.versions(secret)
            else:
                # A version id may name a deprecated version, which still answers.
                by_id = session.version(secret, version_id)
                candidates = [] if by_id is None else [by_id]
            version = inputs.pick_version(candidates, version_id, version_stage)
            value = session.open(version)
        self._vault.touch(ctx, [(secret, version)])
        return views.secret_value(secret, version, value)

    def put_secret_value(
        self,
        ctx: RequestContext,
        *,
        secret_id: str,
        client_request_token: str | None = None,
        secret_binary: bytes | None = None,
        secret_string: str | None = None,
        version_stages: list[str] | None = None,
        rotation_token: str | None = None,
    ) -> dict[str, Any]:
        value = inputs.secret_value(secret_string, secret_binary)
        if value is None:
            # Our choice of code for a call without a value: AWS documents that one is required.
            raise InvalidParameter("You must provide either SecretString or SecretBinary.")
        with self._vault.writing(ctx) as session:
            secret = session.live(secret_id)
            version_id = client_request_token or self._vault.new_version_id()
            wanted = version_stages or [stages.AWSCURRENT]
            version, created = session.add_version(secret, version_id, value, wanted)
            if created:
                session.save(secret)
                session.commit()
        return {
            "ARN": secret.arn,
            "Name": secret.name,
            "VersionId": version.version_id,
            "VersionStages": list(version.stages),
        }

    def list_secret_version_ids(
        self,
        ctx: RequestContext,
        *,
        secret_id: str,
        max_results: int | None = None,
        next_token: str | None = None,
        include_deprecated: bool | None = None,
    ) -> dict[str, Any]:
        with self._vault.reading(ctx) as session:
            secret = session.secret(secret_id)
            shown = session.versions(secret, deprecated=bool(include_deprecated))
        shown.sort(key=lambda v: (v.created_at, v.version_id), reverse=True)
        page, token = views.page(shown, max_results, next_token, 100)
        return {
            "Versions": [views.version_entry(secret, v) for v in page],
            "NextToken": token,
            "ARN": secret.arn,
            "Name": secret.name,
        }

    def update_secret_version_stage(
        self,
        ctx: RequestContext,
        *,
        secret_id: str,
        version_stage: str,
        remove_from_version_id: str | None = None,
        move_to_version_id: str | None = None,
    ) -> dict[str, Any]:
        with self._vault.writing(ctx) as session:
            secret = session.live(secret_id)
            versions = session.versions(secret, deprecated=True)  # a label may move to a deprecated one
            labels = {v.version_id: v.stages for v in versions}
            moved = stages.move(labels, version_stage, remove_from_version_id, move_to_version_id)
            if stages.changed(labels, moved):
                session.relabel(versions, moved)
                session.save(secret)
                session.commit()
        return {"ARN": secret.arn, "Name": secret.name}

    def batch_get_secret_value(
        self,
        ctx: RequestContext,
        *,
        secret_id_list: list[str] | None = None,
        filters: list[dict[str, Any]] | None = None,
        max_results: int | None = None,
        next_token: str | None = None,
    ) -> dict[str, Any]:
        if secret_id_list and filters:
            raise InvalidParameter("Either 'SecretIdList' or 'Filters' must be provided, but not both.")
        if not secret_id_list and not filters:
            raise InvalidParameter("You must provide either 'SecretIdList' or 'Filters'.")
        if max_results is not None and not filters:
            raise InvalidParameter(
                "'Filters' not specified. 'Filters' must also be specified when 'MaxResults' is provided."
            )
        values: list[dict[str, Any]] = []
        errors: list[dict[str, str]] = []
        accessed: list[tuple[SecretRecord, SecretVersionRecord]] = []
        token = None
        found: list[tuple[str, SecretRecord, list[SecretVersionRecord]]] = []
        with self._vault.reading(ctx) as session:
            if secret_id_list:
                for secret_id in secret_id_list:
                    try:
                        secret = session.live(secret_id)
                    except (ResourceNotFound, InvalidRequest) as error:
                        errors.append(
                            {"SecretId": secret_id, "ErrorCode": error.code, "Message": error.message}
                        )
                        continue
                    found.append((secret_id, secret, session.versions(secret)))
            else:
                check_filters(filters or [])
                secrets, versions = session.all_secrets()
                chosen = sorted(
                    (s for s in secrets if s.deleted_at is None and matches(s, filters or [])),
                    key=lambda s: s.name,
                )
                page, token = views.page(chosen, max_results, next_token, BATCH_PAGE)
                found = [(s.name, s, versions.get(s.arn, [])) for s in page]
            for secret_id, secret, secret_versions in found:
                try:
                    version = inputs.pick_version(secret_versions, None, None)
                except ResourceNotFound as error:
                    errors.append({"SecretId": secret_id, "ErrorCode": error.code, "Message": error.message})
                    continue
                values.append(views.secret_value(secret, version, session.open(version)))
                accessed.append((secret, version))
        self._vault.touch(ctx, accessed)
        return {"SecretValues": values, "NextToken": token, "Errors": errors}
