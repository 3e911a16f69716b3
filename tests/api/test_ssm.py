"""SSM Parameter Store through boto3: PutParameter and GetParameter, names, types, tiers, values."""

from __future__ import annotations

import base64
from datetime import datetime
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.support.server import Server


def error_of(excinfo: pytest.ExceptionInfo[ClientError]) -> tuple[str, str]:
    error = excinfo.value.response["Error"]
    return error["Code"], error["Message"]


def test_put_and_get_a_string(server: Server) -> None:
    ssm = server.client("ssm")
    put = ssm.put_parameter(Name="/app/db/host", Value="db.internal", Type="String", Description="host")
    assert (put["Version"], put["Tier"]) == (1, "Standard")
    parameter = ssm.get_parameter(Name="/app/db/host")["Parameter"]
    assert parameter["Name"] == "/app/db/host"
    assert parameter["Value"] == "db.internal"
    assert parameter["Type"] == "String"
    assert parameter["Version"] == 1
    assert parameter["DataType"] == "text"
    assert parameter["ARN"] == "arn:aws:ssm:us-east-1:000000000000:parameter/app/db/host"
    assert isinstance(parameter["LastModifiedDate"], datetime)
    assert "Selector" not in parameter


def test_top_level_names_arn_and_both_spellings_are_one_parameter(server: Server) -> None:
    ssm = server.client("ssm")
    ssm.put_parameter(Name="plain", Value="v1", Type="String")
    assert ssm.get_parameter(Name="plain")["Parameter"]["ARN"].endswith(":parameter/plain")
    assert ssm.get_parameter(Name="/plain")["Parameter"]["Value"] == "v1"
    with pytest.raises(ClientError) as excinfo:
        ssm.put_parameter(Name="/plain", Value="v2", Type="String")
    assert error_of(excinfo)[0] == "ParameterAlreadyExists"
    assert ssm.put_parameter(Name="/plain", Value="v2", Overwrite=True)["Version"] == 2
    assert ssm.get_parameter(Name="plain")["Parameter"] | {"LastModifiedDate": None} == {
        "Name": "plain",
        "Type": "String",
        "Value": "v2",
        "Version": 2,
        "LastModifiedDate": None,
        "ARN": "arn:aws:ssm:us-east-1:000000000000:parameter/plain",
        "DataType": "text",
    }


def test_put_existing_without_overwrite_is_refused(server: Server) -> None:
    ssm = server.client("ssm")
    ssm.put_parameter(Name="/x", Value="1", Type="String")
    with pytest.raises(ClientError) as excinfo:
        ssm.put_parameter(Name="/x", Value="2", Type="String")
    code, message = error_of(excinfo)
    assert code == "ParameterAlreadyExists"
    assert "overwrite" in message
    with pytest.raises(ClientError) as excinfo:
        ssm.put_parameter(Name="/x", Value="2")
    assert error_of(excinfo)[0] == "ParameterAlreadyExists"
    assert ssm.get_parameter(Name="/x")["Parameter"]["Value"] == "1"


def test_overwrite_makes_versions_and_keeps_what_is_not_given(server: Server) -> None:
    ssm = server.client("ssm")
    ssm.put_parameter(Name="/cfg", Value="a", Type="String", Description="first", AllowedPattern="^[a-z]+$")
    second = ssm.put_parameter(Name="/cfg", Value="b", Overwrite=True)
    assert second["Version"] == 2
    described = ssm.describe_parameters()["Parameters"][0]
    assert described["Description"] == "first"
    assert described["AllowedPattern"] == "^[a-z]+$"
    assert described["Version"] == 2
    assert described["LastModifiedUser"] == "arn:aws:iam::000000000000:root"
    assert ssm.get_parameter(Name="/cfg")["Parameter"]["Value"] == "b"
    assert ssm.get_parameter(Name="/cfg:1")["Parameter"]["Value"] == "a"


def test_string_list(server: Server) -> None:
    ssm = server.client("ssm")
    ssm.put_parameter(Name="/hosts", Value="a,b,c", Type="StringList")
    parameter = ssm.get_parameter(Name="/hosts")["Parameter"]
    assert (parameter["Type"], parameter["Value"]) == ("StringList", "a,b,c")


def test_secure_string_is_clear_only_with_decryption(server: Server) -> None:
    ssm = server.client("ssm")
    ssm.put_parameter(Name="/db/password", Value="hunter2", Type="SecureString")
    hidden = ssm.get_parameter(Name="/db/password")["Parameter"]
    assert hidden["Type"] == "SecureString"
    assert hidden["Value"] != "hunter2"
    assert b"hunter2" not in base64.b64decode(hidden["Value"])
    shown = ssm.get_parameter(Name="/db/password", WithDecryption=True)["Parameter"]
    assert shown["Value"] == "hunter2"
    described = ssm.describe_parameters()["Parameters"][0]
    assert described["KeyId"] == "alias/aws/ssm"


