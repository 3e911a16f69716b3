"""Secrets Manager through boto3: listing, filters, tags, staging labels and batch reads."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.support.server import Server


def _error(raised: pytest.ExceptionInfo[ClientError]) -> tuple[str, str]:
    error = raised.value.response["Error"]
    return error["Code"], error["Message"]


@pytest.fixture
def sm(server: Server) -> Any:
    return server.client("secretsmanager")


@pytest.fixture
def catalogue(sm: Any) -> Any:
    sm.create_secret(
        Name="prod/db", SecretString="1", Description="Main database", Tags=[{"Key": "env", "Value": "prod"}]
    )
    sm.create_secret(Name="prod/api-key", SecretString="2", Tags=[{"Key": "env", "Value": "production"}])
    sm.create_secret(
        Name="dev/db", SecretString="3", Description="Scratch DB", Tags=[{"Key": "team", "Value": "core"}]
    )
    sm.create_secret(Name="Prod-upper", SecretString="4")
    return sm


def _names(sm: Any, **kwargs: Any) -> list[str]:
    return [s["Name"] for s in sm.list_secrets(**kwargs)["SecretList"]]


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ([{"Key": "name", "Values": ["prod/"]}], ["prod/api-key", "prod/db"]),
        ([{"Key": "name", "Values": ["prod"]}], ["prod/api-key", "prod/db"]),  # case-sensitive prefix
        ([{"Key": "name", "Values": ["dev/", "Prod"]}], ["Prod-upper", "dev/db"]),  # values are alternatives
        ([{"Key": "name", "Values": ["!prod"]}], ["Prod-upper", "dev/db"]),
        ([{"Key": "description", "Values": ["main"]}], ["prod/db"]),  # not case-sensitive
        ([{"Key": "tag-key", "Values": ["env"]}], ["prod/api-key", "prod/db"]),
        ([{"Key": "tag-value", "Values": ["prod"]}], ["prod/api-key", "prod/db"]),
        ([{"Key": "tag-value", "Values": ["production"]}], ["prod/api-key"]),
        ([{"Key": "all", "Values": ["db"]}], ["dev/db", "prod/db"]),
        ([{"Key": "all", "Values": ["CORE"]}], ["dev/db"]),
        (
            [{"Key": "name", "Values": ["prod"]}, {"Key": "tag-value", "Values": ["production"]}],
            ["prod/api-key"],
        ),
    ],
)
def test_list_secrets_filters(catalogue: Any, filters: list[dict[str, Any]], expected: list[str]) -> None:
    assert sorted(_names(catalogue, Filters=filters)) == expected


def test_list_secrets_sorts_and_pages(catalogue: Any) -> None:
    by_name = _names(catalogue, SortBy="name")
    assert by_name == sorted(by_name)
    assert _names(catalogue, SortBy="name", SortOrder="desc") == list(reversed(by_name))
    assert _names(catalogue) == ["prod/db", "prod/api-key", "dev/db", "Prod-upper"]  # created-date order
    seen: list[str] = []
    token = None
    pages = 0
    while True:
        kwargs = {"MaxResults": 3, "SortBy": "name"} | ({"NextToken": token} if token else {})
        page = catalogue.list_secrets(**kwargs)
        seen += [s["Name"] for s in page["SecretList"]]
        pages += 1
        token = page.get("NextToken")
        if not token:
            break
    assert (seen, pages) == (by_name, 2)
    paginated = catalogue.get_paginator("list_secrets").paginate(PaginationConfig={"PageSize": 1})
    assert len([s for page in paginated for s in page["SecretList"]]) == 4
    with pytest.raises(ClientError) as raised:
        catalogue.list_secrets(NextToken="not-a-token")
    assert _error(raised)[0] == "InvalidNextTokenException"


def test_list_entries_show_versions_to_stages(sm: Any) -> None:
    created = sm.create_secret(
        Name="entry", SecretString="v", Description="d", Tags=[{"Key": "a", "Value": "b"}]
    )
    [entry] = sm.list_secrets()["SecretList"]
    assert entry["ARN"] == created["ARN"]
    assert entry["SecretVersionsToStages"] == {created["VersionId"]: ["AWSCURRENT"]}
    assert (entry["Description"], entry["Tags"]) == ("d", [{"Key": "a", "Value": "b"}])


def test_tag_and_untag_resource(sm: Any) -> None:
    sm.create_secret(Name="tags", SecretString="v", Tags=[{"Key": "a", "Value": "1"}])
    sm.tag_resource(SecretId="tags", Tags=[{"Key": "a", "Value": "2"}, {"Key": "b", "Value": "3"}])
    assert sm.describe_secret(SecretId="tags")["Tags"] == [
        {"Key": "a", "Value": "2"},
        {"Key": "b", "Value": "3"},
    ]
    sm.untag_resource(SecretId="tags", TagKeys=["a", "absent"])
    assert sm.describe_secret(SecretId="tags")["Tags"] == [{"Key": "b", "Value": "3"}]
    with pytest.raises(ClientError) as raised:
        sm.tag_resource(SecretId="nope", Tags=[{"Key": "k", "Value": "v"}])
    assert _error(raised)[0] == "ResourceNotFoundException"
    with pytest.raises(ClientError) as raised:
        sm.tag_resource(SecretId="tags", Tags=[{"Key": f"k{i}", "Value": "v"} for i in range(50)])
    assert _error(raised)[0] == "InvalidParameterException"


def test_list_secret_version_ids_pages_and_fails_for_missing(sm: Any) -> None:
    sm.create_secret(Name="vers", SecretString="1")
    sm.put_secret_value(SecretId="vers", SecretString="2", VersionStages=["A"])
    sm.put_secret_value(SecretId="vers", SecretString="3", VersionStages=["B"])
    first = sm.list_secret_version_ids(SecretId="vers", MaxResults=2)
    assert len(first["Versions"]) == 2
    rest = sm.list_secret_version_ids(SecretId="vers", MaxResults=2, NextToken=first["NextToken"])
    assert len(rest["Versions"]) == 1
    assert "NextToken" not in rest
    assert all(v["KmsKeyIds"] == ["DefaultEncryptionKey"] for v in first["Versions"] + rest["Versions"])
    with pytest.raises(ClientError) as raised:
        sm.list_secret_version_ids(SecretId="nope")
    assert _error(raised)[0] == "ResourceNotFoundException"


def test_update_secret_version_stage_moves_current_and_previous(sm: Any) -> None:
    v1 = sm.create_secret(Name="stage", SecretString="1")["VersionId"]
    v2 = sm.put_secret_value(SecretId="stage", SecretString="2", VersionStages=["AWSPENDING"])["VersionId"]
    with pytest.raises(ClientError) as raised:
        sm.update_secret_version_stage(SecretId="stage", VersionStage="AWSCURRENT", MoveToVersionId=v2)
    code, message = _error(raised)
    assert code == "InvalidParameterException"
    assert f"Staging label AWSCURRENT is currently attached to version {v1}" in message
    sm.update_secret_version_stage(
        SecretId="stage", VersionStage="AWSCURRENT", RemoveFromVersionId=v1, MoveToVersionId=v2
    )
    stages = sm.describe_secret(SecretId="stage")["VersionIdsToStages"]
    assert sorted(stages[v2]) == ["AWSCURRENT", "AWSPENDING"]
    assert stages[v1] == ["AWSPREVIOUS"]
    assert sm.get_secret_value(SecretId="stage")["SecretString"] == "2"
    sm.update_secret_version_stage(SecretId="stage", VersionStage="AWSPENDING", RemoveFromVersionId=v2)
    sm.update_secret_version_stage(SecretId="stage", VersionStage="custom", MoveToVersionId=v1)
    stages = sm.describe_secret(SecretId="stage")["VersionIdsToStages"]
    assert stages == {v2: ["AWSCURRENT"], v1: ["AWSPREVIOUS", "custom"]}


@pytest.mark.parametrize(
    ("arguments", "code"),
    [
        ({"VersionStage": "AWSCURRENT", "MoveToVersionId": "x" * 32}, "ResourceNotFoundException"),
        ({"VersionStage": "AWSCURRENT", "RemoveFromVersionId": "CURRENT"}, "InvalidParameterException"),
        ({"VersionStage": "other", "RemoveFromVersionId": "CURRENT"}, "InvalidParameterException"),
        ({"VersionStage": "other"}, "InvalidParameterException"),
    ],
)
def test_update_secret_version_stage_errors(sm: Any, arguments: dict[str, str], code: str) -> None:
    current = sm.create_secret(Name="bad-stage", SecretString="1")["VersionId"]
    arguments = {k: current if v == "CURRENT" else v for k, v in arguments.items()}
    with pytest.raises(ClientError) as raised:
        sm.update_secret_version_stage(SecretId="bad-stage", **arguments)
    assert _error(raised)[0] == code
    assert sm.describe_secret(SecretId="bad-stage")["VersionIdsToStages"] == {current: ["AWSCURRENT"]}


def test_batch_get_secret_value_by_ids_reports_errors_per_secret(sm: Any) -> None:
    sm.create_secret(Name="b1", SecretString="one")
    sm.create_secret(Name="b2", SecretBinary=b"two")
    sm.create_secret(Name="b3", SecretString="three")
    sm.delete_secret(SecretId="b3")
    answer = sm.batch_get_secret_value(SecretIdList=["b1", "b2", "b3", "missing"])
    values = {v["Name"]: v.get("SecretString", v.get("SecretBinary")) for v in answer["SecretValues"]}
    assert values == {"b1": "one", "b2": b"two"}
    errors = {e["SecretId"]: e["ErrorCode"] for e in answer["Errors"]}
    assert errors == {"b3": "InvalidRequestException", "missing": "ResourceNotFoundException"}


def test_batch_get_secret_value_by_filters_pages(sm: Any) -> None:
    for i in range(3):
        sm.create_secret(Name=f"batch/{i}", SecretString=str(i))
    sm.create_secret(Name="other", SecretString="x")
    filters = [{"Key": "name", "Values": ["batch/"]}]
    first = sm.batch_get_secret_value(Filters=filters, MaxResults=2)
    rest = sm.batch_get_secret_value(Filters=filters, MaxResults=2, NextToken=first["NextToken"])
    names = [v["Name"] for v in first["SecretValues"] + rest["SecretValues"]]
    assert names == ["batch/0", "batch/1", "batch/2"]
    assert "NextToken" not in rest
    for arguments in (
        {"SecretIdList": ["other"], "Filters": filters},
        {},
        {"SecretIdList": ["other"], "MaxResults": 2},
    ):
        with pytest.raises(ClientError) as raised:
            sm.batch_get_secret_value(**arguments)
        assert _error(raised)[0] == "InvalidParameterException"
