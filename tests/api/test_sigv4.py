"""Signature V4 over the wire: real boto3, the aws CLI and botocore's signers against a live server."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from xml.etree import ElementTree

import httpx
import pytest
from botocore.exceptions import ClientError

from tests.support.server import ROOT_KEY, ROOT_SECRET, Server
from tests.support.signing import form_request, json_request, query_url_request, send, sign

STS_FORM = "Action=GetCallerIdentity&Version=2011-06-15"
SSM_TARGET = "AmazonSSM.DescribeParameters"


def _query_error(response: httpx.Response) -> tuple[str, str]:
    root = ElementTree.fromstring(response.content)
    namespace = root.tag.partition("}")[0] + "}" if root.tag.startswith("{") else ""
    assert root.tag == f"{namespace}ErrorResponse"
    return (
        root.findtext(f"{namespace}Error/{namespace}Code") or "",
        root.findtext(f"{namespace}Error/{namespace}Message") or "",
    )


def _json_error(response: httpx.Response) -> tuple[str, str]:
    payload = response.json()
    return payload["__type"], payload["message"]


# --- unsigned and malformed -------------------------------------------------------------------


def test_unsigned_json_request_is_missing_authentication_token(server: Server) -> None:
    response = send(json_request(server.endpoint, SSM_TARGET, "{}"))
    assert response.status_code == 403
    assert _json_error(response)[0] == "MissingAuthenticationToken"


def test_unsigned_query_request_is_missing_authentication_token(server: Server) -> None:
    response = send(form_request(server.endpoint, STS_FORM))
    assert response.status_code == 403
    code, message = _query_error(response)
    assert code == "MissingAuthenticationToken"
    assert "Authentication Token" in message


def test_unsigned_boto3_client_is_refused(server: Server) -> None:
    import boto3
    from botocore import UNSIGNED
    from botocore.config import Config

    sts = boto3.client(
        "sts",
        endpoint_url=server.endpoint,
        region_name="us-east-1",
        config=Config(signature_version=UNSIGNED, retries={"max_attempts": 1}),
    )
    with pytest.raises(ClientError) as caught:
        sts.get_caller_identity()
    assert caught.value.response["Error"]["Code"] == "MissingAuthenticationToken"


@pytest.mark.parametrize(
    "authorization",
    [
        "AWS4-HMAC-SHA256 Credential=AKIAEXAMPLE/20240101/us-east-1/sts/aws4_request",
        "AWS4-HMAC-SHA256 SignedHeaders=host;x-amz-date, Signature=abc",
        "AWS4-HMAC-SHA256 Credential=AKIAEXAMPLE/us-east-1/aws4_request, SignedHeaders=host, Signature=ab",
        "AWS4-HMAC-SHA256",
        "garbage",
    ],
)
def test_malformed_authorization_header_is_incomplete_signature(server: Server, authorization: str) -> None:
    now = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    headers = {"Authorization": authorization, "X-Amz-Date": now}
    json_response = httpx.post(
        server.endpoint + "/",
        content=b"{}",
        headers={**headers, "X-Amz-Target": SSM_TARGET, "Content-Type": "application/x-amz-json-1.1"},
    )
    assert json_response.status_code == 403
    assert _json_error(json_response)[0] == "IncompleteSignature"
    query_response = httpx.post(
        server.endpoint + "/",
        content=STS_FORM.encode(),
        headers={**headers, "Content-Type": "application/x-www-form-urlencoded"},
    )
    assert _query_error(query_response)[0] == "IncompleteSignature"


def test_missing_date_is_incomplete_signature(server: Server) -> None:
    request = sign(form_request(server.endpoint, STS_FORM), service="sts")
    del request.headers["X-Amz-Date"]
    response = send(request)
    code, message = _query_error(response)
    assert code == "IncompleteSignature"
    assert "X-Amz-Date" in message


# --- who signed ---------------------------------------------------------------------------------


def test_unknown_access_key_on_strict_server_is_unrecognized(strict_live_server: Server) -> None:
    ssm = strict_live_server.client("ssm", key="AKIANOSUCHKEY0000000", secret="x" * 40)
    with pytest.raises(ClientError) as caught:
        ssm.describe_parameters()
    assert caught.value.response["Error"]["Code"] == "UnrecognizedClientException"
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403

    sts = strict_live_server.client("sts", key="AKIANOSUCHKEY0000000", secret="x" * 40)
    with pytest.raises(ClientError) as caught:
        sts.get_caller_identity()
    assert caught.value.response["Error"]["Code"] == "InvalidClientTokenId"
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403


def test_unknown_access_key_in_test_mode_signs_as_root(server: Server) -> None:
    sts = server.client("sts", key="AKIAANYTHINGGOES0000", secret="whatever")
    assert sts.get_caller_identity()["Arn"] == "arn:aws:iam::000000000000:root"


def _check_wrong_secret(live: Server) -> None:
    ssm = live.client("ssm", secret=ROOT_SECRET + "x")
    with pytest.raises(ClientError) as caught:
        ssm.describe_parameters()
    assert caught.value.response["Error"]["Code"] == "InvalidSignatureException"
    assert "signature we calculated does not match" in caught.value.response["Error"]["Message"]

    sts = live.client("sts", secret="not-the-secret")
    with pytest.raises(ClientError) as caught:
        sts.get_caller_identity()
    assert caught.value.response["Error"]["Code"] == "SignatureDoesNotMatch"
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403


def test_wrong_secret_for_the_root_key_in_test_mode(server: Server) -> None:
    """Test mode accepts unknown keys, but a known key is still verified."""
    _check_wrong_secret(server)


def test_wrong_secret_for_the_root_key(strict_live_server: Server) -> None:
    _check_wrong_secret(strict_live_server)


def test_aws_cli_with_a_wrong_secret_names_the_code(server: Server) -> None:
    result = server.aws("sts", "get-caller-identity", secret="not-the-secret", check=False)
    assert result.returncode != 0
    assert "SignatureDoesNotMatch" in result.stderr
    result = server.aws("ssm", "describe-parameters", secret="not-the-secret", check=False)
    assert result.returncode != 0
    assert "InvalidSignatureException" in result.stderr


def test_aws_cli_with_the_root_key_succeeds(strict_live_server: Server) -> None:
    result = strict_live_server.aws("sts", "get-caller-identity")
    assert json.loads(result.stdout)["Arn"] == "arn:aws:iam::000000000000:root"


# --- time -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("offset", [timedelta(minutes=-10), timedelta(minutes=10)])
def test_skewed_clock_is_refused(server: Server, offset: timedelta) -> None:
    when = datetime.now(UTC) + offset
    query = send(sign(form_request(server.endpoint, STS_FORM), service="sts", when=when))
    assert query.status_code == 403
    code, message = _query_error(query)
    assert code == "SignatureDoesNotMatch"
    expected = "Signature expired" if offset < timedelta(0) else "Signature not yet current"
    assert expected in message

    body = sign(json_request(server.endpoint, SSM_TARGET, "{}"), service="ssm", when=when)
    response = send(body)
    assert response.status_code == 403
    code, message = _json_error(response)
    assert code == "InvalidSignatureException"
    assert expected in message


def test_small_clock_skew_is_accepted(server: Server) -> None:
    when = datetime.now(UTC) - timedelta(minutes=4)
    response = send(sign(form_request(server.endpoint, STS_FORM), service="sts", when=when))
    assert response.status_code == 200
    assert b"<Arn>arn:aws:iam::000000000000:root</Arn>" in response.content


def test_skewed_clock_through_boto3(strict_live_server: Server) -> None:
    """A root key (verified even in test mode) signed 10 minutes in the past."""
    request = sign(
        form_request(strict_live_server.endpoint, STS_FORM),
        service="sts",
        when=datetime.now(UTC) - timedelta(minutes=10),
    )
    code, message = _query_error(send(request))
    assert (code, message.split(":")[0]) == ("SignatureDoesNotMatch", "Signature expired")


# --- presigned URLs -------------------------------------------------------------------------------


def _check_presigned_get(live: Server) -> None:
    url = live.client("sts").generate_presigned_url("get_caller_identity", ExpiresIn=60, HttpMethod="GET")
    assert "X-Amz-Signature=" in url
    response = httpx.get(url)
    assert response.status_code == 200, response.text
    assert b"<Arn>arn:aws:iam::000000000000:root</Arn>" in response.content


def test_presigned_get_caller_identity_works_in_test_mode(server: Server) -> None:
    _check_presigned_get(server)


def test_presigned_get_caller_identity_works(strict_live_server: Server) -> None:
    _check_presigned_get(strict_live_server)


def test_presigned_post_works(strict_live_server: Server) -> None:
    """botocore's default presigned query call is signed as a POST with the parameters in the URL."""
    url = strict_live_server.client("sts").generate_presigned_url("get_caller_identity", ExpiresIn=60)
    response = httpx.post(url)
    assert response.status_code == 200, response.text
    request = sign(
        query_url_request(strict_live_server.endpoint, STS_FORM, "POST"), service="sts", presign_expires=60
    )
    assert "X-Amz-Signature=" in request.url
    assert send(request).status_code == 200


