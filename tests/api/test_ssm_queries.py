"""SSM Parameter Store through boto3: GetParameters, GetParametersByPath, DescribeParameters, deletes."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.support.server import Server


def error_code(excinfo: pytest.ExceptionInfo[ClientError]) -> str:
    return str(excinfo.value.response["Error"]["Code"])


def seed(ssm: Any) -> None:
    ssm.put_parameter(Name="/app/name", Value="shop", Type="String")
    ssm.put_parameter(Name="/app/db/host", Value="db", Type="String", Tags=[{"Key": "team", "Value": "data"}])
    ssm.put_parameter(Name="/app/db/password", Value="pw", Type="SecureString", KeyId="alias/app")
    ssm.put_parameter(Name="/app/db/replicas", Value="r1,r2", Type="StringList", Tier="Advanced")
    ssm.put_parameter(Name="/other/thing", Value="t", Type="String", DataType="text")
    ssm.put_parameter(Name="top", Value="t", Type="String")


def test_get_parameters_reports_what_it_did_not_find(server: Server) -> None:
    ssm = server.client("ssm")
    seed(ssm)
    ssm.put_parameter(Name="/app/name", Value="shop2", Overwrite=True)
    answer = ssm.get_parameters(
        Names=["/app/name", "/app/db/password", "/missing", "/app/name:1", "/app/name:7", "/app/name"],
        WithDecryption=True,
    )
    found = {(p["Name"], p.get("Selector")): p["Value"] for p in answer["Parameters"]}
    assert found == {
        ("/app/name", None): "shop2",
        ("/app/db/password", None): "pw",
        ("/app/name", ":1"): "shop",
    }
    assert answer["InvalidParameters"] == ["/missing", "/app/name:7"]
    hidden = ssm.get_parameters(Names=["/app/db/password"])["Parameters"][0]
    assert hidden["Value"] != "pw"


def test_get_parameters_by_path_one_level_and_recursive(server: Server) -> None:
    ssm = server.client("ssm")
    seed(ssm)
    one_level = ssm.get_parameters_by_path(Path="/app")["Parameters"]
    assert [p["Name"] for p in one_level] == ["/app/name"]
    recursive = ssm.get_parameters_by_path(Path="/app/", Recursive=True, WithDecryption=True)["Parameters"]
    values = {p["Name"]: p["Value"] for p in recursive}
    assert values == {
        "/app/db/host": "db",
        "/app/db/password": "pw",
        "/app/db/replicas": "r1,r2",
        "/app/name": "shop",
    }
    assert "NextToken" not in ssm.get_parameters_by_path(Path="/app", Recursive=True)
    root = ssm.get_parameters_by_path(Path="/")["Parameters"]
    assert [p["Name"] for p in root] == ["top"]
    assert len(ssm.get_parameters_by_path(Path="/", Recursive=True)["Parameters"]) == 6
    assert ssm.get_parameters_by_path(Path="/nothing/here", Recursive=True)["Parameters"] == []


def test_get_parameters_by_path_filters(server: Server) -> None:
    ssm = server.client("ssm")
    seed(ssm)

    def names(filters: list[dict[str, Any]]) -> list[str]:
        answer = ssm.get_parameters_by_path(Path="/app", Recursive=True, ParameterFilters=filters)
        return [p["Name"] for p in answer["Parameters"]]

    assert names([{"Key": "Type", "Values": ["SecureString", "StringList"]}]) == [
        "/app/db/password",
        "/app/db/replicas",
    ]
    assert names([{"Key": "KeyId", "Values": ["alias/app"]}]) == ["/app/db/password"]
    assert names([{"Key": "Type", "Option": "BeginsWith", "Values": ["String"]}]) == [
        "/app/db/host",
        "/app/db/replicas",
        "/app/name",
    ]
    for bad, code in (
        ({"Key": "Name", "Values": ["/app/name"]}, "InvalidFilterKey"),
        ({"Key": "Tier", "Values": ["Standard"]}, "InvalidFilterKey"),
        ({"Key": "Label", "Option": "BeginsWith", "Values": ["x"]}, "InvalidFilterOption"),
        ({"Key": "Type", "Values": ["Secret"]}, "InvalidFilterValue"),
    ):
        with pytest.raises(ClientError) as excinfo:
            names([bad])
        assert error_code(excinfo) == code


def test_get_parameters_by_path_label_filter_answers_the_labelled_version(server: Server) -> None:
    ssm = server.client("ssm")
    seed(ssm)
    ssm.put_parameter(Name="/app/name", Value="shop2", Overwrite=True)
    ssm.label_parameter_version(Name="/app/name", ParameterVersion=1, Labels=["prod"])
    ssm.label_parameter_version(Name="/app/db/host", Labels=["prod"])
    answer = ssm.get_parameters_by_path(
        Path="/app", Recursive=True, ParameterFilters=[{"Key": "Label", "Values": ["prod"]}]
    )["Parameters"]
    assert [(p["Name"], p["Version"], p["Value"]) for p in answer] == [
        ("/app/db/host", 1, "db"),
        ("/app/name", 1, "shop"),
    ]


def test_get_parameters_by_path_path_rules(server: Server) -> None:
    ssm = server.client("ssm")
    with pytest.raises(ClientError) as excinfo:
        ssm.get_parameters_by_path(Path="app")
    assert error_code(excinfo) == "ValidationException"
    assert "must begin with a forward slash" in excinfo.value.response["Error"]["Message"]
    with pytest.raises(ClientError) as excinfo:
        ssm.get_parameters_by_path(Path="/app", NextToken="garbage")
    assert error_code(excinfo) == "InvalidNextToken"


def test_pagination_by_path_and_paginators(server: Server) -> None:
    ssm = server.client("ssm")
    for number in range(25):
        ssm.put_parameter(Name=f"/many/p{number:02d}", Value=str(number), Type="String")
    first = ssm.get_parameters_by_path(Path="/many", MaxResults=10)
    assert [p["Name"] for p in first["Parameters"]] == [f"/many/p{n:02d}" for n in range(10)]
    second = ssm.get_parameters_by_path(Path="/many", MaxResults=10, NextToken=first["NextToken"])
    assert [p["Name"] for p in second["Parameters"]] == [f"/many/p{n:02d}" for n in range(10, 20)]
    third = ssm.get_parameters_by_path(Path="/many", MaxResults=10, NextToken=second["NextToken"])
    assert [p["Name"] for p in third["Parameters"]] == [f"/many/p{n:02d}" for n in range(20, 25)]
    assert "NextToken" not in third
    with pytest.raises(ClientError) as excinfo:
        ssm.describe_parameters(NextToken=first["NextToken"])
    assert error_code(excinfo) == "InvalidNextToken"
    pages = list(ssm.get_paginator("get_parameters_by_path").paginate(Path="/many"))
    assert len(pages) == 3
    assert sum(len(page["Parameters"]) for page in pages) == 25
    described = list(ssm.get_paginator("describe_parameters").paginate())
    assert len(described) == 3
    assert [p["Name"] for page in described for p in page["Parameters"]] == [
        f"/many/p{n:02d}" for n in range(25)
    ]


def test_describe_parameters_filters(server: Server) -> None:
    ssm = server.client("ssm")
    seed(ssm)

    def names(**kwargs: Any) -> list[str]:
        return [p["Name"] for p in ssm.describe_parameters(MaxResults=50, **kwargs)["Parameters"]]

    def only(key: str, values: list[str], option: str | None = None) -> list[str]:
        item: dict[str, Any] = {"Key": key, "Values": values} if values else {"Key": key}
        if option:
            item["Option"] = option
        return names(ParameterFilters=[item])

    assert only("Name", ["/app/name", "top"]) == ["/app/name", "top"]
    assert only("Name", ["/app/db"], "BeginsWith") == ["/app/db/host", "/app/db/password", "/app/db/replicas"]
    assert only("Name", ["pass"], "Contains") == ["/app/db/password"]
    assert only("Type", ["StringList"]) == ["/app/db/replicas"]
    assert only("KeyId", ["alias/app"]) == ["/app/db/password"]
    assert only("Tier", ["Advanced"]) == ["/app/db/replicas"]
    assert only("DataType", ["text"]) == names()
    assert only("Path", ["/app"]) == ["/app/name"]
    assert only("Path", ["/app"], "Recursive") == [
        "/app/db/host",
        "/app/db/password",
        "/app/db/replicas",
        "/app/name",
    ]
    assert only("tag:team", ["data"]) == ["/app/db/host"]
    assert only("tag:team", []) == ["/app/db/host"]
    assert names(Filters=[{"Key": "Name", "Values": ["/other"]}]) == ["/other/thing"]
    assert names(Filters=[{"Key": "Type", "Values": ["SecureString"]}]) == ["/app/db/password"]
    metadata = ssm.describe_parameters(ParameterFilters=[{"Key": "Name", "Values": ["/app/db/password"]}])
    entry = metadata["Parameters"][0]
    assert entry["ARN"] == "arn:aws:ssm:us-east-1:000000000000:parameter/app/db/password"
    assert (entry["Type"], entry["KeyId"], entry["Version"], entry["DataType"]) == (
        "SecureString",
        "alias/app",
        1,
        "text",
    )
    assert "Value" not in entry


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"ParameterFilters": [{"Key": "Label", "Values": ["x"]}]}, "InvalidFilterKey"),
        (
            {
                "ParameterFilters": [
                    {"Key": "Type", "Values": ["String"]},
                    {"Key": "Type", "Values": ["String"]},
                ]
            },
            "InvalidFilterKey",
        ),
        (
            {"ParameterFilters": [{"Key": "Type", "Option": "Contains", "Values": ["S"]}]},
            "InvalidFilterOption",
        ),
        (
            {"ParameterFilters": [{"Key": "Path", "Option": "Equals", "Values": ["/a"]}]},
            "InvalidFilterOption",
        ),
        ({"ParameterFilters": [{"Key": "Name"}]}, "InvalidFilterValue"),
        ({"ParameterFilters": [{"Key": "Tier", "Values": ["Gold"]}]}, "InvalidFilterValue"),
        ({"ParameterFilters": [{"Key": "Path", "Values": ["no-slash"]}]}, "ValidationException"),
        (
            {
                "Filters": [{"Key": "Name", "Values": ["/a"]}],
                "ParameterFilters": [{"Key": "Name", "Values": ["/a"]}],
            },
            "ValidationException",
        ),
        ({"NextToken": "bm90IGEgdG9rZW4"}, "InvalidNextToken"),
    ],
)
def test_describe_parameters_refusals(server: Server, kwargs: dict[str, Any], code: str) -> None:
    with pytest.raises(ClientError) as excinfo:
        server.client("ssm").describe_parameters(**kwargs)
    assert error_code(excinfo) == code


def test_delete_parameter(server: Server) -> None:
    ssm = server.client("ssm")
    ssm.put_parameter(Name="/gone", Value="v", Type="String")
    ssm.put_parameter(Name="/gone", Value="w", Overwrite=True)
    ssm.delete_parameter(Name="/gone")
    with pytest.raises(ClientError) as excinfo:
        ssm.get_parameter(Name="/gone")
    assert error_code(excinfo) == "ParameterNotFound"
    with pytest.raises(ClientError) as excinfo:
        ssm.delete_parameter(Name="/gone")
    assert error_code(excinfo) == "ParameterNotFound"
    assert excinfo.value.response["Error"]["Message"] == "Parameter /gone not found."
    with pytest.raises(ClientError) as excinfo:
        ssm.delete_parameter(Name="aws-reserved")
    assert error_code(excinfo) == "AccessDeniedException"
    # A name deleted and made again starts its versions over.
    assert ssm.put_parameter(Name="/gone", Value="again", Type="String")["Version"] == 1


def test_delete_parameters(server: Server) -> None:
    ssm = server.client("ssm")
    ssm.put_parameter(Name="/d/one", Value="v", Type="String")
    ssm.put_parameter(Name="two", Value="v", Type="String")
    answer = ssm.delete_parameters(Names=["/d/one", "/missing", "/two", "bad name", "/aws/x"])
    assert answer["DeletedParameters"] == ["/d/one", "/two"]
    assert answer["InvalidParameters"] == ["/missing", "bad name", "/aws/x"]
    assert ssm.describe_parameters()["Parameters"] == []
