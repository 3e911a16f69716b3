"""A build's parameter-store and secrets-manager references, resolved by the server for the runner holding its lease."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from codeyard.accounts import Principal, RequestContext
from codeyard.errors import CodeyardError

# The phase context status codes CodeBuild gives when a reference cannot be resolved.
PARAMETER_ERROR = "Decrypted Variables Error"
SECRET_ERROR = "Secrets Manager Error"
_ARN_PARTS = 7  # arn:aws:secretsmanager:<region>:<account>:secret:<name>
Getter = Callable[..., dict[str, Any]]


class SecretError(Exception):
    """A reference that cannot be resolved; `code` is the phase context's status code."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


class BuildSecrets:
    """Resolves references with the account's authority (the project's service role is not looked up)."""

    def __init__(self, get_parameter: Getter, get_secret_value: Getter, principal: Principal) -> None:
        self._get_parameter = get_parameter
        self._get_secret_value = get_secret_value
        self._principal = principal

    def resolve(self, region: str, build_id: str, kind: str, reference: str) -> str:
        ctx = RequestContext(self._principal, region, self._principal.account_id, f"build-{build_id}")
        if kind == "PARAMETER_STORE":
            try:
                answer = self._get_parameter(ctx, name=reference, with_decryption=True)
            except CodeyardError as error:
                raise SecretError(PARAMETER_ERROR, f"{error.code}: {error.message}") from None
            return str(answer["Parameter"]["Value"])
        if kind != "SECRETS_MANAGER":
            raise SecretError(PARAMETER_ERROR, f"unknown reference type {kind}")
        secret_id, json_key, stage, version = _secret_parts(reference)
        try:
            answer = self._get_secret_value(
                ctx, secret_id=secret_id, version_stage=stage or None, version_id=version or None
            )
        except CodeyardError as error:
            raise SecretError(SECRET_ERROR, f"{error.code}: {error.message}") from None
        value = answer.get("SecretString")
        if value is None:
            raise SecretError(SECRET_ERROR, f"secret {secret_id} has no SecretString (a binary secret)")
        return _json_key(str(value), secret_id, json_key) if json_key else str(value)


def _secret_parts(reference: str) -> tuple[str, str, str, str]:
    """`secret-id:json-key:version-stage:version-id`; an ARN secret id keeps its own colons."""
    parts = reference.split(":")
    size = _ARN_PARTS if reference.startswith("arn:") else 1
    rest = [*parts[size:], "", "", ""]
    return ":".join(parts[:size]), rest[0], rest[1], rest[2]


def _json_key(text: str, secret_id: str, key: str) -> str:
    try:
        document = json.loads(text)
    except ValueError:
        document = None
    if not isinstance(document, dict) or key not in document:
        raise SecretError(SECRET_ERROR, f"secret {secret_id} has no JSON key {key}")
    value = document[key]
    return value if isinstance(value, str) else json.dumps(value)
