"""AWS Signature Version 4 verification: Authorization headers and presigned query strings."""

from __future__ import annotations

import hashlib
import hmac
import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import quote, unquote_plus

from codeyard.errors import IncompleteSignature, InvalidSignature, MissingAuthenticationToken

ALGORITHM = "AWS4-HMAC-SHA256"
EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()
UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD"
MAX_SKEW = timedelta(minutes=5)
_AMZ_DATE = "%Y%m%dT%H%M%SZ"


@dataclass(frozen=True, slots=True)
class HttpRequest:
    """The parts of an HTTP request that a signature covers."""

    method: str
    raw_path: str
    query_string: str
    headers: Sequence[tuple[str, str]]
    body: bytes

    def header(self, name: str) -> str | None:
        values = [v for k, v in self.headers if k == name]
        return ",".join(values) if values else None


@dataclass(frozen=True, slots=True)
class Signature:
    """A parsed, not yet verified, SigV4 signature."""

    access_key_id: str
    date: str
    region: str
    service: str
    signed_headers: tuple[str, ...]
    signature: str
    amz_date: datetime
    session_token: str | None
    presigned: bool
    expires: int = 0


def parse_signature(request: HttpRequest) -> Signature:
    """Find and parse the signature, or raise MissingAuthenticationToken/IncompleteSignature."""
    authorization = request.header("authorization")
    if authorization:
        return _parse_header(request, authorization)
    if "X-Amz-Signature=" in request.query_string or "X-Amz-Credential=" in request.query_string:
        return _parse_presigned(request)
    raise MissingAuthenticationToken("Request is missing Authentication Token")


def _parse_credential(credential: str) -> tuple[str, str, str, str]:
    parts = credential.split("/")
    if len(parts) != 5 or parts[4] != "aws4_request" or not all(parts):
        raise IncompleteSignature(
            f"Credential should be scoped to a valid region, not '{credential}'. "
            "The credential must be AKID/yyyymmdd/region/service/aws4_request."
        )
    return parts[0], parts[1], parts[2], parts[3]


def _parse_amz_date(value: str | None) -> datetime:
    if not value:
        raise IncompleteSignature(
            "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header."
        )
    try:
        return datetime.strptime(value, _AMZ_DATE).replace(tzinfo=UTC)
    except ValueError:
        raise IncompleteSignature(f"Date must be in ISO-8601 'basic format'. Got '{value}'.") from None


def _parse_header(request: HttpRequest, authorization: str) -> Signature:
    algorithm, _, rest = authorization.strip().partition(" ")
    if algorithm != ALGORITHM:
        raise IncompleteSignature(f"Unsupported authorization type: {algorithm or authorization}")
    fields: dict[str, str] = {}
    for item in rest.split(","):
        key, sep, value = item.strip().partition("=")
        if sep:
            fields[key] = value
    missing = [k for k in ("Credential", "SignedHeaders", "Signature") if k not in fields]
    if missing:
        raise IncompleteSignature(
            "Authorization header requires "
            + ", ".join(f"'{m}' parameter" for m in missing)
            + f". Authorization={authorization}"
        )
    key_id, date, region, service = _parse_credential(fields["Credential"])
    amz_date = _parse_amz_date(request.header("x-amz-date"))
    return Signature(
        access_key_id=key_id,
        date=date,
        region=region,
        service=service,
        signed_headers=tuple(fields["SignedHeaders"].split(";")),
        signature=fields["Signature"],
        amz_date=amz_date,
        session_token=request.header("x-amz-security-token"),
        presigned=False,
    )


def _query_params(query_string: str) -> dict[str, str]:
    params: dict[str, str] = {}
    for pair in query_string.split("&"):
        key, _, value = pair.partition("=")
        params[unquote_plus(key)] = unquote_plus(value)
    return params


def _parse_presigned(request: HttpRequest) -> Signature:
    params = _query_params(request.query_string)
    needed = ("X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Date", "X-Amz-SignedHeaders", "X-Amz-Signature")
    missing = [k for k in needed if k not in params]
    if missing:
        raise IncompleteSignature(f"Presigned request is missing {', '.join(missing)}.")
    if params["X-Amz-Algorithm"] != ALGORITHM:
        raise IncompleteSignature(f"Unsupported algorithm: {params['X-Amz-Algorithm']}")
    key_id, date, region, service = _parse_credential(params["X-Amz-Credential"])
    try:
        expires = int(params.get("X-Amz-Expires", "3600"))
    except ValueError:
        raise IncompleteSignature("X-Amz-Expires must be a number of seconds.") from None
    return Signature(
        access_key_id=key_id,
        date=date,
        region=region,
        service=service,
        signed_headers=tuple(params["X-Amz-SignedHeaders"].split(";")),
        signature=params["X-Amz-Signature"],
        amz_date=_parse_amz_date(params["X-Amz-Date"]),
        session_token=params.get("X-Amz-Security-Token"),
        presigned=True,
        expires=expires,
    )


