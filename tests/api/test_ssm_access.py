"""SSM Parameter Store under IAM policies: each call is checked against the parameters' ARNs."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from tests.support.iam import allow, deny, make_user
from tests.support.server import Server

APP = "arn:aws:ssm:us-east-1:000000000000:parameter/app/*"


def error_code(excinfo: pytest.ExceptionInfo[ClientError]) -> str:
    return str(excinfo.value.response["Error"]["Code"])


def test_policies_on_parameter_arns(server: Server) -> None:
    root = server.client("ssm")
    root.put_parameter(Name="/app/name", Value="shop", Type="String")
    root.put_parameter(Name="/app/secret", Value="s", Type="SecureString")
    root.put_parameter(Name="/other/name", Value="x", Type="String")
    reader = make_user(
        server,
        "reader",
        allow(["ssm:GetParameter", "ssm:GetParameters", "ssm:GetParametersByPath"], APP),
        allow("ssm:DescribeParameters"),
        deny("ssm:GetParameter", "arn:aws:ssm:us-east-1:000000000000:parameter/app/secret"),
    ).client("ssm")
    assert reader.get_parameter(Name="/app/name")["Parameter"]["Value"] == "shop"
    assert reader.get_parameter(Name="/app/name:1")["Parameter"]["Value"] == "shop"
    for name in ("/other/name", "/app/secret"):
        with pytest.raises(ClientError) as excinfo:
            reader.get_parameter(Name=name)
        assert error_code(excinfo) == "AccessDeniedException"
        assert "ssm:GetParameter" in excinfo.value.response["Error"]["Message"]
    assert len(reader.get_parameters(Names=["/app/name", "/app/secret"])["Parameters"]) == 2
    with pytest.raises(ClientError) as excinfo:
        reader.get_parameters(Names=["/app/name", "/other/name"])
    assert error_code(excinfo) == "AccessDeniedException"
    assert len(reader.get_parameters_by_path(Path="/app/")["Parameters"]) == 2
    with pytest.raises(ClientError) as excinfo:
        reader.get_parameters_by_path(Path="/other")
    assert error_code(excinfo) == "AccessDeniedException"
    assert len(reader.describe_parameters()["Parameters"]) == 3
    with pytest.raises(ClientError) as excinfo:
        reader.put_parameter(Name="/app/name", Value="changed", Overwrite=True)
    assert error_code(excinfo) == "AccessDeniedException"
    assert root.get_parameter(Name="/app/name")["Parameter"]["Value"] == "shop"


def test_writer_limited_to_a_path(server: Server) -> None:
    writer = make_user(
        server, "writer", allow(["ssm:PutParameter", "ssm:DeleteParameter", "ssm:AddTagsToResource"], APP)
    ).client("ssm")
    assert writer.put_parameter(Name="/app/flag", Value="on", Type="String")["Version"] == 1
    writer.add_tags_to_resource(
        ResourceType="Parameter", ResourceId="/app/flag", Tags=[{"Key": "k", "Value": "v"}]
    )
    with pytest.raises(ClientError) as excinfo:
        writer.put_parameter(Name="/elsewhere", Value="on", Type="String")
    assert error_code(excinfo) == "AccessDeniedException"
    writer.delete_parameter(Name="/app/flag")
    with pytest.raises(ClientError) as excinfo:
        server.client("ssm").get_parameter(Name="/app/flag")
    assert error_code(excinfo) == "ParameterNotFound"