def test_expired_presigned_url_fails(strict_live_server: Server) -> None:
    request = sign(
        query_url_request(strict_live_server.endpoint, STS_FORM),
        service="sts",
        when=datetime.now(UTC) - timedelta(minutes=3),
        presign_expires=60,
    )
    response = send(request)
    assert response.status_code == 403
    code, message = _query_error(response)
    assert code == "SignatureDoesNotMatch"
    assert "Signature expired" in message


def test_presigned_url_with_a_changed_parameter_fails(strict_live_server: Server) -> None:
    sts = strict_live_server.client("sts")
    url = sts.generate_presigned_url("get_caller_identity", ExpiresIn=60, HttpMethod="GET")
    assert httpx.post(url).status_code == 403, "the method is signed too"
    response = httpx.get(url.replace("Version=2011-06-15", "Version=2011-06-16"))
    assert response.status_code == 403
    assert _query_error(response)[0] == "SignatureDoesNotMatch"


def test_presigned_url_with_a_week_plus_expiry_is_refused(strict_live_server: Server) -> None:
    request = sign(
        query_url_request(strict_live_server.endpoint, STS_FORM), service="sts", presign_expires=604801
    )
    response = send(request)
    assert response.status_code == 403
    code, message = _query_error(response)
    assert code == "IncompleteSignature"
    assert "604800" in message


