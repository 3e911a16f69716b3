"""AWS Signature Version 4 verification: Authorization headers and presigned query strings."""

from __future__ import annotations

import hashlib
import hmac
import re
import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from urllib.parse import quote, unquote_plus

from codeyard.errors import IncompleteSignature, InvalidSignature, MissingAuthenticationToken

ALGORITHM = "AWS4-HMAC-SHA256"
EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()
UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD"
MAX_SKEW = timedelta(minutes=5)
# The longest validity a presigned URL may ask for (AWS: "less than a week", 604800 s allowed).
MAX_PRESIGNED_EXPIRES = 604800
_AMZ_DATE = "%Y%m%dT%H%M%SZ"
_QUERY_SAFE = "-_.~"
_SCOPE_NAME = re.compile(r"[a-z0-9][a-z0-9-]{0,49}")


@dataclass(frozen=True, slots=True)
class HttpRequest:
    """The parts of an HTTP request that a signature covers (header names in lower case)."""

    method: str
    raw_path: str
    query_string: str
    headers: Sequence[tuple[str, str]]
    body: bytes
    client_ip: str = ""
    _index: dict[str, str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        index: dict[str, str] = {}
        for name, value in self.headers:
            index[name] = f"{index[name]},{value}" if name in index else value
        object.__setattr__(self, "_index", index)

    def header(self, name: str) -> str | None:
        """The value of a header (lower-case name); repeated headers joined with commas."""
        return self._index.get(name)


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
    stamp: str = ""

    @property
    def timestamp(self) -> str:
        """The request time in ISO 8601 basic format, as it goes into the string to sign."""
        return self.stamp or self.amz_date.strftime(_AMZ_DATE)


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
    if _SCOPE_NAME.fullmatch(parts[2]) is None:
        # The region goes into every ARN: refuse what could never be one (AWS: "a valid region").
        raise IncompleteSignature(f"Credential should be scoped to a valid region, not '{parts[2]}'.")
    return parts[0], parts[1], parts[2], parts[3]


def _parse_amz_date(value: str) -> datetime:
    """ISO 8601 basic format, 'YYYYMMDDTHHMMSSZ' (parsed by hand: strptime costs ~40 us)."""
    if len(value) != 16 or value[8] != "T" or value[15] != "Z" or not value[:8].isdigit():
        raise IncompleteSignature(f"Date must be in ISO-8601 'basic format'. Got '{value}'.")
    try:
        return datetime(
            int(value[0:4]),
            int(value[4:6]),
            int(value[6:8]),
            int(value[9:11]),
            int(value[11:13]),
            int(value[13:15]),
            tzinfo=UTC,
        )
    except ValueError:
        raise IncompleteSignature(f"Date must be in ISO-8601 'basic format'. Got '{value}'.") from None


def _request_time(request: HttpRequest) -> tuple[datetime, str]:
    """The signed time from X-Amz-Date, else from the HTTP Date header (RFC 7231)."""
    amz_date = request.header("x-amz-date")
    if amz_date:
        return _parse_amz_date(amz_date), amz_date
    http_date = request.header("date")
    if http_date:
        try:
            parsed = parsedate_to_datetime(http_date)
        except (TypeError, ValueError):
            parsed = None
        if parsed is None:
            raise IncompleteSignature(f"Date must be an RFC 7231 HTTP date. Got '{http_date}'.")
        # "-0000" (what botocore writes) parses without a zone: HTTP dates are in GMT.
        moment = parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)
        return moment, moment.strftime(_AMZ_DATE)
    raise IncompleteSignature(
        "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header."
    )


def _parse_header(request: HttpRequest, authorization: str) -> Signature:
    algorithm, _, rest = authorization.strip().partition(" ")
    if algorithm != ALGORITHM:
        raise IncompleteSignature(f"Unsupported authorization type: {algorithm or authorization}")
    fields: dict[str, str] = {}
    for item in rest.split(","):
        key, sep, value = item.strip().partition("=")
        if sep:
            fields[key] = value
    missing = [k for k in ("Credential", "SignedHeaders", "Signature") if not fields.get(k)]
    if missing:
        raise IncompleteSignature(
            "Authorization header requires "
            + ", ".join(f"'{m}' parameter" for m in missing)
            + f". Authorization={authorization}"
        )
    key_id, date, region, service = _parse_credential(fields["Credential"])
    amz_date, stamp = _request_time(request)
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
        stamp=stamp,
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
    missing = [k for k in needed if not params.get(k)]
    if missing:
        raise IncompleteSignature(
            "AWS query-string parameters must include "
            + ", ".join(f"'{m}'" for m in missing)
            + ". Re-examine the query-string parameters."
        )
    if params["X-Amz-Algorithm"] != ALGORITHM:
        raise IncompleteSignature(f"Unsupported algorithm: {params['X-Amz-Algorithm']}")
    key_id, date, region, service = _parse_credential(params["X-Amz-Credential"])
    # Undocumented outside S3: we default a missing X-Amz-Expires to one hour (botocore's default)
    # and refuse what S3 refuses: a negative value, or more than a week.
    raw_expires = params.get("X-Amz-Expires", "3600")
    if not raw_expires.isdigit():
        raise IncompleteSignature("X-Amz-Expires should be a number of seconds, 0 to 604800.")
    expires = int(raw_expires)
    if expires > MAX_PRESIGNED_EXPIRES:
        raise IncompleteSignature(
            "X-Amz-Expires must be less than a week (in seconds) that is; "
            f"the given X-Amz-Expires must be less than {MAX_PRESIGNED_EXPIRES} seconds"
        )
    stamp = params["X-Amz-Date"]
    return Signature(
        access_key_id=key_id,
        date=date,
        region=region,
        service=service,
        signed_headers=tuple(params["X-Amz-SignedHeaders"].split(";")),
        signature=params["X-Amz-Signature"],
        amz_date=_parse_amz_date(stamp),
        session_token=params.get("X-Amz-Security-Token"),
        presigned=True,
        expires=expires,
        stamp=stamp,
    )


