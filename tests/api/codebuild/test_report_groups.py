"""Report groups through boto3: create, update, delete, batch get, list, and their refusals."""

from __future__ import annotations

import base64
import json
from typing import Any

from tests.api.codebuild.report_support import group_arn, run_build
from tests.api.codebuild.support import refused
from tests.support.server import Server

NO_EXPORT = {"exportConfigType": "NO_EXPORT"}
S3_EXPORT = {
    "exportConfigType": "S3",
    "s3Destination": {
        "bucket": "reports-bucket",
        "path": "unit",
        "packaging": "ZIP",
        "encryptionDisabled": True,
    },
}


def create(server: Server, name: str, kind: str = "TEST", **members: Any) -> dict[str, Any]:
    group: dict[str, Any] = server.client("codebuild").create_report_group(
        name=name, type=kind, exportConfig=members.pop("exportConfig", NO_EXPORT), **members
    )["reportGroup"]
    return group


def test_create_update_and_get_a_report_group(server: Server) -> None:
    codebuild = server.client("codebuild")
    created = create(server, "unit-tests", exportConfig=S3_EXPORT, tags=[{"key": "team", "value": "core"}])
    assert created["arn"] == group_arn("unit-tests")
    assert created["name"] == "unit-tests"
    assert created["type"] == "TEST"
    assert created["exportConfig"] == S3_EXPORT
    assert created["tags"] == [{"key": "team", "value": "core"}]
    assert created["status"] == "ACTIVE"
    assert created["created"] == created["lastModified"]

    updated = codebuild.update_report_group(arn=created["arn"], exportConfig=NO_EXPORT)["reportGroup"]
    assert updated["exportConfig"] == NO_EXPORT
    assert updated["tags"] == [{"key": "team", "value": "core"}]  # kept when not given
    assert updated["lastModified"] >= created["lastModified"]
    retagged = codebuild.update_report_group(arn=created["arn"], tags=[])["reportGroup"]
    assert retagged["tags"] == []
    assert retagged["exportConfig"] == NO_EXPORT

    got = codebuild.batch_get_report_groups(reportGroupArns=[created["arn"], group_arn("nope"), "not-an-arn"])
    assert [g["name"] for g in got["reportGroups"]] == ["unit-tests"]
    assert got["reportGroups"][0]["exportConfig"] == NO_EXPORT
    assert got["reportGroupsNotFound"] == [group_arn("nope"), "not-an-arn"]


def test_report_group_refusals(server: Server) -> None:
    codebuild = server.client("codebuild")
    create(server, "twice")
    code, message = refused(codebuild.create_report_group, name="twice", type="TEST", exportConfig=NO_EXPORT)
    assert code == "ResourceAlreadyExistsException"
    assert group_arn("twice") in message
    code, message = refused(
        codebuild.create_report_group, name="bad/name", type="TEST", exportConfig=NO_EXPORT
    )
    assert code == "InvalidInputException"
    assert "bad/name" in message
    code, message = refused(
        codebuild.create_report_group, name="s3", type="TEST", exportConfig={"exportConfigType": "S3"}
    )
    assert code == "InvalidInputException"
    assert "bucket" in message
    code, _ = refused(
        codebuild.create_report_group,
        name="tagged",
        type="TEST",
        exportConfig=NO_EXPORT,
        tags=[{"key": "aws:reserved", "value": "x"}],
    )
    assert code == "InvalidInputException"
    code, _ = refused(codebuild.create_report_group, name="kind", type="OTHER", exportConfig=NO_EXPORT)
    assert code == "ValidationException"  # the model's enum, checked by the protocol layer
    code, message = refused(codebuild.update_report_group, arn=group_arn("missing"), exportConfig=NO_EXPORT)
    assert code == "ResourceNotFoundException"
    assert group_arn("missing") in message
    code, _ = refused(codebuild.update_report_group, arn="twice", exportConfig=NO_EXPORT)
    assert code == "ResourceNotFoundException"  # a name is not the group's ARN


def test_list_report_groups_sorted_and_paged(server: Server) -> None:
    codebuild = server.client("codebuild")
    for name in ("charlie", "alpha", "bravo"):
        create(server, name)
    codebuild.update_report_group(arn=group_arn("charlie"), tags=[{"key": "k", "value": "v"}])

    by_name = codebuild.list_report_groups()["reportGroups"]
    assert by_name == [group_arn("alpha"), group_arn("bravo"), group_arn("charlie")]
    newest = codebuild.list_report_groups(sortBy="CREATED_TIME", sortOrder="DESCENDING")["reportGroups"]
    assert newest == [group_arn("bravo"), group_arn("alpha"), group_arn("charlie")]
    touched = codebuild.list_report_groups(sortBy="LAST_MODIFIED_TIME", sortOrder="DESCENDING")[
        "reportGroups"
    ]
    assert touched[0] == group_arn("charlie")

    first = codebuild.list_report_groups(maxResults=2)
    assert first["reportGroups"] == [group_arn("alpha"), group_arn("bravo")]
    second = codebuild.list_report_groups(maxResults=2, nextToken=first["nextToken"])
    assert second["reportGroups"] == [group_arn("charlie")]
    assert "nextToken" not in second
    code, _ = refused(codebuild.list_report_groups, sortBy="CREATED_TIME", nextToken=first["nextToken"])
    assert code == "InvalidInputException"
    paged = [
        arn
        for page in codebuild.get_paginator("list_report_groups").paginate(PaginationConfig={"PageSize": 1})
        for arn in page["reportGroups"]
    ]
    assert paged == by_name