def check_time(signature: Signature, now: datetime) -> None:
    """Refuse a signature outside the allowed clock skew, or a presigned URL past its expiry."""
    stamp = signature.amz_date.strftime(_AMZ_DATE)
    if signature.presigned:
        if now > signature.amz_date + timedelta(seconds=signature.expires):
            raise InvalidSignature(
                f"Signature expired: {stamp} is now earlier than {now.strftime(_AMZ_DATE)}"
            )
        if signature.amz_date - now > MAX_SKEW:
            raise InvalidSignature(
                f"Signature not yet current: {stamp} is still later than {(now + MAX_SKEW).strftime(_AMZ_DATE)}"
            )
        return
    if now - signature.amz_date > MAX_SKEW:
        limit = (now - MAX_SKEW).strftime(_AMZ_DATE)
        raise InvalidSignature(
            f"Signature expired: {stamp} is now earlier than {limit} ({now.strftime(_AMZ_DATE)} - 5 min.)"
        )
    if signature.amz_date - now > MAX_SKEW:
        limit = (now + MAX_SKEW).strftime(_AMZ_DATE)
        raise InvalidSignature(
            f"Signature not yet current: {stamp} is still later than {limit} ({now.strftime(_AMZ_DATE)} + 5 min.)"
        )
    if signature.date != stamp[:8]:
        raise InvalidSignature(
            f"Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: "
            f"'{signature.date}' != '{stamp[:8]}', from '{stamp}'."
        )


def _canonical_path(raw_path: str) -> str:
    segments = [s for s in raw_path.split("/") if s and s != "."]
    out: list[str] = []
    for segment in segments:
        if segment == "..":
            if out:
                out.pop()
        else:
            out.append(segment)
    path = "/" + "/".join(out)
    if raw_path.endswith("/") and path != "/":
        path += "/"
    return quote(path, safe="/~")


def _canonical_query(query_string: str, presigned: bool) -> str:
    if not query_string:
        return ""
    pairs = []
    for pair in query_string.split("&"):
        key, _, value = pair.partition("=")
        if presigned and key == "X-Amz-Signature":
            continue
        pairs.append((key, value))
    return "&".join(f"{k}={v}" for k, v in sorted(pairs))


def canonical_request(request: HttpRequest, signature: Signature, payload_hash: str) -> str:
    headers: dict[str, list[str]] = {}
    for name, value in request.headers:
        headers.setdefault(name, []).append(" ".join(value.split()))
    lines = [request.method.upper(), _canonical_path(request.raw_path)]
    lines.append(_canonical_query(request.query_string, signature.presigned))
    canonical_headers = "".join(
        f"{name}:{','.join(headers.get(name, []))}\n" for name in signature.signed_headers
    )
    lines.append(canonical_headers)
    lines.append(";".join(signature.signed_headers))
    lines.append(payload_hash)
    return "\n".join(lines)


class SigningKeys:
    """Derived signing keys, cached per (secret, date, region, service): four HMACs saved a call."""

    def __init__(self, size: int = 1024) -> None:
        self._cache: OrderedDict[tuple[str, str, str, str], bytes] = OrderedDict()
        self._size = size
        self._lock = threading.Lock()

    def get(self, secret: str, date: str, region: str, service: str) -> bytes:
        cache_key = (secret, date, region, service)
        with self._lock:
            key = self._cache.get(cache_key)
            if key is not None:
                self._cache.move_to_end(cache_key)
                return key
        key = _hmac(("AWS4" + secret).encode(), date)
        for part in (region, service, "aws4_request"):
            key = _hmac(key, part)
        with self._lock:
            self._cache[cache_key] = key
            if len(self._cache) > self._size:
                self._cache.popitem(last=False)
        return key


def _hmac(key: bytes, message: str) -> bytes:
    return hmac.new(key, message.encode(), hashlib.sha256).digest()


def verify(request: HttpRequest, signature: Signature, secret: str, keys: SigningKeys) -> bool:
    """True when `signature` is the one `secret` makes for `request`."""
    if "host" not in signature.signed_headers:
        return False
    declared = request.header("x-amz-content-sha256")
    candidates = [declared] if declared else [hashlib.sha256(request.body).hexdigest()]
    if signature.presigned and not declared:
        candidates.append(UNSIGNED_PAYLOAD)
    verifiable = declared and declared != UNSIGNED_PAYLOAD and not declared.startswith("STREAMING-")
    if verifiable and declared != hashlib.sha256(request.body).hexdigest():
        return False
    signing_key = keys.get(secret, signature.date, signature.region, signature.service)
    scope = f"{signature.date}/{signature.region}/{signature.service}/aws4_request"
    stamp = signature.amz_date.strftime(_AMZ_DATE)
    for payload_hash in candidates:
        creq = canonical_request(request, signature, payload_hash)
        to_sign = f"{ALGORITHM}\n{stamp}\n{scope}\n{hashlib.sha256(creq.encode()).hexdigest()}"
        expected = hmac.new(signing_key, to_sign.encode(), hashlib.sha256).hexdigest()
        if hmac.compare_digest(expected, signature.signature):
            return True
    return False
