"""The query protocol codec against botocore's own query serializer and XML parser."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode
from xml.etree import ElementTree

import botocore.session
import pytest
from botocore.model import OperationModel
from botocore.parsers import create_parser
from botocore.serialize import create_serializer

from codeyard.errors import SerializationException
from codeyard.protocol import query_codec
from codeyard.protocol.validation import Validator

SESSION = botocore.session.get_session()


def operation(service: str, name: str) -> OperationModel:
    return SESSION.get_service_model(service).operation_model(name)


def roundtrip(service: str, name: str, params: dict[str, Any]) -> dict[str, Any]:
    """Serialise with botocore as a client would, then parse the form with ours."""
    model = operation(service, name)
    request = create_serializer("query", include_validation=False).serialize_to_request(params, model)
    fields = query_codec.parse_form(urlencode(request["body"]).encode(), "")
    assert fields["Action"] == name
    return query_codec.decode_params(model, fields)


def test_scalars_and_nested_list_of_structures() -> None:
    params = {
        "RoleArn": "arn:aws:iam::000000000000:role/r",
        "RoleSessionName": "session name+/=",
        "DurationSeconds": 900,
        "PolicyArns": [{"arn": "arn:aws:iam::aws:policy/A"}, {"arn": "arn:aws:iam::aws:policy/B"}],
        "Tags": [{"Key": "k1", "Value": "v1"}, {"Key": "k2", "Value": ""}],
    }
    assert roundtrip("sts", "AssumeRole", params) == params


def test_empty_list_is_sent_as_a_bare_name() -> None:
    decoded = roundtrip(
        "sts", "AssumeRole", {"RoleArn": "a", "RoleSessionName": "s", "TransitiveTagKeys": []}
    )
    assert decoded["TransitiveTagKeys"] == []


def test_list_of_strings() -> None:
    params = {"Filter": ["User", "Role", "Group"]}
    assert roundtrip("iam", "GetAccountAuthorizationDetails", params) == params


def test_map_entries() -> None:
    params = {
        "Name": "topic",
        "Attributes": {"DisplayName": "x", "Policy": "{}"},
        "Tags": [{"Key": "a", "Value": "b"}],
    }
    assert roundtrip("sns", "CreateTopic", params) == params


def test_flattened_lists() -> None:
    params = {
        "DomainName": "d",
        "ItemName": "i",
        "Attributes": [{"Name": "n1", "Value": "v1", "Replace": True}, {"Name": "n2", "Value": "v2"}],
    }
    assert roundtrip("sdb", "PutAttributes", params) == params


def test_booleans_and_integers() -> None:
    params = {"MinimumPasswordLength": 12, "RequireSymbols": True, "RequireNumbers": False}
    assert roundtrip("iam", "UpdateAccountPasswordPolicy", params) == params


def test_timestamps_arrive_as_text_and_the_validator_converts_them() -> None:
    when = datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)
    model = operation("autoscaling", "PutScheduledUpdateGroupAction")
    decoded = roundtrip(
        "autoscaling",
        "PutScheduledUpdateGroupAction",
        {"AutoScalingGroupName": "g", "ScheduledActionName": "a", "StartTime": when},
    )
    assert decoded["StartTime"] == "2024-01-02T03:04:05Z"
    assert Validator().validate(model.input_shape, decoded)["StartTime"] == when


def test_unknown_fields_are_ignored() -> None:
    fields = {
        "Action": "GetUser",
        "Version": "2010-05-08",
        "UserName": "bob",
        "Surprise": "1",
        "X-Amz-Date": "x",
    }
    assert query_codec.decode_params(operation("iam", "GetUser"), fields) == {"UserName": "bob"}


def test_list_stops_at_the_first_missing_index() -> None:
    fields = {"Filter.member.1": "User", "Filter.member.3": "Group"}
    decoded = query_codec.decode_params(operation("iam", "GetAccountAuthorizationDetails"), fields)
    assert decoded == {"Filter": ["User"]}


def test_operation_without_input() -> None:
    assert (
        query_codec.decode_params(operation("sts", "GetCallerIdentity"), {"Action": "GetCallerIdentity"})
        == {}
    )


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("MinimumPasswordLength", "twelve"),
        ("MinimumPasswordLength", "1_000"),
        ("MinimumPasswordLength", " 12"),
        ("MinimumPasswordLength", "9" * 40),
        ("RequireSymbols", "yes"),
        ("RequireSymbols", ""),
    ],
)
def test_bad_scalars_are_serialization_errors(field: str, value: str) -> None:
    with pytest.raises(SerializationException):
        query_codec.decode_params(operation("iam", "UpdateAccountPasswordPolicy"), {field: value})


@pytest.mark.parametrize("value", ["nan", "inf", "1e", "--1", "0x10"])
def test_bad_doubles_are_serialization_errors(value: str) -> None:
    with pytest.raises(SerializationException):
        query_codec.decode_params(
            operation("autoscaling", "PutScalingPolicy"),
            {
                "AutoScalingGroupName": "g",
                "PolicyName": "p",
                "TargetTrackingConfiguration.TargetValue": value,
            },
        )


def test_doubles() -> None:
    decoded = query_codec.decode_params(
        operation("autoscaling", "PutScalingPolicy"),
        {"AutoScalingGroupName": "g", "PolicyName": "p", "TargetTrackingConfiguration.TargetValue": "-1.5e2"},
    )
    assert decoded["TargetTrackingConfiguration"] == {"TargetValue": -150.0}


def test_form_fields_come_from_body_then_query_string() -> None:
    fields = query_codec.parse_form(b"Action=GetUser&UserName=a%20b+c", "Version=2010-05-08&UserName=ignored")
    assert fields == {"Action": "GetUser", "Version": "2010-05-08", "UserName": "a b c"}


def test_non_utf8_form_is_a_serialization_error() -> None:
    with pytest.raises(SerializationException):
        query_codec.parse_form(b"Action=\xff\xfe", "")


def test_many_fields_decode_in_linear_time() -> None:
    fields = {f"Filter.member.{i}": "User" for i in range(1, 20001)}
    decoded = query_codec.decode_params(operation("iam", "GetAccountAuthorizationDetails"), fields)
    assert len(decoded["Filter"]) == 20000


# --- responses ------------------------------------------------------------------------------------


def parse_response(service: str, name: str, body: bytes) -> dict[str, Any]:
    """What botocore makes of our XML."""
    model = operation(service, name)
    parsed: dict[str, Any] = create_parser("query").parse(
        {"body": body, "headers": {}, "status_code": 200}, model.output_shape
    )
    parsed.pop("ResponseMetadata", None)
    return parsed


def test_response_with_nested_structures_and_timestamps_parses_in_botocore() -> None:
    result = {
        "User": {
            "Path": "/",
            "UserName": "alice & <bob>",
            "UserId": "AIDAEXAMPLE",
            "Arn": "arn:aws:iam::000000000000:user/alice",
            "CreateDate": datetime(2024, 5, 6, 7, 8, 9, 123000, tzinfo=UTC),
            "Tags": [{"Key": "k", "Value": "v"}],
        }
    }
    body = query_codec.dump_response(
        operation("iam", "GetUser"), "https://iam.amazonaws.com/doc/2010-05-08/", result, "rid"
    )
    assert parse_response("iam", "GetUser", body) == result
    root = ElementTree.fromstring(body)
    assert root.tag == "{https://iam.amazonaws.com/doc/2010-05-08/}GetUserResponse"


def test_response_lists_booleans_and_empty_lists() -> None:
    result = {
        "Users": [
            {
                "Path": "/",
                "UserName": "a",
                "UserId": "A",
                "Arn": "arn:a",
                "CreateDate": datetime(2024, 1, 1, tzinfo=UTC),
            },
            {
                "Path": "/",
                "UserName": "b",
                "UserId": "B",
                "Arn": "arn:b",
                "CreateDate": datetime(2024, 1, 2, tzinfo=UTC),
            },
        ],
        "IsTruncated": True,
        "Marker": "m",
    }
    body = query_codec.dump_response(operation("iam", "ListUsers"), "ns", result, "rid")
    assert parse_response("iam", "ListUsers", body) == result
    empty = query_codec.dump_response(
        operation("iam", "ListUsers"), "ns", {"Users": [], "IsTruncated": False}, "r"
    )
    assert parse_response("iam", "ListUsers", empty) == {"Users": [], "IsTruncated": False}


def test_response_maps() -> None:
    result = {"SummaryMap": {"Users": 3, "Groups": 0}}
    body = query_codec.dump_response(operation("iam", "GetAccountSummary"), "ns", result, "rid")
    assert parse_response("iam", "GetAccountSummary", body) == result


def test_response_without_output_shape_has_request_id() -> None:
    body = query_codec.dump_response(operation("iam", "DeleteUser"), "ns", {}, "the-request-id")
    assert b"<RequestId>the-request-id</RequestId>" in body
    assert body.startswith(b'<DeleteUserResponse xmlns="ns">')


def test_error_document() -> None:
    body = query_codec.dump_error("ns", "NoSuchEntity", "The user <x> & y", True, "rid")
    parsed = create_parser("query").parse({"body": body, "headers": {}, "status_code": 404}, None)
    assert parsed["Error"] == {"Type": "Sender", "Code": "NoSuchEntity", "Message": "The user <x> & y"}
    assert parsed["ResponseMetadata"]["RequestId"] == "rid"
    assert b"<Type>Receiver</Type>" in query_codec.dump_error("ns", "InternalFailure", "m", False, "r")


def test_text_xml_cannot_carry_is_dropped() -> None:
    body = query_codec.dump_error("ns", "ValidationError", "Value 'a\x00b\x1fc\ud800' & <d>", True, "rid")
    root = ElementTree.fromstring(body)
    assert root.findtext("{ns}Error/{ns}Message") == "Value 'abc' & <d>"
    assert query_codec.xml_text("tab\tnew\nline ü") == "tab\tnew\nline ü"