def test_delete_report_group_refuses_one_with_reports_unless_asked(server: Server) -> None:
    codebuild = server.client("codebuild")
    create(server, "empty")
    assert codebuild.delete_report_group(arn=group_arn("empty"))["ResponseMetadata"]["HTTPStatusCode"] == 200
    codebuild.delete_report_group(arn=group_arn("empty"))  # a missing group: nothing to do
    assert codebuild.list_report_groups()["reportGroups"] == []

    build = run_build(server, "app")
    unit = group_arn("app-unit")
    code, message = refused(codebuild.delete_report_group, arn=unit)
    assert code == "InvalidInputException"
    assert "deleteReports" in message
    [report_arn] = codebuild.list_reports_for_report_group(reportGroupArn=unit)["reports"]

    codebuild.delete_report_group(arn=unit, deleteReports=True)
    assert codebuild.batch_get_report_groups(reportGroupArns=[unit])["reportGroupsNotFound"] == [unit]
    assert codebuild.batch_get_reports(reportArns=[report_arn])["reportsNotFound"] == [report_arn]
    assert codebuild.list_report_groups()["reportGroups"] == [group_arn("app-coverage")]
    # the build keeps naming the report it made
    assert report_arn in codebuild.batch_get_builds(ids=[build["id"]])["builds"][0]["reportArns"]


def test_list_report_groups_pages_by_keyset_in_every_order(server: Server) -> None:
    codebuild = server.client("codebuild")
    names = [f"g{(i * 7) % 12:02d}" for i in range(12)]  # created out of name order
    for name in names:
        create(server, name)
    touched = ["g05", "g00", "g11"]
    for name in touched:
        codebuild.update_report_group(arn=group_arn(name), tags=[{"key": "k", "value": name}])
    expected = {
        "NAME": sorted(names),
        "CREATED_TIME": names,
        "LAST_MODIFIED_TIME": [n for n in names if n not in touched] + touched,
    }
    paginator = codebuild.get_paginator("list_report_groups")
    for sort_by, ascending in expected.items():
        for order, want in (("ASCENDING", ascending), ("DESCENDING", ascending[::-1])):
            pages = list(
                paginator.paginate(sortBy=sort_by, sortOrder=order, PaginationConfig={"PageSize": 5})
            )
            assert [len(p["reportGroups"]) for p in pages] == [5, 5, 2]
            assert [arn for p in pages for arn in p["reportGroups"]] == [group_arn(n) for n in want]

    # A group deleted behind the reader moves no other group across the page boundary.
    first = codebuild.list_report_groups(maxResults=5)
    codebuild.delete_report_group(arn=first["reportGroups"][0])
    rest = codebuild.list_report_groups(maxResults=100, nextToken=first["nextToken"])["reportGroups"]
    assert rest == [group_arn(n) for n in sorted(names)[5:]]


def test_list_report_groups_refuses_forged_tokens(server: Server) -> None:
    codebuild = server.client("codebuild")
    for name in ("alpha", "bravo", "charlie"):
        create(server, name)
    by_time = codebuild.list_report_groups(sortBy="CREATED_TIME", maxResults=1)["nextToken"]
    kind = json.loads(base64.urlsafe_b64decode(by_time))[0]

    def forged(after: list[object]) -> str:
        return base64.urlsafe_b64encode(json.dumps([kind, after]).encode()).decode()

    for token in (
        "not-a-token",
        forged([12, "alpha"]),
        forged(["2026-01-01T00:00:00", "alpha"]),
        forged(["0001-01-01T00:00:00+01:00", "alpha"]),  # aware, but before year 1 in UTC
        forged(["9999-12-31T23:59:59-01:00", "alpha"]),  # aware, but after year 9999 in UTC
        forged(["alpha"]),
    ):
        code, message = refused(codebuild.list_report_groups, sortBy="CREATED_TIME", nextToken=token)
        assert code == "InvalidInputException"
        assert "Invalid next token" in message
    code, _ = refused(
        codebuild.list_report_groups, sortBy="CREATED_TIME", sortOrder="DESCENDING", nextToken=by_time
    )
    assert code == "InvalidInputException"
