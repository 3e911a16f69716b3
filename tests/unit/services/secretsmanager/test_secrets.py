"""The Secrets Manager service over a real SQLite store: purges, sealing, quotas, resources."""

from __future__ import annotations

import sqlite3
from datetime import timedelta

import pytest
from cryptography.exceptions import InvalidTag

from codeyard.services.secretsmanager.errors import LimitExceeded, MarkedForDeletion, ResourceNotFound
from codeyard.services.secretsmanager.vault import MAX_VERSIONS
from tests.unit.services.secretsmanager.conftest import World

DAY = 24 * 3600


def _rows(world: World, table: str) -> list[sqlite3.Row]:
    with sqlite3.connect(world.database) as connection:
        connection.row_factory = sqlite3.Row
        return list(connection.execute(f"SELECT * FROM {table}"))


def test_secret_is_purged_lazily_after_its_recovery_window(world: World) -> None:
    ctx = world.ctx()
    first = world.api.create_secret(ctx, name="old", secret_string="v")
    world.api.delete_secret(ctx, secret_id="old", recovery_window_in_days=7)
    world.clock.advance(7 * DAY - 1)
    assert world.api.describe_secret(ctx, secret_id="old")["DeletedDate"] is not None
    world.clock.advance(1)
    with pytest.raises(ResourceNotFound):
        world.api.describe_secret(ctx, secret_id="old")
    # The read found it expired and removed it, versions and all.
    assert _rows(world, "sm_secrets") == []
    assert _rows(world, "sm_secret_versions") == []
    second = world.api.create_secret(ctx, name="old", secret_string="new")
    assert second["ARN"] != first["ARN"]


def test_listing_purges_expired_secrets_and_keeps_the_others(world: World) -> None:
    ctx = world.ctx()
    for name in ("a", "b", "c"):
        world.api.create_secret(ctx, name=name, secret_string=name)
    world.api.delete_secret(ctx, secret_id="a", recovery_window_in_days=7)
    world.api.delete_secret(ctx, secret_id="b", recovery_window_in_days=30)
    world.clock.advance(8 * DAY)
    listed = world.api.list_secrets(ctx, include_planned_deletion=True)["SecretList"]
    assert [s["Name"] for s in listed] == ["b", "c"]
    assert sorted(row["name"] for row in _rows(world, "sm_secrets")) == ["b", "c"]


def test_create_over_an_expired_secret_replaces_it(world: World) -> None:
    ctx = world.ctx()
    world.api.create_secret(ctx, name="again", secret_string="v")
    world.api.delete_secret(ctx, secret_id="again")
    world.clock.advance(30 * DAY + 1)
    created = world.api.create_secret(ctx, name="again", secret_string="fresh")
    assert world.api.get_secret_value(ctx, secret_id="again")["SecretString"] == "fresh"
    assert [row["arn"] for row in _rows(world, "sm_secrets")] == [created["ARN"]]


def test_restore_within_the_window_cancels_the_deletion(world: World) -> None:
    ctx = world.ctx()
    world.api.create_secret(ctx, name="keep", secret_string="v")
    deleted = world.api.delete_secret(ctx, secret_id="keep", recovery_window_in_days=10)
    assert deleted["DeletionDate"] == world.clock.now() + timedelta(days=10)
    with pytest.raises(MarkedForDeletion):
        world.api.get_secret_value(ctx, secret_id="keep")
    world.clock.advance(9 * DAY)
    world.api.restore_secret(ctx, secret_id="keep")
    world.clock.advance(30 * DAY)
    assert world.api.get_secret_value(ctx, secret_id="keep")["SecretString"] == "v"


