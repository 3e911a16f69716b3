"""SSM Parameter Store through boto3: GetParameterHistory, labels and tags."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from tests.support.server import Server


def error_of(excinfo: pytest.ExceptionInfo[ClientError]) -> tuple[str, str]:
    error = excinfo.value.response["Error"]
    return error["Code"], error["Message"]


def test_history_lists_every_version_with_its_labels(server: Server) -> None:
    ssm = server.client("ssm")
    ssm.put_parameter(Name="/h", Value="s1", Type="SecureString", Description="one")
    ssm.put_parameter(Name="/h", Value="s2", Overwrite=True, Description="two")
    ssm.put_parameter(Name="/h", Value="s3", Overwrite=True)
    ssm.label_parameter_version(Name="/h", ParameterVersion=2, Labels=["beta", "candidate"])
    history = ssm.get_parameter_history(Name="/h", WithDecryption=True)["Parameters"]
    assert [(h["Version"], h["Value"], h.get("Description")) for h in history] == [
        (1, "s1", "one"),
        (2, "s2", "two"),
        (3, "s3", "two"),
    ]
    assert [h["Labels"] for h in history] == [[], ["beta", "candidate"], []]
    first = history[0]
    assert first["Type"] == "SecureString"
    assert first["KeyId"] == "alias/aws/ssm"
    assert first["Tier"] == "Standard"
    assert first["LastModifiedUser"] == "arn:aws:iam::000000000000:root"
    hidden = ssm.get_parameter_history(Name="/h")["Parameters"]
    assert all(h["Value"] not in ("s1", "s2", "s3") for h in hidden)
    assert "NextToken" not in ssm.get_parameter_history(Name="/h")


def test_history_pages_and_errors(server: Server) -> None:
    ssm = server.client("ssm")
    ssm.put_parameter(Name="/paged", Value="v1", Type="String")
    for number in range(2, 6):
        ssm.put_parameter(Name="/paged", Value=f"v{number}", Overwrite=True)
    first = ssm.get_parameter_history(Name="/paged", MaxResults=2)
    assert [h["Version"] for h in first["Parameters"]] == [1, 2]
    second = ssm.get_parameter_history(Name="/paged", MaxResults=2, NextToken=first["NextToken"])
    assert [h["Version"] for h in second["Parameters"]] == [3, 4]
    third = ssm.get_parameter_history(Name="/paged", MaxResults=2, NextToken=second["NextToken"])
    assert [h["Version"] for h in third["Parameters"]] == [5]
    assert "NextToken" not in third
    with pytest.raises(ClientError) as excinfo:
        ssm.get_parameter_history(Name="/paged", NextToken="xyz")
    assert error_of(excinfo)[0] == "InvalidNextToken"
    with pytest.raises(ClientError) as excinfo:
        ssm.get_parameter_history(Name="/none")
    assert error_of(excinfo) == ("ParameterNotFound", "Parameter /none not found.")


def test_labels_attach_move_and_refuse(server: Server) -> None:
    ssm = server.client("ssm")
    ssm.put_parameter(Name="/l", Value="v1", Type="String")
    ssm.put_parameter(Name="/l", Value="v2", Overwrite=True)
    latest = ssm.label_parameter_version(Name="/l", Labels=["prod"])
    assert (latest["ParameterVersion"], latest["InvalidLabels"]) == (2, [])
    moved = ssm.label_parameter_version(
        Name="/l", ParameterVersion=1, Labels=["prod", "1st", "awsLabel", "SSM-x", "bad label", "ok.label-1_"]
    )
    assert moved["ParameterVersion"] == 1
    assert moved["InvalidLabels"] == ["1st", "awsLabel", "SSM-x", "bad label"]
    labels = {h["Version"]: h["Labels"] for h in ssm.get_parameter_history(Name="/l")["Parameters"]}
    assert labels == {1: ["prod", "ok.label-1_"], 2: []}
    assert ssm.get_parameter(Name="/l:prod")["Parameter"]["Value"] == "v1"


def test_label_limits_and_missing_things(server: Server) -> None:
    ssm = server.client("ssm")
    ssm.put_parameter(Name="/lim", Value="v", Type="String")
    ssm.label_parameter_version(Name="/lim", Labels=[f"l{n}" for n in range(10)])
    with pytest.raises(ClientError) as excinfo:
        ssm.label_parameter_version(Name="/lim", Labels=["eleventh"])
    code, message = error_of(excinfo)
    assert code == "ParameterVersionLabelLimitExceeded"
    assert "maximum 10 labels" in message
    assert ssm.label_parameter_version(Name="/lim", Labels=["l0", "l9"])["InvalidLabels"] == []
    with pytest.raises(ClientError) as excinfo:
        ssm.label_parameter_version(Name="/lim", ParameterVersion=3, Labels=["x"])
    assert error_of(excinfo)[0] == "ParameterVersionNotFound"
    with pytest.raises(ClientError) as excinfo:
        ssm.label_parameter_version(Name="/absent", Labels=["x"])
    assert error_of(excinfo)[0] == "ParameterNotFound"


def test_unlabel(server: Server) -> None:
    ssm = server.client("ssm")
    ssm.put_parameter(Name="/u", Value="v", Type="String")
    ssm.label_parameter_version(Name="/u", Labels=["a", "b"])
    answer = ssm.unlabel_parameter_version(Name="/u", ParameterVersion=1, Labels=["a", "zzz"])
    assert (answer["RemovedLabels"], answer["InvalidLabels"]) == (["a"], ["zzz"])
    assert ssm.get_parameter_history(Name="/u")["Parameters"][0]["Labels"] == ["b"]
    with pytest.raises(ClientError) as excinfo:
        ssm.unlabel_parameter_version(Name="/u", ParameterVersion=2, Labels=["b"])
    assert error_of(excinfo)[0] == "ParameterVersionNotFound"
    with pytest.raises(ClientError) as excinfo:
        ssm.unlabel_parameter_version(Name="/nope", ParameterVersion=1, Labels=["b"])
    assert error_of(excinfo)[0] == "ParameterNotFound"


def test_tags_add_list_remove(server: Server) -> None:
    ssm = server.client("ssm")
    ssm.put_parameter(Name="/t", Value="v", Type="String", Tags=[{"Key": "a", "Value": "1"}])
    ssm.add_tags_to_resource(
        ResourceType="Parameter",
        ResourceId="/t",
        Tags=[{"Key": "a", "Value": "2"}, {"Key": "b", "Value": "3"}],
    )
    listed = ssm.list_tags_for_resource(ResourceType="Parameter", ResourceId="/t")["TagList"]
    assert listed == [{"Key": "a", "Value": "2"}, {"Key": "b", "Value": "3"}]
    ssm.remove_tags_from_resource(ResourceType="Parameter", ResourceId="/t", TagKeys=["a", "missing"])
    listed = ssm.list_tags_for_resource(ResourceType="Parameter", ResourceId="/t")["TagList"]
    assert listed == [{"Key": "b", "Value": "3"}]
    too_many = [{"Key": f"k{n}", "Value": "v"} for n in range(50)]
    with pytest.raises(ClientError) as excinfo:
        ssm.add_tags_to_resource(ResourceType="Parameter", ResourceId="/t", Tags=too_many)
    assert error_of(excinfo)[0] == "TooManyTagsError"


def test_tags_on_unknown_resources(server: Server) -> None:
    ssm = server.client("ssm")
    for resource_type, resource_id in (
        ("Parameter", "/absent"),
        ("Parameter", "bad id"),
        ("Document", "doc"),
    ):
        with pytest.raises(ClientError) as excinfo:
            ssm.list_tags_for_resource(ResourceType=resource_type, ResourceId=resource_id)
        assert error_of(excinfo)[0] == "InvalidResourceId"
        with pytest.raises(ClientError) as excinfo:
            ssm.add_tags_to_resource(
                ResourceType=resource_type, ResourceId=resource_id, Tags=[{"Key": "k", "Value": "v"}]
            )
        assert error_of(excinfo)[0] == "InvalidResourceId"
