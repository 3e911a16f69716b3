"""Secret values for a build: parameter-store and secrets-manager references read through the AWS JSON APIs."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx

from codeyard.runner.engine.environment import VariableType
from codeyard.runner.engine.hooks import PhaseError
from codeyard.runner.sigv4 import Credentials, signed_headers

# The phase context status codes CodeBuild gives when a reference cannot be resolved.
PARAMETER_ERROR = "Decrypted Variables Error"
SECRET_ERROR = "Secrets Manager Error"
_CONTENT_TYPE = "application/x-amz-json-1.1"
_ARN_PARTS = 7  # arn:aws:secretsmanager:<region>:<account>:secret:<name>


@dataclass(frozen=True)
class SecretReference:
    """A secrets-manager reference `secret-id:json-key:version-stage:version-id` (the id may be an ARN)."""

    secret_id: str
    json_key: str = ""
    version_stage: str = ""
    version_id: str = ""

    @classmethod
    def parse(cls, text: str) -> SecretReference:
        """The parts of a reference; an ARN secret id keeps its own colons."""
        parts = text.split(":")
        size = _ARN_PARTS if text.startswith("arn:") else 1
        rest = [*parts[size:], "", "", ""]
        return cls(":".join(parts[:size]), rest[0], rest[1], rest[2])


class ServerSecrets:
    """The engine's secret resolver over a Codeyard (or AWS) endpoint: SSM GetParameter with decryption,
    Secrets Manager GetSecretValue, each call signed with SigV4."""

    def __init__(
        self,
        endpoint: str,
        credentials: Credentials,
        region: str,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
        timeout: float = 30.0,
    ) -> None:
        self._endpoint = endpoint.rstrip("/") + "/"
        self._credentials = credentials
        self._region = region
        self._now = now
        self._timeout = timeout

    async def __call__(self, kind: VariableType, reference: str) -> str:
        if kind is VariableType.PARAMETER_STORE:
            answer = await self._call(
                "ssm", "AmazonSSM.GetParameter", {"Name": reference, "WithDecryption": True}
            )
            return str(answer["Parameter"]["Value"])
        ref = SecretReference.parse(reference)
        request: dict[str, Any] = {"SecretId": ref.secret_id}
        if ref.version_stage:
            request["VersionStage"] = ref.version_stage
        if ref.version_id:
            request["VersionId"] = ref.version_id
        answer = await self._call("secretsmanager", "secretsmanager.GetSecretValue", request)
        value = answer.get("SecretString")
        if value is None:
            raise PhaseError(SECRET_ERROR, f"secret {ref.secret_id} has no SecretString (a binary secret)")
        return _json_key(str(value), ref) if ref.json_key else str(value)

    async def _call(self, service: str, target: str, request: dict[str, Any]) -> dict[str, Any]:
        code = PARAMETER_ERROR if service == "ssm" else SECRET_ERROR
        body = json.dumps(request).encode()
        headers = signed_headers(
            "POST",
            self._endpoint,
            {"Content-Type": _CONTENT_TYPE, "X-Amz-Target": target},
            body,
            credentials=self._credentials,
            region=self._region,
            service=service,
            now=self._now(),
        )
        try:
            async with httpx.AsyncClient(timeout=self._timeout) as client:
                response = await client.post(self._endpoint, content=body, headers=headers)
        except httpx.HTTPError as error:
            raise PhaseError(code, f"cannot reach {self._endpoint}: {error}") from None
        try:
            answer: dict[str, Any] = response.json()
        except ValueError:
            answer = {}
        if response.status_code != 200:
            error_type = str(answer.get("__type", f"HTTP {response.status_code}")).rsplit("#", 1)[-1]
            message = answer.get("message") or answer.get("Message") or ""
            raise PhaseError(code, f"{error_type}: {message}".rstrip(": "))
        return answer


def _json_key(text: str, ref: SecretReference) -> str:
    try:
        document = json.loads(text)
    except ValueError:
        document = None
    if not isinstance(document, dict) or ref.json_key not in document:
        raise PhaseError(SECRET_ERROR, f"secret {ref.secret_id} has no JSON key {ref.json_key}")
    value = document[ref.json_key]
    return value if isinstance(value, str) else json.dumps(value)