def test_values_are_sealed_at_rest(world: World) -> None:
    ctx = world.ctx()
    text = "correct-horse-battery-staple-9f3a"
    blob = b"\x89BINARY-SENTINEL-\x00\xff-7c21"
    world.api.create_secret(ctx, name="text", secret_string=text)
    world.api.create_secret(ctx, name="blob", secret_binary=blob)
    world.api.put_secret_value(ctx, secret_id="text", secret_string=text + "-v2")
    assert (
        world.api.get_secret_value(ctx, secret_id="text", version_stage="AWSPREVIOUS")["SecretString"] == text
    )
    versions = _rows(world, "sm_secret_versions")
    assert len(versions) == 3
    assert all(row["sealed_string"] is not None or row["sealed_binary"] is not None for row in versions)
    with sqlite3.connect(world.database) as connection:
        tables = [name for (name,) in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        for table in tables:
            for row in connection.execute(f"SELECT * FROM {table}"):
                for cell in row:
                    data = cell.encode() if isinstance(cell, str) else cell
                    if isinstance(data, bytes):
                        assert text.encode() not in data
                        assert blob not in data
    for path in world.database.parent.iterdir():
        content = path.read_bytes()
        assert text.encode() not in content, path.name
        assert blob not in content, path.name


def test_a_sealed_value_copied_to_another_version_does_not_open(world: World) -> None:
    ctx = world.ctx()
    first = world.api.create_secret(ctx, name="bound", secret_string="one")["VersionId"]
    second = world.api.put_secret_value(ctx, secret_id="bound", secret_string="two")["VersionId"]
    with sqlite3.connect(world.database) as connection:
        connection.execute(
            "UPDATE sm_secret_versions SET sealed_string = "
            "(SELECT sealed_string FROM sm_secret_versions WHERE version_id = ?) WHERE version_id = ?",
            (first, second),
        )
    with pytest.raises(InvalidTag):
        world.api.get_secret_value(ctx, secret_id="bound")


def test_last_accessed_date_is_the_day_of_the_read(world: World) -> None:
    ctx = world.ctx()
    world.api.create_secret(ctx, name="seen", secret_string="v")
    world.clock.advance(DAY + 3 * 3600 + 17)
    world.api.get_secret_value(ctx, secret_id="seen")
    day = world.clock.now().replace(hour=0, minute=0, second=0, microsecond=0)
    assert world.api.describe_secret(ctx, secret_id="seen")["LastAccessedDate"] == day
    [version] = world.api.list_secret_version_ids(ctx, secret_id="seen")["Versions"]
    assert version["LastAccessedDate"] == day


def test_versions_beyond_the_quota_drop_the_oldest_deprecated_ones(world: World) -> None:
    ctx = world.ctx()
    first = world.api.create_secret(ctx, name="many", secret_string="0")["VersionId"]
    for i in range(1, MAX_VERSIONS):
        world.clock.advance(1)
        world.api.put_secret_value(ctx, secret_id="many", secret_string=str(i))
    assert len(_rows(world, "sm_secret_versions")) == MAX_VERSIONS
    # Unlabelled versions younger than a day are kept, so the quota refuses a new one...
    with pytest.raises(LimitExceeded):
        world.api.put_secret_value(ctx, secret_id="many", secret_string="over")
    # ...and a day later the oldest unlabelled version makes room.
    world.clock.advance(DAY)
    world.api.put_secret_value(ctx, secret_id="many", secret_string="fits")
    ids = {row["version_id"] for row in _rows(world, "sm_secret_versions")}
    assert len(ids) == MAX_VERSIONS
    assert first not in ids
    assert world.api.get_secret_value(ctx, secret_id="many")["SecretString"] == "fits"


def test_resources_for_names_the_real_arn_or_a_pattern_for_new_names(world: World) -> None:
    ctx = world.ctx()
    arn = world.api.create_secret(ctx, name="app/key", secret_string="v")["ARN"]
    assert world.api.resources_for("GetSecretValue", {"SecretId": "app/key"}, ctx) == [arn]
    assert world.api.resources_for("DescribeSecret", {"SecretId": arn[:-7]}, ctx) == [arn]
    assert world.api.resources_for("CreateSecret", {"Name": "app/key"}, ctx) == [arn]
    assert world.api.resources_for("CreateSecret", {"Name": "app/new"}, ctx) == [
        "arn:aws:secretsmanager:us-east-1:000000000000:secret:app/new-??????"
    ]
    assert world.api.resources_for("ListSecrets", {}, ctx) == ["*"]
    assert world.api.resources_for("GetRandomPassword", {}, ctx) == ["*"]
    other = world.ctx("eu-west-1")
    assert world.api.resources_for("GetSecretValue", {"SecretId": "app/key"}, other) == [
        "arn:aws:secretsmanager:eu-west-1:000000000000:secret:app/key-??????"
    ]


def test_labelled_follows_the_labels_of_each_version(world: World) -> None:
    ctx = world.ctx()
    first = world.api.create_secret(ctx, name="lab", secret_string="1")["VersionId"]
    world.api.put_secret_value(ctx, secret_id="lab", secret_string="2")
    third = world.api.put_secret_value(ctx, secret_id="lab", secret_string="3")["VersionId"]
    labelled = {row["version_id"]: bool(row["labelled"]) for row in _rows(world, "sm_secret_versions")}
    assert labelled[first] is False
    assert sum(labelled.values()) == 2
    # A label moved onto the deprecated version brings it back into the labelled reads.
    world.api.update_secret_version_stage(ctx, secret_id="lab", version_stage="old", move_to_version_id=first)
    labelled = {row["version_id"]: bool(row["labelled"]) for row in _rows(world, "sm_secret_versions")}
    assert labelled[first] is True
    stages = world.api.describe_secret(ctx, secret_id="lab")["VersionIdsToStages"]
    assert stages[first] == ["old"]
    assert stages[third] == ["AWSCURRENT"]
    assert world.api.get_secret_value(ctx, secret_id="lab", version_stage="old")["SecretString"] == "1"
