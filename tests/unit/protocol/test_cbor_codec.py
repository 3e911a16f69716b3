"""CBOR bodies (Smithy RPC v2) against botocore's own CBOR serializer and parser."""

from __future__ import annotations

import struct
from datetime import UTC, datetime
from typing import Any

import botocore.session
import pytest
from botocore.model import OperationModel
from botocore.parsers import create_parser
from botocore.serialize import create_serializer

from codeyard.errors import SerializationException
from codeyard.protocol import cbor_codec
from codeyard.protocol.validation import Validator

SESSION = botocore.session.get_session()


def operation(service: str, name: str) -> OperationModel:
    return SESSION.get_service_model(service).operation_model(name)


def serialized(service: str, name: str, params: dict[str, Any]) -> dict[str, Any]:
    request: dict[str, Any] = create_serializer(
        "smithy-rpc-v2-cbor", include_validation=False
    ).serialize_to_request(params, operation(service, name))
    return request


def parsed(service: str, name: str, body: bytes, status: int = 200) -> dict[str, Any]:
    model = operation(service, name)
    result: dict[str, Any] = create_parser("smithy-rpc-v2-cbor").parse(
        {"body": body, "headers": {}, "status_code": status}, model.output_shape
    )
    result.pop("ResponseMetadata", None)
    return result


def test_botocore_request_shape() -> None:
    request = serialized("codebuild", "ListProjects", {"sortBy": "NAME"})
    assert request["url_path"] == "/service/CodeBuild_20161006/operation/ListProjects"
    assert request["headers"]["smithy-protocol"] == "rpc-v2-cbor"
    assert request["headers"]["Content-Type"] == "application/cbor"
    assert cbor_codec.decode(request["body"]) == {"sortBy": "NAME"}


def test_nested_structures_lists_maps_longs_and_doubles() -> None:
    params = {
        "name": "fleet",
        "baseCapacity": 2,
        "environmentType": "LINUX_CONTAINER",
        "computeType": "ATTRIBUTE_BASED_COMPUTE",
        "computeConfiguration": {"vCpu": 2**40, "memory": 4, "disk": 64, "machineType": "GENERAL"},
        "scalingConfiguration": {
            "scalingType": "TARGET_TRACKING_SCALING",
            "targetTrackingScalingConfigs": [{"metricType": "FLEET_UTILIZATION_RATE", "targetValue": 0.75}],
            "maxCapacity": 10,
        },
        "tags": [{"key": "ünï", "value": ""}],
    }
    assert cbor_codec.decode(serialized("codebuild", "CreateFleet", params)["body"]) == params


def test_timestamps_arrive_as_datetimes_the_validator_keeps() -> None:
    start = datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)
    end = datetime(2024, 1, 2, 3, 4, 5, 500000, tzinfo=UTC)
    params = {"createTimeRange": {"start": start, "end": end}}
    decoded = cbor_codec.decode(serialized("codedeploy", "ListDeployments", params)["body"])
    assert decoded == params
    model = operation("codedeploy", "ListDeployments")
    assert Validator().validate(model.input_shape, decoded)["createTimeRange"] == {"start": start, "end": end}


def test_operation_without_input_sends_no_body() -> None:
    request = serialized("codepipeline", "ListActionExecutions", {"pipelineName": "p"})
    assert cbor_codec.decode(request["body"]) == {"pipelineName": "p"}
    assert cbor_codec.decode(b"") == {}


def test_response_parses_in_botocore() -> None:
    result = {
        "projects": [
            {
                "name": "p",
                "arn": "arn:aws:codebuild:us-east-1:000000000000:project/p",
                "created": datetime(2024, 5, 6, 7, 8, 9, tzinfo=UTC),
                "lastModified": datetime(2024, 5, 6, 7, 8, 9, 250000, tzinfo=UTC),
                "timeoutInMinutes": 60,
                "badge": {"badgeEnabled": False},
                "tags": [],
                "description": None,
            }
        ],
        "projectsNotFound": ["missing"],
    }
    expected = {"projects": [{k: v for k, v in result["projects"][0].items() if v is not None}]}
    expected["projectsNotFound"] = ["missing"]
    assert parsed("codebuild", "BatchGetProjects", cbor_codec.dump(result)) == expected


