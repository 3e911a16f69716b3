"""The Parameter Store service over a real SQLite store: sealing at rest, outbox events, resources."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime

import pytest
from cryptography.exceptions import InvalidTag

from codeyard.errors import AccessDeniedException
from codeyard.services.ssm import sealing
from codeyard.services.ssm.errors import ParameterNotFound, ParameterPatternMismatch
from tests.unit.services.ssm.conftest import World

SECRET = "correct-horse-battery-staple-7f3a"


def test_secure_string_is_nowhere_in_the_database_file(world: World) -> None:
    ctx = world.ctx()
    world.api.put_parameter(ctx, name="/db/password", value=SECRET, type="SecureString", description="pw")
    world.api.put_parameter(ctx, name="/db/password", value=SECRET + "-2", overwrite=True)
    assert world.api.get_parameter(ctx, name="/db/password", with_decryption=True)["Parameter"]["Value"] == (
        SECRET + "-2"
    )
    # Every file of the database, the write-ahead log included, before and after a checkpoint.
    for path in world.database.parent.iterdir():
        assert SECRET.encode() not in path.read_bytes(), path.name
    world.store.dispose()
    with sqlite3.connect(world.database) as connection:
        dump = "\n".join(connection.iterdump())
        blobs = [row[0] for row in connection.execute("SELECT sealed_value FROM ssm_parameter_versions")]
        clear = [row[0] for row in connection.execute("SELECT value FROM ssm_parameter_versions")]
    assert SECRET not in dump
    assert SECRET.encode().hex().upper() not in dump.upper()
    assert len(blobs) == 2
    assert all(SECRET.encode() not in blob for blob in blobs)
    assert clear == [None, None]
    for path in world.database.parent.iterdir():
        assert SECRET.encode() not in path.read_bytes(), path.name


def test_sealed_value_only_opens_for_its_own_parameter_and_version(world: World) -> None:
    ctx = world.ctx()
    world.api.put_parameter(ctx, name="/a", value=SECRET, type="SecureString")
    sealed = world.rows("ssm_parameter_versions")[0]["sealed_value"]
    assert world.box.open_text(sealed, sealing.context("us-east-1", "/a", 1)) == SECRET
    for context in (
        sealing.context("us-east-1", "/b", 1),
        sealing.context("us-east-1", "/a", 2),
        sealing.context("eu-west-1", "/a", 1),
    ):
        with pytest.raises(InvalidTag):
            world.box.open_text(sealed, context)


def test_changes_write_parameter_store_events_in_the_outbox(world: World) -> None:
    ctx = world.ctx()
    world.api.put_parameter(ctx, name="/app/flag", value="on", type="String", description="a flag")
    world.api.put_parameter(ctx, name="/app/flag", value="off", overwrite=True)
    world.api.label_parameter_version(ctx, name="/app/flag", labels=["prod"])
    world.api.delete_parameter(ctx, name="/app/flag")
    events = world.rows("outbox_events")
    assert [row["detail_type"] for row in events] == ["Parameter Store Change"] * 4
    assert {row["source"] for row in events} == {"aws.ssm"}
    assert {row["region"] for row in events} == {"us-east-1"}
    assert {row["account"] for row in events} == {"000000000000"}
    details = [json.loads(row["detail"]) for row in events]
    assert [d["operation"] for d in details] == ["Create", "Update", "LabelParameterVersion", "Delete"]
    assert details[0] == {
        "operation": "Create",
        "name": "/app/flag",
        "type": "String",
        "description": "a flag",
    }
    assert {json.loads(row["resources"])[0] for row in events} == {
        "arn:aws:ssm:us-east-1:000000000000:parameter/app/flag"
    }


def test_a_refused_change_leaves_neither_rows_nor_events(world: World) -> None:
    ctx = world.ctx()
    world.api.put_parameter(ctx, name="/p", value="1", type="String", allowed_pattern=r"^\d$")
    with pytest.raises(ParameterPatternMismatch):
        world.api.put_parameter(ctx, name="/p", value="x", overwrite=True)
    with pytest.raises(AccessDeniedException):
        world.api.put_parameter(ctx, name="/aws/p", value="x", type="String")
    with pytest.raises(ParameterNotFound):
        world.api.delete_parameter(ctx, name="/missing")
    assert len(world.rows("outbox_events")) == 1
    assert len(world.rows("ssm_parameter_versions")) == 1


def test_delete_parameters_emits_one_event_per_deleted_name(world: World) -> None:
    ctx = world.ctx()
    for name in ("/x/1", "/x/2"):
        world.api.put_parameter(ctx, name=name, value="v", type="String")
    answer = world.api.delete_parameters(ctx, names=["/x/1", "/x/2", "/x/3"])
    assert answer == {"DeletedParameters": ["/x/1", "/x/2"], "InvalidParameters": ["/x/3"]}
    deletes = [row for row in world.rows("outbox_events") if '"Delete"' in row["detail"]]
    assert len(deletes) == 2
    assert world.rows("ssm_parameter_versions") == []


def test_only_a_hundred_versions_are_kept(world: World) -> None:
    ctx = world.ctx()
    world.api.put_parameter(ctx, name="/v", value="0", type="String")
    for number in range(1, 105):
        world.api.put_parameter(ctx, name="/v", value=str(number), overwrite=True)
    versions = sorted(row["version"] for row in world.rows("ssm_parameter_versions"))
    assert versions == list(range(6, 106))


def test_times_and_users_come_from_the_clock_and_the_caller(world: World) -> None:
    world.clock.set(datetime(2030, 5, 6, 7, 8, 9, tzinfo=UTC))
    ctx = world.ctx()
    world.api.put_parameter(ctx, name="/when", value="v", type="String")
    described = world.api.describe_parameters(ctx)["Parameters"][0]
    assert described["LastModifiedDate"] == datetime(2030, 5, 6, 7, 8, 9, tzinfo=UTC)
    assert described["LastModifiedUser"] == "arn:aws:iam::000000000000:root"


@pytest.mark.parametrize(
    ("operation", "params", "expected"),
    [
        ("PutParameter", {"Name": "/a/b"}, ["arn:aws:ssm:us-east-1:000000000000:parameter/a/b"]),
        ("PutParameter", {"Name": "plain"}, ["arn:aws:ssm:us-east-1:000000000000:parameter/plain"]),
        ("GetParameter", {"Name": "/a/b:3"}, ["arn:aws:ssm:us-east-1:000000000000:parameter/a/b"]),
        ("GetParameter", {"Name": " /a/b:prod "}, ["arn:aws:ssm:us-east-1:000000000000:parameter/a/b"]),
        (
            "GetParameter",
            {"Name": "arn:aws:ssm:us-east-1:000000000000:parameter/a/b:2"},
            ["arn:aws:ssm:us-east-1:000000000000:parameter/a/b"],
        ),
        (
            "GetParameters",
            {"Names": ["/a", "b"]},
            [
                "arn:aws:ssm:us-east-1:000000000000:parameter/a",
                "arn:aws:ssm:us-east-1:000000000000:parameter/b",
            ],
        ),
        ("DeleteParameters", {"Names": ["/a"]}, ["arn:aws:ssm:us-east-1:000000000000:parameter/a"]),
        ("GetParametersByPath", {"Path": "/app/"}, ["arn:aws:ssm:us-east-1:000000000000:parameter/app/"]),
        ("GetParametersByPath", {"Path": "/app"}, ["arn:aws:ssm:us-east-1:000000000000:parameter/app"]),
        ("GetParameterHistory", {"Name": "/h"}, ["arn:aws:ssm:us-east-1:000000000000:parameter/h"]),
        ("LabelParameterVersion", {"Name": "/h"}, ["arn:aws:ssm:us-east-1:000000000000:parameter/h"]),
        (
            "AddTagsToResource",
            {"ResourceType": "Parameter", "ResourceId": "/t"},
            ["arn:aws:ssm:us-east-1:000000000000:parameter/t"],
        ),
        ("ListTagsForResource", {"ResourceType": "Document", "ResourceId": "d"}, ["*"]),
        ("DescribeParameters", {}, ["*"]),
    ],
)
def test_resources_for(world: World, operation: str, params: dict[str, object], expected: list[str]) -> None:
    assert list(world.api.resources_for(operation, params, world.ctx())) == expected
