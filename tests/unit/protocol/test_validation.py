"""Input validation against real botocore operation shapes, with AWS-style messages."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import botocore.session
import pytest
from botocore.model import Shape

from codeyard.errors import SerializationException, ValidationException
from codeyard.protocol.validation import Validator, parse_timestamp

SESSION = botocore.session.get_session()


def shape(service: str, operation: str) -> Shape:
    input_shape = SESSION.get_service_model(service).operation_model(operation).input_shape
    assert input_shape is not None
    return input_shape


PUT_PARAMETER = shape("ssm", "PutParameter")
CREATE_REPOSITORY = shape("codecommit", "CreateRepository")
CREATE_PROJECT = shape("codebuild", "CreateProject")
VALIDATOR = Validator()


def invalid(input_shape: Shape, params: Any) -> str:
    with pytest.raises(ValidationException) as caught:
        VALIDATOR.validate(input_shape, params)
    assert caught.value.code == "ValidationException"
    return caught.value.message


def malformed(input_shape: Shape, params: Any) -> str:
    with pytest.raises(SerializationException) as caught:
        VALIDATOR.validate(input_shape, params)
    assert caught.value.code == "SerializationException"
    return caught.value.message


def test_valid_input_passes_unchanged() -> None:
    params = {"Name": "/app/db", "Value": "v", "Type": "SecureString", "Overwrite": True, "Tags": []}
    assert VALIDATOR.validate(PUT_PARAMETER, params) == params


def test_null_members_are_dropped() -> None:
    assert VALIDATOR.validate(PUT_PARAMETER, {"Name": "n", "Value": "v", "Description": None}) == {
        "Name": "n",
        "Value": "v",
    }


def test_missing_required_member() -> None:
    assert invalid(PUT_PARAMETER, {"Name": "n"}) == (
        "1 validation error detected: Value null at 'value' failed to satisfy constraint: Member must not be null"
    )


def test_every_failure_is_counted() -> None:
    message = invalid(PUT_PARAMETER, {"Type": "Plain"})
    assert message.startswith("3 validation errors detected: ")
    assert "Value null at 'name'" in message
    assert "Value null at 'value'" in message
    assert (
        "Value 'Plain' at 'type' failed to satisfy constraint: Member must satisfy enum value set: "
        in message
    )
    assert "[String, StringList, SecureString]" in message


def test_too_long() -> None:
    assert invalid(PUT_PARAMETER, {"Name": "n" * 2049, "Value": "v"}).endswith(
        "at 'name' failed to satisfy constraint: Member must have length less than or equal to 2048"
    )


def test_too_short() -> None:
    assert invalid(PUT_PARAMETER, {"Name": "", "Value": "v"}) == (
        "1 validation error detected: Value '' at 'name' failed to satisfy constraint: "
        "Member must have length greater than or equal to 1"
    )


def test_long_values_are_shortened_in_messages() -> None:
    message = invalid(PUT_PARAMETER, {"Name": "n" * 5000, "Value": "v"})
    assert len(message) < 600


def test_pattern_is_matched_whole() -> None:
    message = invalid(CREATE_REPOSITORY, {"repositoryName": "has space"})
    assert message == (
        "1 validation error detected: Value 'has space' at 'repositoryName' failed to satisfy constraint: "
        "Member must satisfy regular expression pattern: [\\w\\.-]+"
    )
    assert VALIDATOR.validate(CREATE_REPOSITORY, {"repositoryName": "ok.name-1"}) == {
        "repositoryName": "ok.name-1"
    }


def test_anchored_pattern() -> None:
    assert "KeyId" not in invalid(PUT_PARAMETER, {"Name": "n", "Value": "v", "KeyId": "alias/ok but space"})
    assert (
        "at 'keyId' failed to satisfy constraint: Member must satisfy regular expression pattern"
        in invalid(PUT_PARAMETER, {"Name": "n", "Value": "v", "KeyId": "alias/ok but space"})
    )


def test_enum() -> None:
    assert "Member must satisfy enum value set: [Standard, Advanced, Intelligent-Tiering]" in invalid(
        PUT_PARAMETER, {"Name": "n", "Value": "v", "Tier": "standard"}
    )


def _project(**overrides: Any) -> dict[str, Any]:
    project: dict[str, Any] = {
        "name": "project",
        "source": {"type": "NO_SOURCE"},
        "artifacts": {"type": "NO_ARTIFACTS"},
        "environment": {"type": "LINUX_CONTAINER", "image": "img", "computeType": "BUILD_GENERAL1_SMALL"},
        "serviceRole": "role",
    }
    project.update(overrides)
    return project


def test_range() -> None:
    assert (
        "at 'timeoutInMinutes' failed to satisfy constraint: Member must have value greater than or equal to 5"
        in (invalid(CREATE_PROJECT, _project(timeoutInMinutes=4)))
    )
    assert "Member must have value less than or equal to 2160" in invalid(
        CREATE_PROJECT, _project(timeoutInMinutes=2161)
    )
    assert VALIDATOR.validate(CREATE_PROJECT, _project(timeoutInMinutes=5))["timeoutInMinutes"] == 5


def test_nested_paths_are_named() -> None:
    message = invalid(
        CREATE_PROJECT, _project(environment={"image": "i", "computeType": "BUILD_GENERAL1_SMALL"})
    )
    assert "Value null at 'environment.type' failed to satisfy constraint: Member must not be null" in message


def test_list_items_are_named_like_aws() -> None:
    message = invalid(CREATE_PROJECT, _project(tags=[{"key": "k" * 200, "value": "v"}]))
    assert (
        "at 'tags.1.member.key' failed to satisfy constraint: Member must have length less than or equal to 127"
        in (message)
    )


def test_list_length() -> None:
    message = invalid(CREATE_PROJECT, _project(tags=[{"key": f"k{i}", "value": "v"} for i in range(51)]))
    assert (
        "at 'tags' failed to satisfy constraint: Member must have length less than or equal to 50" in message
    )


def test_map_keys_and_values_are_checked() -> None:
    message = invalid(CREATE_REPOSITORY, {"repositoryName": "r", "tags": {"k" * 129: "v"}})
    assert (
        "at 'tags.key' failed to satisfy constraint: Member must have length less than or equal to 128"
        in message
    )


def test_unknown_member() -> None:
    message = invalid(PUT_PARAMETER, {"Name": "n", "Value": "v", "Colour": "red"})
    assert message.startswith(
        'Unknown parameter in input: "Colour", must be one of: Name, Description, Value'
    )


def test_unknown_nested_member() -> None:
    assert 'Unknown parameter in input: "colour"' in invalid(
        CREATE_PROJECT, _project(source={"type": "NO_SOURCE", "colour": "red"})
    )


@pytest.mark.parametrize(
    ("params", "where"),
    [
        ({"Name": 5, "Value": "v"}, "'Name'"),
        ({"Name": "n", "Value": ["v"]}, "'value'"),
        ({"Name": "n", "Value": "v", "Overwrite": "true"}, "'overwrite'"),
        ({"Name": "n", "Value": "v", "Tags": {"Key": "k"}}, "'tags'"),
        ({"Name": "n", "Value": "v", "Tags": ["k"]}, "'tags.1.member'"),
    ],
)
def test_wrong_type_is_a_serialization_error(params: dict[str, Any], where: str) -> None:
    assert where.lower() in malformed(PUT_PARAMETER, params).lower()


def test_input_must_be_an_object() -> None:
    malformed(PUT_PARAMETER, ["Name", "Value"])
    malformed(PUT_PARAMETER, "Name")


@pytest.mark.parametrize("value", [5.5, True, "5", float("inf"), 2**31, -(2**31) - 1])
def test_integers(value: Any) -> None:
    malformed(CREATE_PROJECT, _project(timeoutInMinutes=value))


def test_integral_float_is_an_integer() -> None:
    assert VALIDATOR.validate(CREATE_PROJECT, _project(timeoutInMinutes=60.0))["timeoutInMinutes"] == 60


def test_long_range() -> None:
    history = shape("ssm", "GetParameterHistory")
    assert VALIDATOR.validate(history, {"Name": "n", "MaxResults": 50}) == {"Name": "n", "MaxResults": 50}
    logs = shape("logs", "GetLogEvents")
    assert VALIDATOR.validate(logs, {"logStreamName": "s", "startTime": 2**62})["startTime"] == 2**62
    malformed(logs, {"logStreamName": "s", "startTime": 2**63})


def test_blobs_are_base64_decoded() -> None:
    secret = shape("secretsmanager", "CreateSecret")
    assert VALIDATOR.validate(secret, {"Name": "n", "SecretBinary": "AP8="})["SecretBinary"] == b"\x00\xff"
    assert "base64" in malformed(secret, {"Name": "n", "SecretBinary": "not base64!"})
    malformed(secret, {"Name": "n", "SecretBinary": 5})


def test_timestamps_are_converted() -> None:
    logs = shape("logs", "PutLogEvents")
    events = shape("events", "PutEvents")
    when = datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)
    entry = {"Entries": [{"Time": when.timestamp(), "Source": "s", "DetailType": "d", "Detail": "{}"}]}
    assert VALIDATOR.validate(events, entry)["Entries"][0]["Time"] == when
    malformed(events, {"Entries": [{"Time": "yesterday"}]})
    malformed(events, {"Entries": [{"Time": True}]})
    assert logs.members["logEvents"].member.members["timestamp"].type_name == "long"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (0, datetime(1970, 1, 1, tzinfo=UTC)),
        (1704164645.5, datetime(2024, 1, 2, 3, 4, 5, 500000, tzinfo=UTC)),
        ("1704164645", datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)),
        ("2024-01-02T03:04:05Z", datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)),
        ("2024-01-02T03:04:05.250+00:00", datetime(2024, 1, 2, 3, 4, 5, 250000, tzinfo=UTC)),
        ("2024-01-02T03:04:05", datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)),
    ],
)
def test_parse_timestamp(raw: Any, expected: datetime) -> None:
    assert parse_timestamp(raw) == expected


@pytest.mark.parametrize("raw", [float("nan"), 1e300, "soon", None])
def test_parse_timestamp_refuses(raw: Any) -> None:
    with pytest.raises((ValueError, OverflowError, OSError)):
        parse_timestamp(raw)


def test_union_needs_exactly_one_member() -> None:
    preview = shape("ssm", "StartExecutionPreview")
    assert VALIDATOR.validate(preview, {"DocumentName": "doc", "ExecutionInputs": {"Automation": {}}})
    message = invalid(preview, {"DocumentName": "doc", "ExecutionInputs": {}})
    assert (
        "at 'executionInputs' failed to satisfy constraint: Exactly one member must be set, got 0" in message
    )


def test_lone_surrogate_is_a_serialization_error() -> None:
    assert "lone surrogate" in malformed(PUT_PARAMETER, {"Name": "n", "Value": "bad \ud800 value"})


def test_unicode_is_fine() -> None:
    assert VALIDATOR.validate(PUT_PARAMETER, {"Name": "n", "Value": "ünïcødé 🚀"})["Value"] == "ünïcødé 🚀"


def test_operation_without_input_ignores_the_body() -> None:
    assert VALIDATOR.validate(None, {"anything": 1}) == {}


def test_a_pattern_python_cannot_compile_is_skipped() -> None:
    from codeyard.protocol.validation import _Patterns

    patterns = _Patterns()
    assert patterns.matcher("[unclosed") is None
    matcher = patterns.matcher("[a-z]+")
    assert matcher is not None
    assert matcher("abc") is not None
    assert matcher("abc1") is None


def test_nul_characters_are_refused_for_every_backend() -> None:
    message = invalid(PUT_PARAMETER, {"Name": "n", "Value": "a\x00b"})
    assert "at 'value' failed to satisfy constraint: Member must not contain the character U+0000" in message


def test_dot_does_not_match_a_line_break_as_in_java() -> None:
    pipeline = shape("codepipeline", "GetPipeline")
    arn_shape = SESSION.get_service_model("codepipeline").shape_for("RoleArn")
    assert arn_shape.metadata["pattern"].endswith("role/.*")
    create = shape("codepipeline", "CreatePipeline")
    declaration = {
        "name": "p",
        "roleArn": "arn:aws:iam::123456789012:role/line\nbreak",
        "stages": [],
    }
    message = invalid(create, {"pipeline": declaration})
    assert (
        "at 'pipeline.roleArn' failed to satisfy constraint: Member must satisfy regular expression"
        in message
    )
    assert VALIDATOR.validate(pipeline, {"name": "p"}) == {"name": "p"}


def test_a_value_over_its_length_is_not_matched_against_the_pattern() -> None:
    message = invalid(CREATE_REPOSITORY, {"repositoryName": "no spaces " * 20})
    assert message.startswith("1 validation error detected: ")
    assert "Member must have length less than or equal to 100" in message