# --- integrity and scope --------------------------------------------------------------------------


def test_body_tampered_after_signing_fails(strict_live_server: Server) -> None:
    request = sign(form_request(strict_live_server.endpoint, STS_FORM), service="sts")
    request.data = b"Action=GetCallerIdentity&Version=2011-06-15&Extra=1"
    response = send(request)
    assert response.status_code == 403
    assert _query_error(response)[0] == "SignatureDoesNotMatch"

    request = sign(json_request(strict_live_server.endpoint, SSM_TARGET, "{}"), service="ssm")
    request.data = b'{"MaxResults": 5}'
    response = send(request)
    assert response.status_code == 403
    assert _json_error(response)[0] == "InvalidSignatureException"


def test_declared_payload_hash_must_match_the_body(strict_live_server: Server) -> None:
    request = form_request(strict_live_server.endpoint, STS_FORM)
    request.headers["X-Amz-Content-SHA256"] = "0" * 64
    response = send(sign(request, service="sts"))
    assert _query_error(response)[0] == "SignatureDoesNotMatch"


def test_signed_header_changed_after_signing_fails(strict_live_server: Server) -> None:
    request = sign(json_request(strict_live_server.endpoint, SSM_TARGET, "{}"), service="ssm")
    request.headers.replace_header("X-Amz-Target", "AmazonSSM.GetParameters")
    request.data = b'{"Names": ["a"]}'
    response = send(request)
    assert _json_error(response)[0] == "InvalidSignatureException"


def test_credential_scoped_to_the_wrong_service_fails(server: Server) -> None:
    response = send(sign(form_request(server.endpoint, STS_FORM), service="iam"))
    assert response.status_code == 403
    code, message = _query_error(response)
    assert code == "SignatureDoesNotMatch"
    assert "Credential should be scoped to correct service: 'sts'" in message

    response = send(sign(json_request(server.endpoint, SSM_TARGET, "{}"), service="secretsmanager"))
    assert response.status_code == 403
    code, message = _json_error(response)
    assert code == "InvalidSignatureException"
    assert "Credential should be scoped to correct service: 'ssm'" in message


def test_credential_scoped_to_another_region_is_used_for_the_arns(server: Server) -> None:
    sts = server.client("sts", region_name="eu-west-3")
    assert sts.get_caller_identity()["Account"] == "000000000000"


def test_session_token_with_a_long_term_key_is_refused(strict_live_server: Server) -> None:
    request = sign(
        form_request(strict_live_server.endpoint, STS_FORM),
        service="sts",
        key=ROOT_KEY,
        secret=ROOT_SECRET,
        token="not-a-session-token",
    )
    response = send(request)
    assert response.status_code == 403
    assert _query_error(response) == (
        "InvalidClientTokenId",
        "The security token included in the request is invalid.",
    )
