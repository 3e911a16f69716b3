"""Signature V4: requests of many shapes signed by botocore, verified by ours; tampered ones fail."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest

from codeyard.errors import IncompleteSignature, InvalidSignature, MissingAuthenticationToken
from codeyard.protocol.sigv4 import (
    HttpRequest,
    SigningKeys,
    check_time,
    parse_signature,
    verify,
)
from tests.support.signing import sign

KEY = "AKIDEXAMPLE"
SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
NOW = datetime(2015, 8, 30, 12, 36, 0, tzinfo=UTC)
HOST = "example.amazonaws.com"
FORM = "application/x-www-form-urlencoded; charset=utf-8"


def wire(request: AWSRequest) -> HttpRequest:
    """What the server sees of a request botocore signed: path and query as sent, names lowered."""
    prepared = request.prepare()
    url = urlsplit(prepared.url)
    headers = [(name.lower(), value) for name, value in request.headers.items()]
    if not any(name == "host" for name, _ in headers):
        headers.append(("host", url.netloc))
    body = prepared.body or b""
    return HttpRequest(
        method=prepared.method,
        raw_path=url.path or "/",
        query_string=url.query,
        headers=headers,
        body=body.encode() if isinstance(body, str) else body,
    )


def signed(request: AWSRequest, **kwargs: object) -> HttpRequest:
    options: dict[str, object] = {"service": "service", "region": "us-east-1", "key": KEY, "secret": SECRET}
    options.update(kwargs)
    return wire(sign(request, when=NOW, **options))  # type: ignore[arg-type]


def checks(request: HttpRequest, secret: str = SECRET) -> bool:
    signature = parse_signature(request)
    check_time(signature, NOW)
    return verify(request, signature, secret, SigningKeys())


def _with_header(name: str, value: str) -> AWSRequest:
    request = AWSRequest(method="GET", url=f"http://{HOST}/")
    request.headers[name] = value
    return request


def _repeated_headers() -> AWSRequest:
    request = AWSRequest(method="GET", url=f"http://{HOST}/")
    request.headers.add_header("My-Header1", "value2")
    request.headers.add_header("My-Header1", "value1")
    return request


def _unsigned_payload() -> AWSRequest:
    request = AWSRequest(method="POST", url=f"http://{HOST}/", data=b"anything at all")
    request.context["payload_signing_enabled"] = False
    return request


def _date_header() -> AWSRequest:
    request = AWSRequest(method="GET", url=f"http://{HOST}/")
    request.headers["Date"] = "placeholder, botocore rewrites it"
    return request


SHAPES: dict[str, Callable[[], AWSRequest]] = {
    "get-vanilla": lambda: AWSRequest(method="GET", url=f"http://{HOST}/"),
    "post-vanilla": lambda: AWSRequest(method="POST", url=f"http://{HOST}/"),
    "get-vanilla-query": lambda: AWSRequest(method="GET", url=f"http://{HOST}/?Param1=value1"),
    "get-vanilla-query-order-key": lambda: AWSRequest(
        method="GET", url=f"http://{HOST}/?Param1=value2&Param1=Value1"
    ),
    "get-vanilla-query-order-key-case": lambda: AWSRequest(
        method="GET", url=f"http://{HOST}/?Param2=value2&Param1=value1&param1=value3"
    ),
    "get-vanilla-query-order-value": lambda: AWSRequest(
        method="GET", url=f"http://{HOST}/?Param1=value2&Param1=value1"
    ),
    "get-vanilla-query-unreserved": lambda: AWSRequest(
        method="GET",
        url=f"http://{HOST}/?-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz="
        "-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
    ),
    "get-vanilla-empty-query-key": lambda: AWSRequest(method="GET", url=f"http://{HOST}/?Param1"),
    "get-query-params-encoded": lambda: AWSRequest(
        method="GET", url=f"http://{HOST}/", params={"b": "x y/z", "a": "é+ü", "A": "1"}
    ),
    "get-utf8-path": lambda: AWSRequest(method="GET", url=f"http://{HOST}/%E1%88%B4/%C3%BC"),
    "get-space-path": lambda: AWSRequest(method="GET", url=f"http://{HOST}/example%20space/"),
    "get-relative-path": lambda: AWSRequest(method="GET", url=f"http://{HOST}/example1/example2/../.."),
    "get-slashes": lambda: AWSRequest(method="GET", url=f"http://{HOST}//example//"),
    "get-dot-segments": lambda: AWSRequest(method="GET", url=f"http://{HOST}/./a/./b/../c"),
    "get-header-key-duplicate": _repeated_headers,
    "get-header-value-multiline-spaces": lambda: _with_header("My-Header1", "  value1   with   spaces  "),
    "get-header-value-trim": lambda: _with_header("My-Header1", " value1 "),
    "get-header-value-order": lambda: _with_header("My-Header1", "value4,value1,value3,value2"),
    "post-header-key-case": lambda: _with_header("mY-HeAdEr1", "value1"),
    "post-x-www-form-urlencoded": lambda: AWSRequest(
        method="POST",
        url=f"http://{HOST}/",
        data=b"Param1=value1&Param2=value%202",
        headers={"Content-Type": FORM},
    ),
    "post-json": lambda: AWSRequest(
        method="POST",
        url=f"http://{HOST}/",
        data='{"Name": "ünï/cøde"}'.encode(),
        headers={"Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": "Service.Op"},
    ),
    "post-unsigned-payload": _unsigned_payload,
    "get-date-header": _date_header,
}


@pytest.mark.parametrize("shape", SHAPES)
def test_botocore_signature_verifies(shape: str) -> None:
    assert checks(signed(SHAPES[shape]()))


@pytest.mark.parametrize("shape", SHAPES)
def test_wrong_secret_fails(shape: str) -> None:
    assert not checks(signed(SHAPES[shape]()), secret=SECRET + "x")


def test_session_token_is_signed_and_read() -> None:
    request = signed(AWSRequest(method="POST", url=f"http://{HOST}/"), token="session-token-ABC")
    assert parse_signature(request).session_token == "session-token-ABC"
    assert checks(request)
    changed = [(k, "other" if k == "x-amz-security-token" else v) for k, v in request.headers]
    assert not checks(replace(request, headers=changed))


def test_signature_fields_are_parsed() -> None:
    signature = parse_signature(signed(AWSRequest(method="GET", url=f"http://{HOST}/"), region="eu-west-3"))
    assert (signature.access_key_id, signature.date, signature.region, signature.service) == (
        KEY,
        "20150830",
        "eu-west-3",
        "service",
    )
    assert signature.amz_date == NOW
    assert not signature.presigned
    assert "host" in signature.signed_headers


def test_date_header_is_read_when_there_is_no_x_amz_date() -> None:
    request = signed(_date_header())
    assert request.header("x-amz-date") is None
    assert parse_signature(request).amz_date == NOW


# --- tampering ------------------------------------------------------------------------------------


def _tampered(request: HttpRequest, how: str) -> HttpRequest:
    headers = list(request.headers)
    if how == "method":
        return replace(request, method="PUT")
    if how == "path":
        return replace(request, raw_path="/other")
    if how == "query-added":
        return replace(
            request, query_string=(request.query_string + "&" if request.query_string else "") + "x=1"
        )
    if how == "body":
        return replace(request, body=request.body + b"&x=1")
    if how == "signed-header":
        return replace(request, headers=[(k, v + "x" if k == "content-type" else v) for k, v in headers])
    if how == "host":
        return replace(request, headers=[(k, "evil.example.com" if k == "host" else v) for k, v in headers])
    if how == "signature":
        return replace(
            request,
            headers=[(k, v[:-4] + "0000" if k == "authorization" else v) for k, v in headers],
        )
    raise AssertionError(how)


TAMPERING = ["method", "path", "query-added", "body", "signed-header", "host", "signature"]


@pytest.mark.parametrize("how", TAMPERING)
def test_tampered_form_post_fails(how: str) -> None:
    request = signed(SHAPES["post-x-www-form-urlencoded"]())
    assert checks(request)
    assert not checks(_tampered(request, how))


def test_query_value_changed_fails() -> None:
    request = signed(SHAPES["get-vanilla-query-order-key"]())
    assert not checks(replace(request, query_string="Param1=value2&Param1=Value2"))


def test_body_changed_under_a_declared_hash_fails() -> None:
    request = signed(SHAPES["post-json"]())
    request = replace(request, headers=[*request.headers, ("x-amz-content-sha256", "0" * 64)])
    assert not checks(request)


def test_unsigned_payload_lets_the_body_change_but_nothing_else() -> None:
    request = signed(_unsigned_payload())
    assert checks(replace(request, body=b"another body"))
    assert not checks(replace(request, raw_path="/x"))


def test_host_must_be_signed() -> None:
    request = signed(AWSRequest(method="GET", url=f"http://{HOST}/"))
    authorization = request.header("authorization") or ""
    without_host = authorization.replace("SignedHeaders=host;x-amz-date", "SignedHeaders=x-amz-date")
    headers = [(k, without_host if k == "authorization" else v) for k, v in request.headers]
    assert not checks(replace(request, headers=headers))


def test_a_non_ascii_signature_is_a_mismatch_not_a_crash() -> None:
    request = signed(AWSRequest(method="GET", url=f"http://{HOST}/"))
    headers = [(k, v[:-1] + "é" if k == "authorization" else v) for k, v in request.headers]
    assert not checks(replace(request, headers=headers))


# --- presigned ------------------------------------------------------------------------------------


def _presigned(expires: int = 300, **kwargs: object) -> HttpRequest:
    request = AWSRequest(method="GET", url=f"http://{HOST}/?Action=GetCallerIdentity&Version=2011-06-15")
    return signed(request, presign_expires=expires, **kwargs)


def test_presigned_url_verifies() -> None:
    request = _presigned()
    signature = parse_signature(request)
    assert signature.presigned
    assert signature.expires == 300
    assert request.header("authorization") is None
    assert checks(request)


def test_presigned_url_with_session_token() -> None:
    request = _presigned(token="tok/en+=")
    assert parse_signature(request).session_token == "tok/en+="
    assert checks(request)


def test_presigned_url_with_a_changed_parameter_fails() -> None:
    request = _presigned()
    assert not checks(replace(request, query_string=request.query_string.replace("2011-06-15", "2011-06-16")))


def test_presigned_url_with_a_body_added_fails() -> None:
    request = _presigned()
    assert not checks(replace(request, method="GET", body=b"Action=CreateUser&UserName=x"))


def test_presigned_url_expires() -> None:
    request = _presigned(expires=60)
    signature = parse_signature(request)
    check_time(signature, NOW + timedelta(seconds=60))
    with pytest.raises(InvalidSignature, match="Signature expired"):
        check_time(signature, NOW + timedelta(seconds=61))


def test_presigned_url_for_more_than_a_week_is_refused() -> None:
    with pytest.raises(IncompleteSignature, match="604800"):
        parse_signature(_presigned(expires=604801))


@pytest.mark.parametrize(
    "missing", ["X-Amz-Credential", "X-Amz-Date", "X-Amz-SignedHeaders", "X-Amz-Algorithm"]
)
def test_presigned_url_missing_a_parameter_is_incomplete(missing: str) -> None:
    request = _presigned()
    query = "&".join(p for p in request.query_string.split("&") if not p.startswith(missing + "="))
    with pytest.raises(IncompleteSignature, match=missing):
        parse_signature(replace(request, query_string=query))


# --- time -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("minutes", [-5, 0, 5])
def test_five_minutes_of_skew_are_accepted(minutes: int) -> None:
    signature = parse_signature(signed(AWSRequest(method="GET", url=f"http://{HOST}/")))
    check_time(signature, NOW + timedelta(minutes=minutes))


def test_a_signature_older_than_five_minutes_has_expired() -> None:
    signature = parse_signature(signed(AWSRequest(method="GET", url=f"http://{HOST}/")))
    with pytest.raises(InvalidSignature, match=r"^Signature expired: 20150830T123600Z is now earlier than"):
        check_time(signature, NOW + timedelta(minutes=5, seconds=1))


def test_a_signature_from_the_future_is_not_yet_current() -> None:
    signature = parse_signature(signed(AWSRequest(method="GET", url=f"http://{HOST}/")))
    with pytest.raises(InvalidSignature, match="Signature not yet current"):
        check_time(signature, NOW - timedelta(minutes=5, seconds=1))


def test_scope_date_must_match_the_request_date() -> None:
    request = signed(AWSRequest(method="GET", url=f"http://{HOST}/"))
    headers = [
        (k, v.replace("/20150830/", "/20150829/") if k == "authorization" else v) for k, v in request.headers
    ]
    with pytest.raises(InvalidSignature, match="Date in Credential scope does not match"):
        checks(replace(request, headers=headers))


# --- malformed ------------------------------------------------------------------------------------


def test_no_signature_at_all_is_missing_authentication_token() -> None:
    with pytest.raises(MissingAuthenticationToken):
        parse_signature(HttpRequest("GET", "/", "", [("host", HOST)], b""))


@pytest.mark.parametrize(
    "authorization",
    [
        "AWS4-HMAC-SHA256",
        "AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1/service/aws4_request",
        "AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1/service/aws4_request, SignedHeaders=host",
        "AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1/aws4_request, SignedHeaders=host, Signature=ab",
        "AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1/service/other, SignedHeaders=host, Signature=ab",
        "AWS4-HMAC-SHA256 Credential=, SignedHeaders=host, Signature=ab",
        "AWS AKID:signature",
        "Bearer token",
    ],
)
def test_malformed_authorization_is_incomplete(authorization: str) -> None:
    request = HttpRequest(
        "GET",
        "/",
        "",
        [("host", HOST), ("authorization", authorization), ("x-amz-date", "20150830T123600Z")],
        b"",
    )
    with pytest.raises(IncompleteSignature):
        parse_signature(request)


@pytest.mark.parametrize(
    "date", ["", "2015-08-30T12:36:00Z", "20150830T123600", "20151330T123600Z", "x" * 16]
)
def test_malformed_date_is_incomplete(date: str) -> None:
    authorization = "AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1/service/aws4_request, SignedHeaders=host, Signature=ab"
    headers = [("host", HOST), ("authorization", authorization)]
    if date:
        headers.append(("x-amz-date", date))
    with pytest.raises(IncompleteSignature):
        parse_signature(HttpRequest("GET", "/", "", headers, b""))


def test_signing_keys_are_cached_per_scope() -> None:
    keys = SigningKeys(size=2)
    first = keys.get(SECRET, "20150830", "us-east-1", "iam")
    assert keys.get(SECRET, "20150830", "us-east-1", "iam") is first
    assert keys.get(SECRET, "20150830", "us-east-1", "sts") != first
    keys.get(SECRET, "20150831", "us-east-1", "sts")
    assert keys.get(SECRET, "20150830", "us-east-1", "iam") == first, "recomputed after eviction, same key"


def test_our_canonical_request_matches_botocore() -> None:
    from codeyard.protocol.sigv4 import canonical_request

    original = SHAPES["get-query-params-encoded"]()
    request = signed(original)
    del original.headers["Authorization"]
    auth = SigV4Auth(None, "service", "us-east-1")
    theirs = auth.canonical_request(original)
    ours = canonical_request(request, parse_signature(request), theirs.rsplit("\n", 1)[1])
    assert ours == theirs


def test_known_answer_from_the_aws_test_suite() -> None:
    """get-vanilla of AWS's published SigV4 test suite, independent of botocore."""
    authorization = (
        "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
        "SignedHeaders=host;x-amz-date, "
        "Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"
    )
    headers = [("host", HOST), ("x-amz-date", "20150830T123600Z"), ("authorization", authorization)]
    request = HttpRequest("GET", "/", "", headers, b"")
    assert checks(request)
    assert not checks(replace(request, method="POST"))


@pytest.mark.parametrize("region", ["us-east-1:evil", "US-EAST-1", "é", "-x", "a" * 51])
def test_region_must_be_one_an_arn_can_hold(region: str) -> None:
    authorization = f"AWS4-HMAC-SHA256 Credential=AKID/20150830/{region}/service/aws4_request, SignedHeaders=host, Signature=ab"
    request = HttpRequest(
        "GET",
        "/",
        "",
        [("host", HOST), ("authorization", authorization), ("x-amz-date", "20150830T123600Z")],
        b"",
    )
    with pytest.raises(IncompleteSignature, match="valid region"):
        parse_signature(request)