def test_key_ids(server: Server) -> None:
    ssm = server.client("ssm")
    key = "arn:aws:kms:us-east-1:000000000000:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    ssm.put_parameter(Name="/k/custom", Value="s", Type="SecureString", KeyId=key)
    ssm.put_parameter(Name="/k/alias", Value="s", Type="SecureString", KeyId="alias/my-key")
    keys = {p["Name"]: p["KeyId"] for p in ssm.describe_parameters()["Parameters"]}
    assert keys == {"/k/alias": "alias/my-key", "/k/custom": key}
    assert ssm.get_parameter(Name="/k/custom", WithDecryption=True)["Parameter"]["Value"] == "s"
    for kwargs in (
        {"Type": "String", "KeyId": "alias/my-key"},
        {"Type": "SecureString", "KeyId": "alias/aws/s3"},
    ):
        with pytest.raises(ClientError) as excinfo:
            ssm.put_parameter(Name="/k/bad", Value="s", **kwargs)
        assert error_of(excinfo)[0] == "InvalidKeyId"


def test_get_missing_parameter(server: Server) -> None:
    with pytest.raises(ClientError) as excinfo:
        server.client("ssm").get_parameter(Name="/nope")
    assert error_of(excinfo) == ("ParameterNotFound", "Parameter /nope not found.")


def test_selectors_by_version_and_label(server: Server) -> None:
    ssm = server.client("ssm")
    ssm.put_parameter(Name="/sel", Value="one", Type="String")
    ssm.put_parameter(Name="/sel", Value="two", Overwrite=True)
    ssm.label_parameter_version(Name="/sel", ParameterVersion=1, Labels=["stable"])
    by_version = ssm.get_parameter(Name="/sel:1")["Parameter"]
    assert (by_version["Name"], by_version["Value"], by_version["Selector"]) == ("/sel", "one", ":1")
    by_label = ssm.get_parameter(Name="/sel:stable")["Parameter"]
    assert (by_label["Value"], by_label["Version"], by_label["Selector"]) == ("one", 1, ":stable")
    with pytest.raises(ClientError) as excinfo:
        ssm.get_parameter(Name="/sel:9")
    assert error_of(excinfo) == (
        "ParameterVersionNotFound",
        "Systems Manager could not find version 9 of /sel. Verify the version and try again.",
    )
    with pytest.raises(ClientError) as excinfo:
        ssm.get_parameter(Name="/sel:unknown")
    assert error_of(excinfo)[0] == "ParameterNotFound"
    arn = "arn:aws:ssm:us-east-1:000000000000:parameter/sel"
    assert ssm.get_parameter(Name=arn)["Parameter"]["Value"] == "two"
    assert ssm.get_parameter(Name=arn + ":1")["Parameter"]["Value"] == "one"


@pytest.mark.parametrize(
    ("name", "code", "fragment"),
    [
        ("a/b", "ValidationException", "fully qualified"),
        ("ssm-param", "ValidationException", 'prefixed with "ssm"'),
        ("/SSM/param", "ValidationException", 'prefixed with "ssm"'),
        ("has space", "ValidationException", "sub-paths"),
        ("/bad$char", "ValidationException", "sub-paths"),
        ("/double//slash", "ValidationException", "sub-paths"),
        ("/aws/param", "AccessDeniedException", "No access to reserved parameter name: aws/param."),
        ("awsParam", "AccessDeniedException", "reserved parameter name"),
        ("/" + "/".join(f"l{i}" for i in range(16)), "HierarchyLevelLimitExceededException", "15 levels"),
        ("/" + "n" * 1000, "ValidationException", "1011"),
    ],
)
def test_name_rules(server: Server, name: str, code: str, fragment: str) -> None:
    with pytest.raises(ClientError) as excinfo:
        server.client("ssm").put_parameter(Name=name, Value="v", Type="String")
    got_code, message = error_of(excinfo)
    assert got_code == code
    assert fragment in message


def test_fifteen_levels_and_surrounding_spaces_are_fine(server: Server) -> None:
    ssm = server.client("ssm")
    deep = "/" + "/".join(f"l{i}" for i in range(15))
    assert ssm.put_parameter(Name=deep, Value="v", Type="String")["Version"] == 1
    ssm.put_parameter(Name="  /spaced  ", Value="v", Type="String")
    assert ssm.get_parameter(Name="/spaced")["Parameter"]["Name"] == "/spaced"


