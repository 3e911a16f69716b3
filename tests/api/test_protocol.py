"""Validation, routing and error shapes of the AWS JSON and query protocols, over the wire."""

from __future__ import annotations

import json
from typing import Any
from xml.etree import ElementTree

import boto3
import botocore.session
import httpx
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from codeyard.cli.compatibility import coverage
from codeyard.protocol.endpoint import MAX_BODY
from tests.support.server import ROOT_KEY, ROOT_SECRET, Server
from tests.support.signing import form_request, json_request, send, sign

PUT_PARAMETER = "AmazonSSM.PutParameter"


def unvalidated(server: Server, service: str) -> Any:
    """A boto3 client that sends whatever it is given: the server has to refuse it."""
    return boto3.session.Session(aws_access_key_id=ROOT_KEY, aws_secret_access_key=ROOT_SECRET).client(
        service,
        endpoint_url=server.endpoint,
        region_name="us-east-1",
        config=Config(parameter_validation=False, retries={"max_attempts": 1}),
    )


def call_json(server: Server, target: str, body: bytes | str, service: str = "ssm") -> httpx.Response:
    return send(sign(json_request(server.endpoint, target, body), service=service))


def call_query(server: Server, form: str, service: str = "iam") -> httpx.Response:
    return send(sign(form_request(server.endpoint, form), service=service))


def json_error(response: httpx.Response) -> tuple[int, str, str]:
    assert response.headers["content-type"] == "application/x-amz-json-1.1"
    payload = response.json()
    assert set(payload) == {"__type", "message"}
    assert response.headers["x-amzn-errortype"] == payload["__type"]
    assert response.headers["x-amzn-requestid"]
    return response.status_code, payload["__type"], payload["message"]


def query_error(response: httpx.Response) -> tuple[int, str, str]:
    assert response.headers["content-type"] == "text/xml"
    root = ElementTree.fromstring(response.content)
    ns = root.tag.partition("}")[0] + "}"
    assert root.tag == f"{ns}ErrorResponse"
    assert root.findtext(f"{ns}Error/{ns}Type") in ("Sender", "Receiver")
    assert root.findtext(f"{ns}RequestId") == response.headers["x-amzn-requestid"]
    return (
        response.status_code,
        root.findtext(f"{ns}Error/{ns}Code") or "",
        root.findtext(f"{ns}Error/{ns}Message") or "",
    )


def client_error(call: Any, **kwargs: Any) -> tuple[int, str, str]:
    with pytest.raises(ClientError) as caught:
        call(**kwargs)
    response = caught.value.response
    return (
        response["ResponseMetadata"]["HTTPStatusCode"],
        response["Error"]["Code"],
        response["Error"]["Message"],
    )


# --- validation (JSON) ----------------------------------------------------------------------------


def test_missing_required_member(server: Server) -> None:
    status, code, message = client_error(unvalidated(server, "ssm").put_parameter, Name="/a")
    assert (status, code) == (400, "ValidationException")
    assert message == (
        "1 validation error detected: Value null at 'value' failed to satisfy constraint: Member must not be null"
    )


def test_too_long(server: Server) -> None:
    status, code, message = client_error(unvalidated(server, "ssm").get_parameter, Name="/" + "a" * 2048)
    assert (status, code) == (400, "ValidationException")
    assert (
        "at 'name' failed to satisfy constraint: Member must have length less than or equal to 2048"
        in message
    )


def test_pattern(server: Server) -> None:
    status, code, message = client_error(
        unvalidated(server, "ssm").put_parameter,
        Name="/a",
        Value="v",
        Type="SecureString",
        KeyId="alias/has space",
    )
    assert (status, code) == (400, "ValidationException")
    assert "Value 'alias/has space' at 'keyId' failed to satisfy constraint: " in message
    assert "Member must satisfy regular expression pattern: ^([a-zA-Z0-9:/_-]+)$" in message


def test_enum(server: Server) -> None:
    status, code, message = client_error(
        unvalidated(server, "ssm").put_parameter, Name="/a", Value="v", Type="Plain"
    )
    assert (status, code) == (400, "ValidationException")
    assert "Member must satisfy enum value set: [String, StringList, SecureString]" in message


def test_range(server: Server) -> None:
    status, code, message = client_error(
        unvalidated(server, "ssm").get_parameters_by_path, Path="/", MaxResults=11
    )
    assert (status, code) == (400, "ValidationException")
    assert (
        "Value '11' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 10"
        in (message)
    )


def test_several_failures_are_reported_together(server: Server) -> None:
    _, code, message = client_error(unvalidated(server, "ssm").put_parameter, Name="", Type="Plain")
    assert code == "ValidationException"
    assert message.startswith("3 validation errors detected: ")


