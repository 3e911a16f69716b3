"""Secrets Manager through boto3: creating, reading, changing, deleting and restoring secrets."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.support.server import Server

NOT_FOUND = "Secrets Manager can't find the specified secret."
MARKED = "You can't perform this operation on the secret because it was marked for deletion."
TOKEN_A = "a" * 32
TOKEN_B = "b" * 32


def _error(raised: pytest.ExceptionInfo[ClientError]) -> tuple[str, str]:
    error = raised.value.response["Error"]
    return error["Code"], error["Message"]


@pytest.fixture
def sm(server: Server) -> Any:
    return server.client("secretsmanager")


def test_create_secret_answers_arn_with_random_suffix_and_reads_back_by_name_and_arns(sm: Any) -> None:
    created = sm.create_secret(Name="app/db", SecretString="hunter2", Description="the database")
    assert re.fullmatch(
        r"arn:aws:secretsmanager:us-east-1:000000000000:secret:app/db-[A-Za-z0-9]{6}", created["ARN"]
    )
    assert created["Name"] == "app/db"
    partial = created["ARN"][:-7]
    for secret_id in ("app/db", created["ARN"], partial):
        value = sm.get_secret_value(SecretId=secret_id)
        assert value["SecretString"] == "hunter2"
        assert value["ARN"] == created["ARN"]
        assert value["VersionId"] == created["VersionId"]
        assert value["VersionStages"] == ["AWSCURRENT"]
        assert "SecretBinary" not in value
    assert abs(value["CreatedDate"] - datetime.now(UTC)) < timedelta(minutes=5)


def test_binary_secret_round_trips_bytes(sm: Any) -> None:
    payload = bytes(range(256))
    sm.create_secret(Name="blob", SecretBinary=payload)
    value = sm.get_secret_value(SecretId="blob")
    assert value["SecretBinary"] == payload
    assert "SecretString" not in value


def test_secret_without_value_has_no_version_until_one_is_put(sm: Any) -> None:
    created = sm.create_secret(Name="empty")
    assert "VersionId" not in created
    assert "VersionIdsToStages" not in sm.describe_secret(SecretId="empty")
    with pytest.raises(ClientError) as raised:
        sm.get_secret_value(SecretId="empty")
    assert _error(raised) == (
        "ResourceNotFoundException",
        "Secrets Manager can't find the specified secret value for staging label: AWSCURRENT",
    )
    put = sm.put_secret_value(SecretId="empty", SecretString="now", VersionStages=["AWSPENDING"])
    # The first version of a secret always becomes AWSCURRENT.
    assert sorted(put["VersionStages"]) == ["AWSCURRENT", "AWSPENDING"]
    assert sm.get_secret_value(SecretId="empty")["SecretString"] == "now"


def test_create_secret_refuses_bad_names_and_two_values(sm: Any) -> None:
    with pytest.raises(ClientError) as raised:
        sm.create_secret(Name="has space", SecretString="x")
    code, message = _error(raised)
    assert code == "InvalidParameterException"
    assert message.startswith("Invalid name.")
    with pytest.raises(ClientError) as raised:
        sm.create_secret(Name="both", SecretString="x", SecretBinary=b"y")
    assert _error(raised)[0] == "InvalidParameterException"
    assert sm.list_secrets()["SecretList"] == []


def test_create_secret_of_existing_name_is_refused(sm: Any) -> None:
    sm.create_secret(Name="dup", SecretString="one")
    with pytest.raises(ClientError) as raised:
        sm.create_secret(Name="dup", SecretString="two")
    assert _error(raised) == (
        "ResourceExistsException",
        "The operation failed because the secret dup already exists.",
    )


def test_create_secret_with_the_same_token_is_idempotent(sm: Any) -> None:
    first = sm.create_secret(Name="idem", SecretString="v", ClientRequestToken=TOKEN_A)
    again = sm.create_secret(Name="idem", SecretString="v", ClientRequestToken=TOKEN_A)
    assert (again["ARN"], again["VersionId"]) == (first["ARN"], TOKEN_A)
    with pytest.raises(ClientError) as raised:
        sm.create_secret(Name="idem", SecretString="other", ClientRequestToken=TOKEN_A)
    code, message = _error(raised)
    assert code == "ResourceExistsException"
    assert TOKEN_A in message
    assert len(sm.list_secret_version_ids(SecretId="idem")["Versions"]) == 1


def test_missing_secrets_versions_and_labels_answer_aws_errors(sm: Any) -> None:
    with pytest.raises(ClientError) as raised:
        sm.get_secret_value(SecretId="nope")
    assert _error(raised) == ("ResourceNotFoundException", NOT_FOUND)
    created = sm.create_secret(Name="s", SecretString="v")
    with pytest.raises(ClientError) as raised:
        sm.get_secret_value(SecretId="s", VersionStage="AWSPREVIOUS")
    assert _error(raised) == (
        "ResourceNotFoundException",
        "Secrets Manager can't find the specified secret value for staging label: AWSPREVIOUS",
    )
    with pytest.raises(ClientError) as raised:
        sm.get_secret_value(SecretId="s", VersionId=TOKEN_B)
    assert _error(raised) == (
        "ResourceNotFoundException",
        f"Secrets Manager can't find the specified secret value for VersionId: {TOKEN_B}",
    )
    with pytest.raises(ClientError) as raised:
        sm.get_secret_value(SecretId="s", VersionId=created["VersionId"], VersionStage="AWSPENDING")
    assert _error(raised)[0] == "InvalidRequestException"
    with pytest.raises(ClientError) as raised:
        sm.describe_secret(SecretId=created["ARN"].replace("us-east-1", "eu-west-1"))
    assert _error(raised) == ("ResourceNotFoundException", NOT_FOUND)


def test_secrets_belong_to_their_region(server: Server) -> None:
    east = server.client("secretsmanager")
    west = server.client("secretsmanager", region_name="eu-west-1")
    east.create_secret(Name="shared", SecretString="east")
    with pytest.raises(ClientError):
        west.get_secret_value(SecretId="shared")
    created = west.create_secret(Name="shared", SecretString="west")
    assert ":eu-west-1:" in created["ARN"]
    assert west.get_secret_value(SecretId="shared")["SecretString"] == "west"
    assert east.get_secret_value(SecretId="shared")["SecretString"] == "east"


def test_put_secret_value_moves_current_and_previous(sm: Any) -> None:
    first = sm.create_secret(Name="rot", SecretString="v1")["VersionId"]
    second = sm.put_secret_value(SecretId="rot", SecretString="v2")
    assert second["VersionStages"] == ["AWSCURRENT"]
    third = sm.put_secret_value(SecretId="rot", SecretString="v3")["VersionId"]
    stages = sm.describe_secret(SecretId="rot")["VersionIdsToStages"]
    assert stages == {third: ["AWSCURRENT"], second["VersionId"]: ["AWSPREVIOUS"]}
    assert sm.get_secret_value(SecretId="rot")["SecretString"] == "v3"
    assert sm.get_secret_value(SecretId="rot", VersionStage="AWSPREVIOUS")["SecretString"] == "v2"
    # The first version lost its labels: deprecated, listed only on request, still readable by id.
    listed = {v["VersionId"] for v in sm.list_secret_version_ids(SecretId="rot")["Versions"]}
    assert listed == {third, second["VersionId"]}
    everything = sm.list_secret_version_ids(SecretId="rot", IncludeDeprecated=True)["Versions"]
    assert {v["VersionId"] for v in everything} == {first, second["VersionId"], third}
    assert next(v for v in everything if v["VersionId"] == first).get("VersionStages") is None
    assert sm.get_secret_value(SecretId="rot", VersionId=first)["SecretString"] == "v1"


def test_put_secret_value_with_explicit_labels_leaves_current_alone(sm: Any) -> None:
    sm.create_secret(Name="pending", SecretString="live")
    put = sm.put_secret_value(SecretId="pending", SecretString="next", VersionStages=["AWSPENDING"])
    assert put["VersionStages"] == ["AWSPENDING"]
    assert sm.get_secret_value(SecretId="pending")["SecretString"] == "live"
    assert sm.get_secret_value(SecretId="pending", VersionStage="AWSPENDING")["SecretString"] == "next"


def test_put_secret_value_token_is_idempotent(sm: Any) -> None:
    sm.create_secret(Name="tok", SecretString="v1")
    first = sm.put_secret_value(SecretId="tok", SecretString="v2", ClientRequestToken=TOKEN_A)
    again = sm.put_secret_value(SecretId="tok", SecretString="v2", ClientRequestToken=TOKEN_A)
    assert again["VersionId"] == first["VersionId"] == TOKEN_A
    assert again["VersionStages"] == ["AWSCURRENT"]
    with pytest.raises(ClientError) as raised:
        sm.put_secret_value(SecretId="tok", SecretBinary=b"v3", ClientRequestToken=TOKEN_A)
    assert _error(raised)[0] == "ResourceExistsException"
    assert len(sm.list_secret_version_ids(SecretId="tok")["Versions"]) == 2


def test_put_secret_value_needs_exactly_one_value(sm: Any) -> None:
    sm.create_secret(Name="pv", SecretString="v")
    with pytest.raises(ClientError) as raised:
        sm.put_secret_value(SecretId="pv")
    assert _error(raised)[0] == "InvalidParameterException"
    with pytest.raises(ClientError) as raised:
        sm.put_secret_value(SecretId="missing", SecretString="v")
    assert _error(raised) == ("ResourceNotFoundException", NOT_FOUND)


def test_update_secret_changes_description_key_and_value(sm: Any) -> None:
    created = sm.create_secret(Name="upd", SecretString="v1", Description="old")
    meta_only = sm.update_secret(SecretId="upd", Description="new", KmsKeyId="alias/mine")
    assert "VersionId" not in meta_only
    described = sm.describe_secret(SecretId="upd")
    assert (described["Description"], described["KmsKeyId"]) == ("new", "alias/mine")
    assert described["VersionIdsToStages"] == {created["VersionId"]: ["AWSCURRENT"]}
    changed = sm.update_secret(SecretId="upd", SecretBinary=b"v2")
    assert sm.get_secret_value(SecretId="upd")["SecretBinary"] == b"v2"
    stages = sm.describe_secret(SecretId="upd")["VersionIdsToStages"]
    assert stages == {changed["VersionId"]: ["AWSCURRENT"], created["VersionId"]: ["AWSPREVIOUS"]}
    with pytest.raises(ClientError) as raised:
        sm.update_secret(SecretId="upd", SecretString="a", SecretBinary=b"b")
    assert _error(raised)[0] == "InvalidParameterException"


def test_describe_secret_shows_dates_tags_and_last_access_day(sm: Any) -> None:
    created = sm.create_secret(Name="desc", SecretString="v", Tags=[{"Key": "team", "Value": "core"}])
    described = sm.describe_secret(SecretId=created["ARN"])
    assert described["Tags"] == [{"Key": "team", "Value": "core"}]
    assert "LastAccessedDate" not in described
    assert "DeletedDate" not in described
    assert described["CreatedDate"] <= described["LastChangedDate"]
    sm.get_secret_value(SecretId="desc")
    accessed = sm.describe_secret(SecretId="desc")["LastAccessedDate"].astimezone(UTC)
    assert (accessed.hour, accessed.minute, accessed.second) == (0, 0, 0)
    assert accessed.date() == datetime.now(UTC).date()


def test_delete_schedules_deletion_and_restore_brings_it_back(sm: Any) -> None:
    created = sm.create_secret(Name="gone", SecretString="v")
    deleted = sm.delete_secret(SecretId="gone", RecoveryWindowInDays=7)
    assert deleted["ARN"] == created["ARN"]
    expected = datetime.now(UTC) + timedelta(days=7)
    assert abs(deleted["DeletionDate"] - expected) < timedelta(minutes=5)
    assert "DeletedDate" in sm.describe_secret(SecretId="gone")
    for call in (
        lambda: sm.get_secret_value(SecretId="gone"),
        lambda: sm.put_secret_value(SecretId="gone", SecretString="x"),
        lambda: sm.update_secret(SecretId="gone", Description="x"),
        lambda: sm.delete_secret(SecretId="gone"),
        lambda: sm.tag_resource(SecretId="gone", Tags=[{"Key": "k", "Value": "v"}]),
    ):
        with pytest.raises(ClientError) as raised:
            call()
        assert _error(raised) == ("InvalidRequestException", MARKED)
    with pytest.raises(ClientError) as raised:
        sm.create_secret(Name="gone", SecretString="again")
    assert _error(raised)[0] == "InvalidRequestException"
    assert sm.list_secrets()["SecretList"] == []
    planned = sm.list_secrets(IncludePlannedDeletion=True)["SecretList"]
    assert [s["Name"] for s in planned] == ["gone"]
    restored = sm.restore_secret(SecretId=created["ARN"])
    assert restored == {**restored, "ARN": created["ARN"], "Name": "gone"}
    assert sm.get_secret_value(SecretId="gone")["SecretString"] == "v"
    assert "DeletedDate" not in sm.describe_secret(SecretId="gone")


def test_delete_defaults_to_thirty_days(sm: Any) -> None:
    sm.create_secret(Name="thirty", SecretString="v")
    deleted = sm.delete_secret(SecretId="thirty")
    assert abs(deleted["DeletionDate"] - (datetime.now(UTC) + timedelta(days=30))) < timedelta(minutes=5)


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (
            {"RecoveryWindowInDays": 6},
            "The RecoveryWindowInDays value must be between 7 and 30 days (inclusive).",
        ),
        (
            {"RecoveryWindowInDays": 31},
            "The RecoveryWindowInDays value must be between 7 and 30 days (inclusive).",
        ),
        (
            {"RecoveryWindowInDays": 7, "ForceDeleteWithoutRecovery": True},
            "You can't use ForceDeleteWithoutRecovery in conjunction with RecoveryWindowInDays.",
        ),
    ],
)
def test_delete_parameters_are_checked(sm: Any, arguments: dict[str, Any], message: str) -> None:
    sm.create_secret(Name="param", SecretString="v")
    with pytest.raises(ClientError) as raised:
        sm.delete_secret(SecretId="param", **arguments)
    assert _error(raised) == ("InvalidParameterException", message)
    assert sm.get_secret_value(SecretId="param")["SecretString"] == "v"


def test_force_delete_removes_at_once_even_when_scheduled(sm: Any) -> None:
    first = sm.create_secret(Name="force", SecretString="v")
    sm.delete_secret(SecretId="force")
    forced = sm.delete_secret(SecretId="force", ForceDeleteWithoutRecovery=True)
    assert abs(forced["DeletionDate"] - datetime.now(UTC)) < timedelta(minutes=5)
    for call in (lambda: sm.describe_secret(SecretId="force"), lambda: sm.restore_secret(SecretId="force")):
        with pytest.raises(ClientError) as raised:
            call()
        assert _error(raised) == ("ResourceNotFoundException", NOT_FOUND)
    second = sm.create_secret(Name="force", SecretString="new")
    assert second["ARN"] != first["ARN"]
    with pytest.raises(ClientError) as raised:
        sm.get_secret_value(SecretId=first["ARN"])
    assert _error(raised)[0] == "ResourceNotFoundException"
    with pytest.raises(ClientError) as raised:
        sm.delete_secret(SecretId="never-was", ForceDeleteWithoutRecovery=True)
    assert _error(raised) == ("ResourceNotFoundException", NOT_FOUND)