def check_time(signature: Signature, now: datetime) -> None:
    """Refuse a signature outside the allowed clock skew, or a presigned URL past its expiry."""
    stamp = signature.timestamp
    if signature.presigned:
        if now > signature.amz_date + timedelta(seconds=signature.expires):
            expiry = (signature.amz_date + timedelta(seconds=signature.expires)).strftime(_AMZ_DATE)
            raise InvalidSignature(
                f"Signature expired: {expiry} is now earlier than {now.strftime(_AMZ_DATE)} "
                f"(signed at {stamp}, valid for {signature.expires} s)."
            )
        if signature.amz_date - now > MAX_SKEW:
            raise InvalidSignature(
                f"Signature not yet current: {stamp} is still later than {(now + MAX_SKEW).strftime(_AMZ_DATE)}"
            )
    elif now - signature.amz_date > MAX_SKEW:
        limit = (now - MAX_SKEW).strftime(_AMZ_DATE)
        raise InvalidSignature(
            f"Signature expired: {stamp} is now earlier than {limit} ({now.strftime(_AMZ_DATE)} - 5 min.)"
        )
    elif signature.amz_date - now > MAX_SKEW:
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
    """Dot segments and empty segments removed, then URI-encoded again (every service but S3)."""
    if raw_path == "/":
        return "/"
    out: list[str] = []
    for segment in raw_path.split("/"):
        if not segment or segment == ".":
            continue
        if segment == "..":
            if out:
                out.pop()
        else:
            out.append(segment)
    path = "/" + "/".join(out)
    if raw_path.endswith("/") and out:
        path += "/"
    return quote(path, safe="/~")


def _canonical_queries(query_string: str, presigned: bool) -> tuple[str, ...]:
    """The canonical query string: pairs URI-encoded the RFC 3986 way, sorted by key, then value.

    AWS decodes what it receives ('+' as a space, as in a form) and encodes it again; botocore
    signs the query as it sends it. They agree for every client that encodes the RFC 3986 way
    (botocore, the SDKs); for a hand-made query that does not, both readings are tried.
    """
    if not query_string:
        return ("",)
    raw = []
    for pair in query_string.split("&"):
        key, _, value = pair.partition("=")
        if (presigned and key == "X-Amz-Signature") or not pair:
            continue
        raw.append((key, value))
    encoded = sorted(
        (quote(unquote_plus(k), safe=_QUERY_SAFE), quote(unquote_plus(v), safe=_QUERY_SAFE)) for k, v in raw
    )
    raw.sort()
    normal = "&".join(f"{k}={v}" for k, v in encoded)
    as_sent = "&".join(f"{k}={v}" for k, v in raw)
    return (normal,) if normal == as_sent else (normal, as_sent)


def canonical_request(
    request: HttpRequest, signature: Signature, payload_hash: str, query: str | None = None
) -> str:
    """The canonical request; `query` overrides the canonical query string (one of the readings)."""
    signed = signature.signed_headers
    headers: dict[str, list[str]] = {}
    for name, value in request.headers:
        if name in signed:
            headers.setdefault(name, []).append(" ".join(value.split()))
    canonical_headers = "".join(f"{name}:{','.join(headers.get(name, ()))}\n" for name in signed)
    if query is None:
        query = _canonical_queries(request.query_string, signature.presigned)[0]
    return "\n".join(
        (
            request.method.upper(),
            _canonical_path(request.raw_path),
            query,
            canonical_headers,
            ";".join(signed),
            payload_hash,
        )
    )


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


def string_to_sign(
    request: HttpRequest, signature: Signature, payload_hash: str, query: str | None = None
) -> str:
    scope = f"{signature.date}/{signature.region}/{signature.service}/aws4_request"
    creq = canonical_request(request, signature, payload_hash, query)
    return f"{ALGORITHM}\n{signature.timestamp}\n{scope}\n{hashlib.sha256(creq.encode()).hexdigest()}"


def verify(request: HttpRequest, signature: Signature, secret: str, keys: SigningKeys) -> bool:
    """True when `signature` is the one `secret` makes for `request`."""
    if "host" not in signature.signed_headers:
        return False
    body_hash = hashlib.sha256(request.body).hexdigest()
    declared = request.header("x-amz-content-sha256")
    if declared:
        # A declared hash is what was signed; a real hash must also match the body we got.
        unsigned = declared == UNSIGNED_PAYLOAD or declared.startswith("STREAMING-")
        if not unsigned and declared != body_hash:
            return False
        hashes = [declared]
    elif signature.presigned and not request.body:
        # A presigned URL is signed without a body: UNSIGNED-PAYLOAD (S3 style), or botocore's
        # hash of the empty body. A body sent with one must be the one signed, so that nobody
        # holding the URL can add parameters of their own.
        hashes = [UNSIGNED_PAYLOAD, body_hash]
    else:
        hashes = [body_hash]
    signing_key = keys.get(secret, signature.date, signature.region, signature.service)
    given = signature.signature.encode()
    for query in _canonical_queries(request.query_string, signature.presigned):
        for payload_hash in hashes:
            to_sign = string_to_sign(request, signature, payload_hash, query)
            expected = hmac.new(signing_key, to_sign.encode(), hashlib.sha256).hexdigest()
            if hmac.compare_digest(expected.encode(), given):
                return True
    return False