def test_wrong_type_is_a_serialization_exception(server: Server) -> None:
    status, code, message = json_error(call_json(server, PUT_PARAMETER, '{"Name": 5, "Value": "v"}'))
    assert (status, code) == (400, "SerializationException")
    assert "at 'name'" in message
    status, code, _ = json_error(
        call_json(server, PUT_PARAMETER, '{"Name": "/a", "Value": "v", "Overwrite": "yes"}')
    )
    assert (status, code) == (400, "SerializationException")


def test_unknown_member(server: Server) -> None:
    status, code, message = json_error(
        call_json(server, PUT_PARAMETER, '{"Name": "/a", "Value": "v", "Colour": 1}')
    )
    assert (status, code) == (400, "ValidationException")
    assert message.startswith('Unknown parameter in input: "Colour", must be one of: Name, ')


@pytest.mark.parametrize(
    "body",
    ['{"Name": ', "not json", '["Name"]', '"Name"', '{"Name": "/a", "Value": NaN}', b"\xff\xfe\x00"],
    ids=["truncated", "text", "array", "string", "nan", "binary"],
)
def test_malformed_json_body(server: Server, body: str | bytes) -> None:
    status, code, _ = json_error(call_json(server, PUT_PARAMETER, body))
    assert (status, code) == (400, "SerializationException")


def test_nothing_was_stored_by_refused_calls(server: Server) -> None:
    ssm = unvalidated(server, "ssm")
    client_error(ssm.put_parameter, Name="/refused", Value="v", Type="Plain")
    status, code, _ = client_error(ssm.get_parameter, Name="/refused")
    assert (status, code) == (400, "ParameterNotFound")


# --- routing --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "target", ["AmazonSSM.NoSuchOperation", "NoSuchService.GetParameter", "AmazonSSM", "", ".", "AmazonSSM."]
)
def test_unknown_target(server: Server, target: str) -> None:
    status, code, message = json_error(call_json(server, target, "{}"))
    assert (status, code) == (400, "UnknownOperationException")
    assert target in message


def _unimplemented(protocol: str) -> tuple[str, str, str]:
    """(service, operation, signing name) of an operation in the model that has no code yet."""
    session = botocore.session.get_session()
    for service in coverage():
        if service.protocol != protocol:
            continue
        missing = [op for op in service.operations if op not in service.implemented]
        if missing:
            model = session.get_service_model(service.name)
            return model.metadata.get("targetPrefix", ""), missing[0], model.signing_name
    pytest.fail(f"every {protocol} operation is implemented: pick another way to show 501")


def test_operation_in_the_model_without_code_answers_501(server: Server) -> None:
    prefix, operation, signing_name = _unimplemented("json")
    status, code, message = json_error(call_json(server, f"{prefix}.{operation}", "{}", service=signing_name))
    assert (status, code) == (501, "NotImplemented")
    assert operation in message
    assert "does not implement" in message


def test_501_comes_before_validation(server: Server) -> None:
    """Invalid input to a missing operation still learns that the operation is missing."""
    prefix, operation, signing_name = _unimplemented("json")
    response = call_json(server, f"{prefix}.{operation}", '{"NoSuchMember": [1, 2, 3]}', service=signing_name)
    assert json_error(response)[:2] == (501, "NotImplemented")


def test_501_comes_after_authentication(server: Server) -> None:
    prefix, operation, _ = _unimplemented("json")
    response = send(json_request(server.endpoint, f"{prefix}.{operation}", "{}"))
    assert json_error(response)[:2] == (403, "MissingAuthenticationToken")


def test_unimplemented_query_operation_answers_501(server: Server) -> None:
    _, operation, signing_name = _unimplemented("query")
    status, code, message = query_error(
        call_query(server, f"Action={operation}&Version=x", service=signing_name)
    )
    assert (status, code) == (501, "NotImplemented")
    assert operation in message


def test_unknown_query_action(server: Server) -> None:
    status, code, message = query_error(call_query(server, "Action=NoSuchAction&Version=2010-05-08"))
    assert (status, code) == (400, "InvalidAction")
    assert "NoSuchAction" in message


def test_query_without_action(server: Server) -> None:
    status, code, _ = query_error(call_query(server, "Version=2010-05-08&UserName=x"))
    assert (status, code) == (400, "InvalidAction")


def test_query_parameters_the_operation_does_not_have_are_ignored(server: Server) -> None:
    response = call_query(server, "Action=GetCallerIdentity&Version=2011-06-15&Unknown=1", service="sts")
    assert response.status_code == 200
    assert b"<Arn>arn:aws:iam::000000000000:root</Arn>" in response.content


