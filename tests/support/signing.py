"""Raw requests signed with botocore's own SigV4 signers, at a time the test chooses."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import httpx
from botocore.auth import SIGV4_TIMESTAMP, SigV4Auth, SigV4QueryAuth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from tests.support.server import ROOT_KEY, ROOT_SECRET

JSON_CONTENT_TYPE = "application/x-amz-json-1.1"
FORM_CONTENT_TYPE = "application/x-www-form-urlencoded; charset=utf-8"


class _AtTime:
    """Mixin: sign at a fixed instant instead of botocore's current time."""

    when: datetime

    def add_auth(self, request: AWSRequest) -> None:
        signer: Any = self
        request.context["timestamp"] = self.when.astimezone(UTC).strftime(SIGV4_TIMESTAMP)
        signer._modify_request_before_signing(request)
        canonical = signer.canonical_request(request)
        string_to_sign = signer.string_to_sign(request, canonical)
        signer._inject_signature_to_request(request, signer.signature(string_to_sign, request))


class SigV4AuthAt(_AtTime, SigV4Auth):
    def __init__(self, credentials: Credentials, service: str, region: str, when: datetime) -> None:
        super().__init__(credentials, service, region)
        self.when = when


class SigV4QueryAuthAt(_AtTime, SigV4QueryAuth):
    def __init__(
        self, credentials: Credentials, service: str, region: str, when: datetime, expires: int
    ) -> None:
        super().__init__(credentials, service, region, expires=expires)
        self.when = when


def sign(
    request: AWSRequest,
    *,
    service: str,
    region: str = "us-east-1",
    key: str = ROOT_KEY,
    secret: str = ROOT_SECRET,
    token: str | None = None,
    when: datetime | None = None,
    presign_expires: int | None = None,
) -> AWSRequest:
    """Sign `request` in place with botocore, in the header or (presign_expires) the query string."""
    credentials = Credentials(key, secret, token)
    moment = when or datetime.now(UTC)
    if presign_expires is None:
        SigV4AuthAt(credentials, service, region, moment).add_auth(request)
    else:
        SigV4QueryAuthAt(credentials, service, region, moment, presign_expires).add_auth(request)
    return request


def json_request(endpoint: str, target: str, body: bytes | str) -> AWSRequest:
    data = body.encode() if isinstance(body, str) else body
    return AWSRequest(
        method="POST",
        url=endpoint + "/",
        data=data,
        headers={"Content-Type": JSON_CONTENT_TYPE, "X-Amz-Target": target},
    )


def form_request(endpoint: str, body: str) -> AWSRequest:
    return AWSRequest(
        method="POST", url=endpoint + "/", data=body.encode(), headers={"Content-Type": FORM_CONTENT_TYPE}
    )


def query_url_request(endpoint: str, query: str, method: str = "GET") -> AWSRequest:
    """A query-protocol call with its parameters in the URL (what presigned URLs carry)."""
    return AWSRequest(method=method, url=f"{endpoint}/?{query}")


def send(request: AWSRequest, client: httpx.Client | None = None) -> httpx.Response:
    """Send a (signed) AWSRequest as it is, over plain HTTP."""
    prepared = request.prepare()
    headers = list(prepared.headers.items())
    body = prepared.body or b""
    if isinstance(body, str):
        body = body.encode()
    parts = urlsplit(prepared.url)
    url = httpx.URL(scheme=parts.scheme, host=parts.hostname, port=parts.port, raw_path=_raw(parts))
    if client is not None:
        return client.request(prepared.method, url, headers=headers, content=body)
    with httpx.Client(timeout=30) as fresh:
        return fresh.request(prepared.method, url, headers=headers, content=body)


def _raw(parts: Any) -> bytes:
    path = parts.path or "/"
    return (path + ("?" + parts.query if parts.query else "")).encode()
