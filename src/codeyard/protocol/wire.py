"""The three wire protocols we answer in: which one a request speaks, and how each spells a reply.

- AWS JSON 1.1: `POST /` with `X-Amz-Target: <prefix>.<Operation>`, JSON bodies;
- Smithy RPC v2 CBOR: `POST /service/<prefix>/operation/<Operation>` with `smithy-protocol:
  rpc-v2-cbor`, CBOR bodies (what botocore speaks to CodeBuild, CodePipeline and CodeDeploy);
- AWS query: form-encoded `Action=...` in, XML out (IAM, STS).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from botocore.model import OperationModel

from codeyard.protocol import cbor_codec, json_codec, query_codec
from codeyard.protocol.errors import WireError
from codeyard.protocol.sigv4 import HttpRequest

JSON_TYPE = "application/x-amz-json-1.1"
CBOR_TYPE = "application/cbor"
XML_TYPE = "text/xml"
QUERY_NAMESPACE = "https://iam.amazonaws.com/doc/2010-05-08/"
RPC_V2_PREFIX = "/service/"
_SMITHY = ("smithy-protocol", "rpc-v2-cbor")


class Protocol(StrEnum):
    JSON = "json"
    CBOR = "cbor"
    QUERY = "query"


@dataclass(frozen=True, slots=True)
class HttpResponse:
    status: int
    content_type: str
    body: bytes
    headers: tuple[tuple[str, str], ...] = field(default=())


def protocol_of(request: HttpRequest) -> Protocol:
    if request.header("x-amz-target") is not None:
        return Protocol.JSON
    if request.raw_path.startswith(RPC_V2_PREFIX) or request.header("smithy-protocol") is not None:
        return Protocol.CBOR
    return Protocol.QUERY


def rpc_v2_target(raw_path: str) -> tuple[str, str]:
    """(target prefix, operation) of `/service/<prefix>/operation/<Operation>`; ("", "") if not."""
    parts = raw_path.split("/")
    if len(parts) == 5 and parts[0] == "" and parts[1] == "service" and parts[3] == "operation":
        return parts[2], parts[4]
    return "", ""


def parse(protocol: Protocol, body: bytes) -> Any:
    """The input document of a JSON or CBOR request (query forms are decoded by the shape)."""
    return cbor_codec.decode(body) if protocol is Protocol.CBOR else json_codec.parse_body(body)


def success(
    protocol: Protocol, operation: OperationModel, namespace: str, result: dict[str, Any], request_id: str
) -> HttpResponse:
    headers: tuple[tuple[str, str], ...] = (("x-amzn-requestid", request_id),)
    if protocol is Protocol.JSON:
        return HttpResponse(200, JSON_TYPE, json_codec.dump(result), headers)
    if protocol is Protocol.CBOR:
        body = cbor_codec.dump(result) if operation.output_shape is not None else b""
        return HttpResponse(200, CBOR_TYPE, body, (*headers, _SMITHY))
    return HttpResponse(
        200, XML_TYPE, query_codec.dump_response(operation, namespace, result, request_id), headers
    )


def failure(protocol: Protocol, wire: WireError, namespace: str | None, request_id: str) -> HttpResponse:
    headers: tuple[tuple[str, str], ...] = (("x-amzn-requestid", request_id), ("x-amzn-errortype", wire.code))
    if protocol is Protocol.JSON:
        body = json_codec.dump({"__type": wire.code, "message": wire.message})
        return HttpResponse(wire.status, JSON_TYPE, body, headers)
    if protocol is Protocol.CBOR:
        body = cbor_codec.dump({"__type": wire.code, "message": wire.message})
        return HttpResponse(wire.status, CBOR_TYPE, body, (*headers, _SMITHY))
    body = query_codec.dump_error(
        namespace or QUERY_NAMESPACE, wire.code, wire.message, wire.sender_fault, request_id
    )
    return HttpResponse(wire.status, XML_TYPE, body, headers)
