"""DeleteFleet finds the projects naming the fleet by an indexed column and refuses a fleet that
builds are queued for; StartBuild's fleetOverride must name a fleet."""

from __future__ import annotations

from tests.api.codebuild.support import ENVIRONMENT, create, refused, stored_rows
from tests.api.codebuild.test_fleets import make_fleet
from tests.support.server import Server


def test_projects_keep_the_arn_of_their_fleet_in_a_column(server: Server) -> None:
    codebuild = server.client("codebuild")
    fleet = make_fleet(server, "pool")
    create(server, "on-pool", environment={**ENVIRONMENT, "fleet": {"fleetArn": "pool"}})
    create(server, "moving", environment=ENVIRONMENT)

    before = dict(stored_rows(server, "SELECT name, fleet_arn FROM cb_projects"))
    codebuild.update_project(name="moving", environment={**ENVIRONMENT, "fleet": {"fleetArn": "pool"}})
    codebuild.update_project(name="on-pool", environment=ENVIRONMENT)
    after = dict(stored_rows(server, "SELECT name, fleet_arn FROM cb_projects"))
    in_use = refused(codebuild.delete_fleet, arn=fleet["arn"])

    assert before == {"on-pool": fleet["arn"], "moving": None}
    assert after == {"on-pool": None, "moving": fleet["arn"]}
    assert in_use == (
        "InvalidInputException",
        f"Fleet {fleet['arn']} cannot be deleted: it is used by project(s) moving",
    )


def test_a_fleet_with_queued_builds_is_not_deleted(server: Server) -> None:
    codebuild = server.client("codebuild")
    fleet = make_fleet(server, "pool")
    create(server, "app", environment=ENVIRONMENT)
    build = codebuild.start_build(projectName="app", fleetOverride={"fleetArn": "pool"})["build"]

    queued = refused(codebuild.delete_fleet, arn=fleet["arn"])
    kept = codebuild.batch_get_fleets(names=["pool"])["fleets"]
    codebuild.stop_build(id=build["id"])
    codebuild.delete_fleet(arn=fleet["arn"])

    assert queued == (
        "InvalidInputException",
        f"Fleet {fleet['arn']} cannot be deleted: 1 build(s) are queued for it",
    )
    assert [f["arn"] for f in kept] == [fleet["arn"]]
    assert codebuild.batch_get_fleets(names=["pool"])["fleetsNotFound"] == ["pool"]
    shown = codebuild.batch_get_builds(ids=[build["id"]])["builds"][0]
    assert shown["environment"]["fleet"] == {"fleetArn": fleet["arn"]}  # its builds are kept


def test_a_fleet_override_naming_no_fleet_is_refused(server: Server) -> None:
    codebuild = server.client("codebuild")
    make_fleet(server, "pool")
    create(server, "on-pool", environment={**ENVIRONMENT, "fleet": {"fleetArn": "pool"}})

    empty = refused(codebuild.start_build, projectName="on-pool", fleetOverride={"fleetArn": ""})
    missing = refused(codebuild.start_build, projectName="on-pool", fleetOverride={})

    expected = (
        "InvalidInputException",
        "Invalid fleetOverride: fleetArn must name a fleet (its ARN or name)",
    )
    assert empty == expected
    assert missing == expected
    assert stored_rows(server, "SELECT id FROM cb_builds") == []