def test_type_is_required_on_create_and_cannot_change(server: Server) -> None:
    ssm = server.client("ssm")
    with pytest.raises(ClientError) as excinfo:
        ssm.put_parameter(Name="/t", Value="v")
    assert error_of(excinfo) == (
        "ValidationException",
        "A parameter type is required when you create a parameter.",
    )
    ssm.put_parameter(Name="/t", Value="v", Type="String")
    with pytest.raises(ClientError) as excinfo:
        ssm.put_parameter(Name="/t", Value="v", Type="SecureString", Overwrite=True)
    assert error_of(excinfo)[0] == "HierarchyTypeMismatchException"
    assert ssm.put_parameter(Name="/t", Value="w", Type="String", Overwrite=True)["Version"] == 2


def test_values_that_are_refused(server: Server) -> None:
    ssm = server.client("ssm")
    for value, fragment in (("", "length greater than or equal to 1"), ("{{ssm:/other}}", "nest")):
        with pytest.raises(ClientError) as excinfo:
            ssm.put_parameter(Name="/v", Value=value, Type="String")
        code, message = error_of(excinfo)
        assert code == "ValidationException"
        assert fragment in message


def test_allowed_pattern(server: Server) -> None:
    ssm = server.client("ssm")
    with pytest.raises(ClientError) as excinfo:
        ssm.put_parameter(Name="/p", Value="1", Type="String", AllowedPattern="([")
    assert error_of(excinfo)[0] == "InvalidAllowedPatternException"
    with pytest.raises(ClientError) as excinfo:
        ssm.put_parameter(Name="/p", Value="abc", Type="String", AllowedPattern=r"^\d+$")
    assert error_of(excinfo) == (
        "ParameterPatternMismatchException",
        r"Parameter value, cannot be validated against allowedPattern: ^\d+$",
    )
    ssm.put_parameter(Name="/p", Value="123", Type="String", AllowedPattern=r"^\d+$")
    with pytest.raises(ClientError) as excinfo:
        ssm.put_parameter(Name="/p", Value="x", Overwrite=True)
    assert error_of(excinfo)[0] == "ParameterPatternMismatchException"
    assert ssm.put_parameter(Name="/p", Value="x", AllowedPattern="^x$", Overwrite=True)["Version"] == 2


def test_tiers_and_value_sizes(server: Server) -> None:
    ssm = server.client("ssm")
    big = "x" * 5000
    with pytest.raises(ClientError) as excinfo:
        ssm.put_parameter(Name="/big", Value=big, Type="String")
    code, message = error_of(excinfo)
    assert code == "ValidationException"
    assert "maximum parameter value of 4096 characters" in message
    assert ssm.put_parameter(Name="/big", Value=big, Type="String", Tier="Advanced")["Tier"] == "Advanced"
    smart = ssm.put_parameter(Name="/smart-small", Value="x", Type="String", Tier="Intelligent-Tiering")
    assert smart["Tier"] == "Standard"
    smart = ssm.put_parameter(Name="/smart-big", Value=big, Type="String", Tier="Intelligent-Tiering")
    assert smart["Tier"] == "Advanced"
    with pytest.raises(ClientError) as excinfo:
        ssm.put_parameter(Name="/huge", Value="x" * 9000, Type="String", Tier="Advanced")
    assert "8192" in error_of(excinfo)[1]
    with pytest.raises(ClientError) as excinfo:
        ssm.put_parameter(Name="/big", Value="small", Tier="Standard", Overwrite=True)
    assert "downgrade" in error_of(excinfo)[1]
    kept = ssm.put_parameter(Name="/big", Value="small", Overwrite=True)
    assert (kept["Version"], kept["Tier"]) == (2, "Advanced")
    tiers = {p["Name"]: p["Tier"] for p in ssm.describe_parameters()["Parameters"]}
    assert tiers == {"/big": "Advanced", "/smart-big": "Advanced", "/smart-small": "Standard"}


def test_data_types(server: Server) -> None:
    ssm = server.client("ssm")
    ssm.put_parameter(Name="/ami", Value="ami-0123456789abcdef0", Type="String", DataType="aws:ec2:image")
    assert ssm.get_parameter(Name="/ami")["Parameter"]["DataType"] == "aws:ec2:image"
    cases: list[tuple[dict[str, Any], str]] = [
        ({"Value": "not-an-ami", "Type": "String", "DataType": "aws:ec2:image"}, "ValidationException"),
        ({"Value": "v", "Type": "String", "DataType": "Text"}, "ValidationException"),
        (
            {"Value": "ami-0123456789abcdef0", "Type": "SecureString", "DataType": "aws:ec2:image"},
            "UnsupportedParameterType",
        ),
    ]
    for kwargs, code in cases:
        with pytest.raises(ClientError) as excinfo:
            ssm.put_parameter(Name="/dt", **kwargs)
        assert error_of(excinfo)[0] == code


