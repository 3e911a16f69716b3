"""Smithy RPC v2 CBOR over the wire: what botocore and the aws CLI speak to CodeBuild, CodePipeline
and CodeDeploy."""

from __future__ import annotations

import botocore.session
import httpx
import pytest

from codeyard.cli.compatibility import coverage
from tests.api.test_protocol import client_error, unvalidated
from tests.support.server import Server


def _unimplemented_cbor_operation() -> tuple[str, str]:
    """(service, operation) of an RPC v2 CBOR operation without required input or code."""
    session = botocore.session.get_session()
    for service in coverage():
        if service.protocol != "smithy-rpc-v2-cbor":
            continue
        model = session.get_service_model(service.name)
        for op in service.operations:
            shape = model.operation_model(op).input_shape
            if op not in service.implemented and (shape is None or not shape.required_members):
                return service.name, op
    pytest.fail("no unimplemented RPC v2 CBOR operation left: pick another way to show 501")


def test_boto3_speaks_cbor_to_us(server: Server) -> None:
    service, operation = _unimplemented_cbor_operation()
    client = unvalidated(server, service)
    assert client.meta.service_model.protocol == "smithy-rpc-v2-cbor"
    status, code, message = client_error(getattr(client, botocore.xform_name(operation)))
    assert (status, code) == (501, "NotImplemented")
    assert operation in message


def test_cbor_errors_before_routing(server: Server) -> None:
    service, operation = _unimplemented_cbor_operation()
    prefix = botocore.session.get_session().get_service_model(service).metadata["targetPrefix"]
    path = f"/service/{prefix}/operation/{operation}"
    response = httpx.post(server.endpoint + path, content=b"\xa0", headers={"smithy-protocol": "rpc-v2-cbor"})
    assert response.status_code == 403
    assert response.headers["content-type"] == "application/cbor"
    assert response.headers["smithy-protocol"] == "rpc-v2-cbor"
    assert response.headers["x-amzn-errortype"] == "MissingAuthenticationToken"


def test_aws_cli_speaks_cbor_to_us(server: Server) -> None:
    service, operation = _unimplemented_cbor_operation()
    command = botocore.xform_name(operation).replace("_", "-")
    result = server.aws(service, command, check=False)
    assert result.returncode != 0
    assert "NotImplemented" in result.stderr
    assert operation in result.stderr
