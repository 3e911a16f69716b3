"""AWS JSON 1.1 bodies: parsing requests, serialising responses that botocore reads back."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import botocore.session
import pytest
from botocore.model import OperationModel
from botocore.parsers import create_parser

from codeyard.errors import SerializationException
from codeyard.protocol import json_codec

SESSION = botocore.session.get_session()


def operation(service: str, name: str) -> OperationModel:
    return SESSION.get_service_model(service).operation_model(name)


def parse_response(model: OperationModel, body: bytes) -> dict[str, Any]:
    parsed: dict[str, Any] = create_parser("json").parse(
        {"body": body, "headers": {}, "status_code": 200}, model.output_shape
    )
    parsed.pop("ResponseMetadata", None)
    return parsed


@pytest.mark.parametrize("body", [b"", b"   ", b"\n"])
def test_empty_body_is_an_empty_object(body: bytes) -> None:
    assert json_codec.parse_body(body) == {}


def test_body_is_parsed() -> None:
    assert json_codec.parse_body('{"Name": "/a/ü", "N": [1, 2.5, true, null]}'.encode()) == {
        "Name": "/a/ü",
        "N": [1, 2.5, True, None],
    }


@pytest.mark.parametrize(
    "body",
    [
        b"{",
        b"{'Name': 1}",
        b'{"Name": "a"} trailing',
        b"\xff\xfe{}",
        b'{"Value": NaN}',
        b'{"Value": Infinity}',
        b'{"Value": -Infinity}',
        b'{"Value": ' + b"1" * 5000 + b"}",
        b"[" * 100_000 + b"]" * 100_000,
    ],
    ids=["truncated", "quotes", "trailing", "not-utf8", "nan", "inf", "-inf", "huge-int", "deep"],
)
def test_malformed_bodies_are_serialization_errors(body: bytes) -> None:
    with pytest.raises(SerializationException):
        json_codec.parse_body(body)


def test_dump_drops_nulls_and_converts_timestamps_and_blobs() -> None:
    body = json_codec.dump(
        {
            "A": None,
            "When": datetime(2024, 1, 2, 3, 4, 5, 500000, tzinfo=UTC),
            "Blob": b"\x00\xff",
            "Nested": [{"X": None, "Y": 1}],
            "Set": frozenset({"only"}),
        }
    )
    assert json.loads(body) == {"When": 1704164645.5, "Blob": "AP8=", "Nested": [{"Y": 1}], "Set": ["only"]}


def test_dump_refuses_what_json_cannot_hold() -> None:
    with pytest.raises(TypeError):
        json_codec.dump({"X": object()})


def test_output_with_timestamps_and_maps_parses_in_botocore() -> None:
    model = operation("ssm", "GetParameterHistory")
    result = {
        "Parameters": [
            {
                "Name": "/app/x",
                "Type": "SecureString",
                "Value": "v",
                "Version": 2,
                "LastModifiedDate": datetime(2024, 3, 4, 5, 6, 7, tzinfo=UTC),
                "Labels": ["prod"],
                "Tier": "Standard",
                "Policies": [],
            }
        ],
        "NextToken": "t",
    }
    assert parse_response(model, json_codec.dump(result)) == result


def test_blob_output_parses_in_botocore() -> None:
    model = operation("secretsmanager", "GetSecretValue")
    result = {"ARN": "arn", "Name": "n", "SecretBinary": b"\x00binary\xff", "VersionStages": ["AWSCURRENT"]}
    assert parse_response(model, json_codec.dump(result)) == result


def test_check_output_accepts_members_of_the_shape() -> None:
    model = operation("ssm", "GetParameter")
    assert (
        json_codec.check_output(model.output_shape, {"Parameter": {"Name": "n", "Value": "v", "Extra": None}})
        == []
    )


def test_check_output_names_what_is_not_in_the_model() -> None:
    model = operation("ssm", "GetParameters")
    problems = json_codec.check_output(
        model.output_shape,
        {"Parameters": [{"Name": "n", "Surprise": 1}], "InvalidParameters": "not-a-list", "Other": 1},
    )
    assert problems == [
        ".Parameters[0].Surprise: not a member of Parameter",
        ".InvalidParameters: expected list, got str",
        ".Other: not a member of GetParametersResult",
    ]


def test_check_output_of_an_operation_without_output() -> None:
    model = operation("iam", "DeleteUser")
    assert json_codec.check_output(model.output_shape, {}) == []
    assert json_codec.check_output(model.output_shape, {"X": 1}) == ["output: operation has no output"]