def test_tags_on_create_and_not_with_overwrite(server: Server) -> None:
    ssm = server.client("ssm")
    ssm.put_parameter(Name="/tagged", Value="v", Type="String", Tags=[{"Key": "team", "Value": "core"}])
    tags = ssm.list_tags_for_resource(ResourceType="Parameter", ResourceId="/tagged")["TagList"]
    assert tags == [{"Key": "team", "Value": "core"}]
    with pytest.raises(ClientError) as excinfo:
        ssm.put_parameter(Name="/tagged", Value="w", Overwrite=True, Tags=[{"Key": "a", "Value": "b"}])
    code, message = error_of(excinfo)
    assert code == "ValidationException"
    assert "tags and overwrite can't be used together" in message


def test_policies(server: Server) -> None:
    ssm = server.client("ssm")
    expiration = (
        '[{"Type":"Expiration","Version":"1.0","Attributes":{"Timestamp":"2030-01-01T00:00:00.000Z"}}]'
    )
    ssm.put_parameter(Name="/pol", Value="v", Type="String", Tier="Advanced", Policies=expiration)
    policy = ssm.describe_parameters()["Parameters"][0]["Policies"][0]
    assert policy["PolicyType"] == "Expiration"
    assert policy["PolicyStatus"] == "Pending"
    assert "2030-01-01" in policy["PolicyText"]
    smart = ssm.put_parameter(
        Name="/pol-smart", Value="v", Type="String", Tier="Intelligent-Tiering", Policies=expiration
    )
    assert smart["Tier"] == "Advanced"
    bad = [
        ('[{"Type":"Explode","Attributes":{}}]', "Advanced", "InvalidPolicyTypeException"),
        (
            '[{"Type":"Expiration","Attributes":{"Timestamp":"soon"}}]',
            "Advanced",
            "InvalidPolicyAttributeException",
        ),
        (expiration[:-1] + "," + expiration[1:], "Advanced", "IncompatiblePolicyException"),
        (expiration, "Standard", "ValidationException"),
    ]
    for text, tier, code in bad:
        with pytest.raises(ClientError) as excinfo:
            ssm.put_parameter(Name="/pol-bad", Value="v", Type="String", Tier=tier, Policies=text)
        assert error_of(excinfo)[0] == code


def test_parameters_are_regional(server: Server) -> None:
    east = server.client("ssm", region_name="us-east-1")
    west = server.client("ssm", region_name="eu-west-1")
    east.put_parameter(Name="/region", Value="east", Type="String")
    with pytest.raises(ClientError) as excinfo:
        west.get_parameter(Name="/region")
    assert error_of(excinfo)[0] == "ParameterNotFound"
    west.put_parameter(Name="/region", Value="west", Type="SecureString")
    assert east.get_parameter(Name="/region")["Parameter"]["Value"] == "east"
    parameter = west.get_parameter(Name="/region", WithDecryption=True)["Parameter"]
    assert parameter["Value"] == "west"
    assert parameter["ARN"] == "arn:aws:ssm:eu-west-1:000000000000:parameter/region"
    assert [p["Name"] for p in west.describe_parameters()["Parameters"]] == ["/region"]


def test_the_hundred_and_first_version_drops_the_oldest(server: Server) -> None:
    ssm = server.client("ssm")
    ssm.put_parameter(Name="/many", Value="v1", Type="String")
    for number in range(2, 101):
        ssm.put_parameter(Name="/many", Value=f"v{number}", Overwrite=True)
    ssm.label_parameter_version(Name="/many", ParameterVersion=1, Labels=["keep"])
    with pytest.raises(ClientError) as excinfo:
        ssm.put_parameter(Name="/many", Value="v101", Overwrite=True)
    code, message = error_of(excinfo)
    assert code == "ParameterMaxVersionLimitExceeded"
    assert "Version 1, the oldest version, can't be deleted" in message
    ssm.label_parameter_version(Name="/many", ParameterVersion=50, Labels=["keep"])
    assert ssm.put_parameter(Name="/many", Value="v101", Overwrite=True)["Version"] == 101
    history = ssm.get_parameter_history(Name="/many", MaxResults=50)["Parameters"]
    assert history[0]["Version"] == 2
    with pytest.raises(ClientError) as excinfo:
        ssm.get_parameter(Name="/many:1")
    assert error_of(excinfo)[0] == "ParameterVersionNotFound"
