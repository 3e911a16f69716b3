"""AWS Signature Version 4 for the runner's own API calls (standard library only: the runner has no botocore)."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import quote, urlsplit

ALGORITHM = "AWS4-HMAC-SHA256"


@dataclass(frozen=True)
class Credentials:
    """An access key, its secret and, for temporary credentials, the session token."""

    access_key_id: str
    secret_access_key: str
    session_token: str | None = None


def signed_headers(
    method: str,
    url: str,
    headers: Mapping[str, str],
    body: bytes,
    *,
    credentials: Credentials,
    region: str,
    service: str,
    now: datetime,
) -> dict[str, str]:
    """`headers` plus Host, X-Amz-Date, X-Amz-Security-Token (if any) and Authorization, signed.

    `now` must be in UTC. Every header given is signed. `url` is the URL as sent (already encoded): its
    path is encoded once more, as the SigV4 rules for services other than S3 ask."""
    parts = urlsplit(url)
    stamp = now.strftime("%Y%m%dT%H%M%SZ")
    out = {"Host": parts.netloc, **headers, "X-Amz-Date": stamp}
    if credentials.session_token:
        out["X-Amz-Security-Token"] = credentials.session_token
    canonical_headers = {name.lower(): " ".join(value.split()) for name, value in out.items()}
    names = sorted(canonical_headers)
    canonical = "\n".join(
        [
            method.upper(),
            quote(parts.path or "/", safe="/~"),
            _canonical_query(parts.query),
            "".join(f"{name}:{canonical_headers[name]}\n" for name in names),
            ";".join(names),
            hashlib.sha256(body).hexdigest(),
        ]
    )
    scope = f"{stamp[:8]}/{region}/{service}/aws4_request"
    to_sign = f"{ALGORITHM}\n{stamp}\n{scope}\n{hashlib.sha256(canonical.encode()).hexdigest()}"
    key = _signing_key(credentials.secret_access_key, stamp[:8], region, service)
    signature = hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
    out["Authorization"] = (
        f"{ALGORITHM} Credential={credentials.access_key_id}/{scope}, "
        f"SignedHeaders={';'.join(names)}, Signature={signature}"
    )
    return out


def _canonical_query(query: str) -> str:
    """The query's pairs sorted, taken as they are in the URL (already encoded), as botocore does."""
    pairs = sorted(part.partition("=")[::2] for part in query.split("&") if part)
    return "&".join(f"{name}={value}" for name, value in pairs)


def _signing_key(secret: str, date: str, region: str, service: str) -> bytes:
    key = f"AWS4{secret}".encode()
    for part in (date, region, service, "aws4_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    return key