def test_query_through_get(server: Server) -> None:
    url = server.client("sts").generate_presigned_url("get_caller_identity", HttpMethod="GET")
    assert httpx.get(url).status_code == 200


def test_get_on_an_unknown_path_is_404(server: Server) -> None:
    for path in ("/nothing", "/nothing?Action=GetCallerIdentity", "/_codeyard/v1/nothing"):
        response = httpx.get(server.endpoint + path)
        assert response.status_code == 404
        assert response.json()["__type"] == "NotFound"
        assert response.json()["message"].startswith("Nothing is served at /")


def test_get_of_the_root_without_a_query_is_404(server: Server) -> None:
    assert httpx.get(server.endpoint + "/").status_code == 404


def test_other_methods_are_404(server: Server) -> None:
    for method in ("PUT", "DELETE", "PATCH"):
        assert httpx.request(method, server.endpoint + "/").status_code == 404


# --- limits ---------------------------------------------------------------------------------------


def test_body_over_the_limit_is_413_json(server: Server) -> None:
    body = b'{"Name": "' + b"a" * MAX_BODY + b'"}'
    response = httpx.post(
        server.endpoint + "/",
        content=body,
        headers={"X-Amz-Target": PUT_PARAMETER, "Content-Type": "application/x-amz-json-1.1"},
        timeout=60,
    )
    status, code, message = response.status_code, response.json()["__type"], response.json()["message"]
    assert (status, code) == (413, "RequestEntityTooLarge")
    assert str(MAX_BODY) in message


def test_body_over_the_limit_is_413_query_streamed(server: Server) -> None:
    def chunks() -> Any:
        yield b"Action=GetCallerIdentity&Version=2011-06-15&Pad="
        for _ in range(MAX_BODY // (1 << 20) + 1):
            yield b"a" * (1 << 20)

    response = httpx.post(
        server.endpoint + "/",
        content=chunks(),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        timeout=60,
    )
    assert response.status_code == 413
    root = ElementTree.fromstring(response.content)
    assert root.findtext("{*}Error/{*}Code") == "RequestEntityTooLarge"


def test_server_still_answers_after_a_413(server: Server) -> None:
    httpx.post(server.endpoint + "/", content=b"x" * (MAX_BODY + 1), timeout=60)
    assert server.client("sts").get_caller_identity()["Account"] == "000000000000"


# --- error shapes ---------------------------------------------------------------------------------


def test_service_errors_have_their_model_code_and_status(server: Server) -> None:
    status, code, message = json_error(call_json(server, "AmazonSSM.GetParameter", '{"Name": "/missing"}'))
    assert (status, code) == (400, "ParameterNotFound")
    assert message


def test_boto3_reads_our_json_errors(server: Server) -> None:
    ssm = server.client("ssm")
    with pytest.raises(ssm.exceptions.ParameterNotFound):
        ssm.get_parameter(Name="/missing")


def test_success_has_a_request_id(server: Server) -> None:
    response = call_json(server, "AmazonSSM.DescribeParameters", "{}")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/x-amz-json-1.1"
    assert response.headers["x-amzn-requestid"]
    assert json.loads(response.content) == {"Parameters": []}


def test_query_success_document(server: Server) -> None:
    response = call_query(server, "Action=GetCallerIdentity&Version=2011-06-15", service="sts")
    root = ElementTree.fromstring(response.content)
    assert root.tag == "{https://sts.amazonaws.com/doc/2011-06-15/}GetCallerIdentityResponse"
    assert root.findtext("{*}ResponseMetadata/{*}RequestId") == response.headers["x-amzn-requestid"]
    assert root.findtext("{*}GetCallerIdentityResult/{*}Account") == "000000000000"


def test_query_errors_are_error_responses(server: Server) -> None:
    status, code, _ = query_error(
        send(form_request(server.endpoint, "Action=GetCallerIdentity&Version=2011-06-15"))
    )
    assert (status, code) == (403, "MissingAuthenticationToken")


# --- found by the property test -------------------------------------------------------------------


def test_nul_characters_are_refused_on_every_backend(server: Server) -> None:
    """PostgreSQL text cannot hold U+0000: it used to be a 500 from Secrets Manager there."""
    response = call_json(
        server, "secretsmanager.CreateSecret", '{"Name": "n", "Description": "a\\u0000b"}', "secretsmanager"
    )
    status, code, message = json_error(response)
    assert (status, code) == (400, "ValidationException")
    assert "Member must not contain the character U+0000" in message


def test_query_errors_echoing_control_characters_stay_parseable(server: Server) -> None:
    status, code, message = query_error(
        call_query(server, "Action=CreateUser&Version=2010-05-08&UserName=a%01b")
    )
    assert (status, code) == (400, "ValidationError")
    assert "'ab'" in message
