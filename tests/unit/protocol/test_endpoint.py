"""The handler in process, in all three protocols: botocore serialises and signs the request,
our handler answers, botocore parses the answer. The services are small classes defined here,
standing in at the service edge so the protocol layer is shown on its own."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlencode, urlsplit

import botocore.session
import pytest
from botocore.awsrequest import AWSRequest
from botocore.parsers import create_parser
from botocore.serialize import create_serializer

from codeyard.accounts import (
    AuthorizationRequest,
    Credential,
    Decision,
    Principal,
    PrincipalKind,
    RequestContext,
)
from codeyard.clock import FakeClock
from codeyard.errors import CodeyardError
from codeyard.ids import IdGenerator, SeededRandomness
from codeyard.protocol.authentication import Authenticator
from codeyard.protocol.endpoint import ApiHandler
from codeyard.protocol.models import ServiceCatalog
from codeyard.protocol.sigv4 import HttpRequest
from codeyard.protocol.wire import HttpResponse
from tests.support.signing import sign

NOW = datetime(2026, 3, 4, 5, 6, 7, tzinfo=UTC)
ACCOUNT = "123456789012"
ROOT = Principal(PrincipalKind.ROOT, f"arn:aws:iam::{ACCOUNT}:root", ACCOUNT, ACCOUNT, "root", "AKIAROOT")
BOB = Principal(PrincipalKind.USER, f"arn:aws:iam::{ACCOUNT}:user/bob", ACCOUNT, "AIDABOB", "bob", "AKIABOB")
SECRET = "secret-of-everyone"
SESSION = botocore.session.get_session()
CREATED = datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC)


class Keys:
    """Credentials: the root key, Bob's key and an expired session of Bob's."""

    def __init__(self) -> None:
        self.used: list[tuple[str, str, str]] = []

    def resolve(self, access_key_id: str) -> Credential | None:
        if access_key_id == "AKIAROOT":
            return Credential("AKIAROOT", SECRET, ROOT)
        if access_key_id == "AKIABOB":
            return Credential("AKIABOB", SECRET, BOB, last_used_at=NOW - timedelta(seconds=5))
        if access_key_id == "ASIAOLD":
            return Credential(
                "ASIAOLD", SECRET, BOB, session_token="tok", expires_at=NOW - timedelta(seconds=1)
            )
        return None

    def note_use(self, access_key_id: str, service: str, region: str) -> None:
        self.used.append((access_key_id, service, region))


class DenyBob:
    def decide(self, request: AuthorizationRequest) -> Decision:
        return Decision.IMPLICIT_DENY if request.principal.name == "bob" else Decision.ALLOW


class InvalidInput(CodeyardError):
    code = "InvalidInputException"


class NoSuchEntity(CodeyardError):
    code = "NoSuchEntityException"


class CodeBuild:
    service_name = "codebuild"

    def resources_for(self, operation: str, params: Mapping[str, Any], ctx: RequestContext) -> Sequence[str]:
        return [ctx.arn("codebuild", f"project/{name}") for name in params.get("names", ["*"])]

    def batch_get_projects(self, ctx: RequestContext, *, names: list[str]) -> dict[str, Any]:
        if "boom" in names:
            raise RuntimeError("a bug in a service")
        if "bad" in names:
            raise InvalidInput("bad is not a project name")
        if "extra" in names:
            return {"projects": [], "surprise": 1}
        projects = [
            {
                "name": n,
                "arn": ctx.arn("codebuild", f"project/{n}"),
                "created": CREATED,
                "timeoutInMinutes": 60,
            }
            for n in names
            if n != "missing"
        ]
        return {"projects": projects, "projectsNotFound": [n for n in names if n == "missing"]}


class Sts:
    service_name = "sts"
    always_allowed = frozenset({"GetCallerIdentity"})

    def resources_for(self, operation: str, params: Mapping[str, Any], ctx: RequestContext) -> Sequence[str]:
        return ["*"]

    def get_caller_identity(self, ctx: RequestContext) -> dict[str, Any]:
        return {"UserId": ctx.principal.user_id, "Account": ctx.account_id, "Arn": ctx.principal.arn}


class Iam:
    service_name = "iam"

    def resources_for(self, operation: str, params: Mapping[str, Any], ctx: RequestContext) -> Sequence[str]:
        return [f"arn:aws:iam::{ctx.account_id}:user/{params.get('UserName', '')}"]

    def get_user(self, ctx: RequestContext, *, user_name: str | None = None) -> dict[str, Any]:
        if user_name != "alice":
            raise NoSuchEntity(f"The user with name {user_name} cannot be found.")
        arn = f"arn:aws:iam::{ctx.account_id}:user/alice"
        return {
            "User": {
                "Path": "/",
                "UserName": "alice",
                "UserId": "AIDAALICE",
                "Arn": arn,
                "CreateDate": CREATED,
            }
        }


@pytest.fixture
def keys() -> Keys:
    return Keys()


@pytest.fixture
def handler(keys: Keys) -> ApiHandler:
    catalog = ServiceCatalog(["codebuild", "sts", "iam"])
    services: dict[str, Any] = {"codebuild": CodeBuild(), "sts": Sts(), "iam": Iam()}
    authenticator = Authenticator(keys, FakeClock(NOW), ROOT)
    ids = IdGenerator(SeededRandomness(7))
    return ApiHandler(catalog, services, authenticator, DenyBob(), ids, ACCOUNT, strict_output=True)


def request(
    service: str,
    operation: str,
    params: dict[str, Any],
    *,
    protocol: str | None = None,
    key: str = "AKIAROOT",
    token: str | None = None,
    signed: bool = True,
    region: str = "eu-west-3",
) -> HttpRequest:
    """The request botocore would send, as the server sees it."""
    model = SESSION.get_service_model(service)
    protocol = protocol or model.metadata["protocol"]
    serialized = create_serializer(protocol, include_validation=False).serialize_to_request(
        params, model.operation_model(operation)
    )
    body = serialized["body"]
    if isinstance(body, dict):
        body = urlencode(body).encode()
        serialized["headers"]["Content-Type"] = "application/x-www-form-urlencoded; charset=utf-8"
    aws = AWSRequest(
        method=serialized["method"], url="http://codeyard.test" + serialized["url_path"], data=body,
        headers=dict(serialized["headers"]),
    )  # fmt: skip
    if signed:
        sign(aws, service=model.signing_name, region=region, key=key, secret=SECRET, token=token, when=NOW)
    prepared = aws.prepare()
    url = urlsplit(prepared.url)
    headers = [(k.lower(), v) for k, v in prepared.headers.items()] + [("host", url.netloc)]
    return HttpRequest(prepared.method, url.path, url.query, headers, prepared.body or b"")


def parse(
    service: str, operation: str, response: HttpResponse, protocol: str | None = None
) -> dict[str, Any]:
    """What botocore makes of our answer (errors included, as it raises them)."""
    model = SESSION.get_service_model(service)
    parser = create_parser(protocol or model.metadata["protocol"])
    headers = {"content-type": response.content_type, **dict(response.headers)}
    parsed: dict[str, Any] = parser.parse(
        {"body": response.body, "headers": headers, "status_code": response.status},
        model.operation_model(operation).output_shape,
    )
    return parsed


def error(
    service: str, operation: str, response: HttpResponse, protocol: str | None = None
) -> tuple[int, str]:
    parsed = parse(service, operation, response, protocol)
    return response.status, parsed["Error"]["Code"]


# --- RPC v2 CBOR ----------------------------------------------------------------------------------


def test_cbor_call_round_trip(handler: ApiHandler) -> None:
    response = handler.handle(request("codebuild", "BatchGetProjects", {"names": ["p", "missing"]}))
    assert response.status == 200
    assert response.content_type == "application/cbor"
    assert ("smithy-protocol", "rpc-v2-cbor") in response.headers
    parsed = parse("codebuild", "BatchGetProjects", response)
    assert parsed["projects"] == [
        {
            "name": "p",
            "arn": f"arn:aws:codebuild:eu-west-3:{ACCOUNT}:project/p",
            "created": CREATED,
            "timeoutInMinutes": 60,
        }
    ]
    assert parsed["projectsNotFound"] == ["missing"]
    assert parsed["ResponseMetadata"]["RequestId"]


def test_the_same_service_over_json(handler: ApiHandler) -> None:
    response = handler.handle(request("codebuild", "BatchGetProjects", {"names": ["p"]}, protocol="json"))
    assert response.content_type == "application/x-amz-json-1.1"
    assert parse("codebuild", "BatchGetProjects", response, "json")["projects"][0]["created"] == CREATED


@pytest.mark.parametrize("protocol", ["smithy-rpc-v2-cbor", "json"])
def test_validation_error(handler: ApiHandler, protocol: str) -> None:
    response = handler.handle(request("codebuild", "BatchGetProjects", {"names": []}, protocol=protocol))
    assert error("codebuild", "BatchGetProjects", response, protocol) == (400, "ValidationException")
    assert b"Member must have length greater than or equal to 1" in response.body


def test_service_error_keeps_its_code(handler: ApiHandler) -> None:
    response = handler.handle(request("codebuild", "BatchGetProjects", {"names": ["bad"]}))
    assert error("codebuild", "BatchGetProjects", response) == (400, "InvalidInputException")


def test_a_bug_is_a_500_without_details(handler: ApiHandler, caplog: pytest.LogCaptureFixture) -> None:
    response = handler.handle(request("codebuild", "BatchGetProjects", {"names": ["boom"]}))
    assert error("codebuild", "BatchGetProjects", response) == (500, "InternalFailure")
    assert b"a bug in a service" not in response.body
    assert "a bug in a service" in caplog.text


def test_output_outside_the_model_is_caught_in_test_mode(handler: ApiHandler) -> None:
    response = handler.handle(request("codebuild", "BatchGetProjects", {"names": ["extra"]}))
    assert error("codebuild", "BatchGetProjects", response) == (500, "InternalFailure")
    assert b"surprise" in response.body


def signed_cbor(path: str, body: bytes) -> HttpRequest:
    """A CBOR call to any path, signed, whatever its body."""
    aws = AWSRequest(method="POST", url="http://codeyard.test" + path, data=body, headers={})
    aws.headers["smithy-protocol"] = "rpc-v2-cbor"
    sign(aws, service="codebuild", key="AKIAROOT", secret=SECRET, when=NOW)
    prepared = aws.prepare()
    headers = [(k.lower(), v) for k, v in prepared.headers.items()] + [("host", "codeyard.test")]
    return HttpRequest("POST", path, "", headers, prepared.body)


def test_malformed_cbor_body(handler: ApiHandler) -> None:
    response = handler.handle(
        signed_cbor("/service/CodeBuild_20161006/operation/BatchGetProjects", b"\xa1\x61")
    )
    assert error("codebuild", "BatchGetProjects", response) == (400, "SerializationException")


@pytest.mark.parametrize(
    "path",
    [
        "/service/CodeBuild_20161006/operation/NoSuch",
        "/service/Nope/operation/BatchGetProjects",
        "/service/CodeBuild_20161006/BatchGetProjects",
        "/service/",
    ],
)
def test_unknown_cbor_operation(handler: ApiHandler, path: str) -> None:
    response = handler.handle(signed_cbor(path, b"\xa0"))
    assert error("codebuild", "BatchGetProjects", response) == (400, "UnknownOperationException")
    assert response.content_type == "application/cbor"


def test_unimplemented_cbor_operation(handler: ApiHandler) -> None:
    response = handler.handle(request("codebuild", "ListProjects", {}))
    assert error("codebuild", "ListProjects", response) == (501, "NotImplemented")
    assert b"CodeBuild ListProjects" in response.body


def test_unsigned_cbor(handler: ApiHandler) -> None:
    response = handler.handle(request("codebuild", "BatchGetProjects", {"names": ["p"]}, signed=False))
    assert error("codebuild", "BatchGetProjects", response) == (403, "MissingAuthenticationToken")


# --- authentication and authorisation -------------------------------------------------------------


def test_denied_user_json_and_query(handler: ApiHandler) -> None:
    response = handler.handle(request("codebuild", "BatchGetProjects", {"names": ["p"]}, key="AKIABOB"))
    assert error("codebuild", "BatchGetProjects", response) == (400, "AccessDeniedException")
    assert b"is not authorized to perform: codebuild:BatchGetProjects" in response.body
    response = handler.handle(request("iam", "GetUser", {"UserName": "alice"}, key="AKIABOB"))
    assert error("iam", "GetUser", response) == (403, "AccessDenied")


def test_always_allowed_operation(handler: ApiHandler) -> None:
    response = handler.handle(request("sts", "GetCallerIdentity", {}, key="AKIABOB"))
    assert parse("sts", "GetCallerIdentity", response)["Arn"] == BOB.arn


def test_unknown_key_without_test_mode(handler: ApiHandler) -> None:
    response = handler.handle(request("sts", "GetCallerIdentity", {}, key="AKIANOBODY"))
    assert error("sts", "GetCallerIdentity", response) == (403, "InvalidClientTokenId")


def test_expired_session(handler: ApiHandler) -> None:
    response = handler.handle(request("sts", "GetCallerIdentity", {}, key="ASIAOLD", token="tok"))
    assert error("sts", "GetCallerIdentity", response) == (403, "ExpiredToken")
    response = handler.handle(
        request("codebuild", "BatchGetProjects", {"names": ["p"]}, key="ASIAOLD", token="x")
    )
    assert error("codebuild", "BatchGetProjects", response) == (403, "UnrecognizedClientException")


def test_last_use_is_recorded_coarsely(handler: ApiHandler, keys: Keys) -> None:
    handler.handle(request("sts", "GetCallerIdentity", {}))
    handler.handle(request("sts", "GetCallerIdentity", {}, key="AKIABOB"))
    assert keys.used == [("AKIAROOT", "sts", "eu-west-3")], "Bob's key was used 5 s ago: not written again"


# --- query ----------------------------------------------------------------------------------------


def test_query_success_and_modelled_error_status(handler: ApiHandler) -> None:
    response = handler.handle(request("iam", "GetUser", {"UserName": "alice"}))
    assert parse("iam", "GetUser", response)["User"]["CreateDate"] == CREATED
    response = handler.handle(request("iam", "GetUser", {"UserName": "carol"}))
    assert error("iam", "GetUser", response) == (404, "NoSuchEntity")
    assert b"carol cannot be found" in response.body


def test_region_of_the_scope_and_account_reach_the_service(handler: ApiHandler) -> None:
    response = handler.handle(request("sts", "GetCallerIdentity", {}, region="ap-south-2"))
    assert parse("sts", "GetCallerIdentity", response)["Account"] == ACCOUNT
    response = handler.handle(request("codebuild", "BatchGetProjects", {"names": ["p"]}, region="ap-south-2"))
    assert parse("codebuild", "BatchGetProjects", response)["projects"][0]["arn"].startswith(
        "arn:aws:codebuild:ap-south-2:"
    )