def test_blob_and_large_numbers_round_trip() -> None:
    value = {"b": b"\x00\xff", "n": -(2**63), "u": 2**64 - 1, "f": -1.5, "t": True, "z": None, "l": [None, 1]}
    assert cbor_codec.decode(cbor_codec.dump(value)) == {k: v for k, v in value.items() if v is not None}


def test_integers_beyond_64_bits_cannot_be_encoded() -> None:
    with pytest.raises(TypeError):
        cbor_codec.dump({"n": 2**64})


def test_error_body_parses_in_botocore() -> None:
    body = cbor_codec.dump({"__type": "ResourceNotFoundException", "message": "no such project"})
    result = create_parser("smithy-rpc-v2-cbor").parse(
        {"body": body, "headers": {"x-amzn-requestid": "rid"}, "status_code": 400},
        operation("codebuild", "BatchGetProjects").output_shape,
    )
    assert result["Error"] == {"Code": "ResourceNotFoundException", "Message": "no such project"}
    assert result["ResponseMetadata"]["RequestId"] == "rid"


# --- the encodings other clients may use ---------------------------------------------------------


def test_indefinite_lengths() -> None:
    document = (
        b"\xbf"  # map, indefinite
        + b"\x61a"
        + b"\x9f\x01\x02\xff"  # array [1, 2], indefinite
        + b"\x61b"
        + b"\x7f\x62he\x63llo\xff"  # text "hello" in two chunks
        + b"\x61c"
        + b"\x5f\x41\x00\x41\x01\xff"  # bytes in two chunks
        + b"\xff"
    )
    assert cbor_codec.decode(document) == {"a": [1, 2], "b": "hello", "c": b"\x00\x01"}


def test_half_and_single_precision_floats() -> None:
    assert cbor_codec.decode(b"\xf9\x3e\x00") == 1.5
    assert cbor_codec.decode(b"\xfa" + struct.pack(">f", 0.25)) == 0.25


def test_bignums_and_simple_values() -> None:
    assert cbor_codec.decode(b"\xc2\x49\x01" + b"\x00" * 8) == 2**64
    assert cbor_codec.decode(b"\xc3\x41\x00") == -1
    assert cbor_codec.decode(b"\x83\xf4\xf5\xf7") == [False, True, None]


def test_integer_timestamp() -> None:
    when = datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)
    assert cbor_codec.decode(b"\xc1\x1a" + int(when.timestamp()).to_bytes(4, "big")) == when


@pytest.mark.parametrize(
    "body",
    [
        b"\xa1",  # a map that ends before its first key
        b"\x62a",  # text shorter than declared
        b"\x01\x02",  # bytes after the item
        b"\x1c",  # reserved additional information
        b"\xa1\x01\x02",  # an integer map key
        b"\x62\xff\xfe",  # text that is not UTF-8
        b"\xc1\x61x",  # a timestamp that is text
        b"\xc1\xfb" + struct.pack(">d", float("inf")),  # an infinite timestamp
        b"\xc1\x1b" + (2**63).to_bytes(8, "big"),  # a timestamp out of range
        b"\xc5\x01",  # an unsupported tag
        b"\xf8\x20",  # a one-byte simple value
        b"\x7f\x41\x00\xff",  # a text chunk that is bytes
        b"\x9f\x01",  # an indefinite array never broken
        b"\x81" * 100 + b"\x01",  # nested too deeply
        b"\x9b" + b"\xff" * 8,  # an array that claims 2**64 - 1 items
        b"\x1f",  # an indefinite integer
    ],
)
def test_malformed_cbor_is_a_serialization_error(body: bytes) -> None:
    with pytest.raises(SerializationException):
        cbor_codec.decode(body)
