"""A batch member whose task names a fleet (`env.fleet`) is queued on that fleet, as StartBuild's
fleetOverride queues a build; a fleet that does not exist, or that the batch's
`restrictions.fleetsAllowed` leaves out, fails the batch at DOWNLOAD_BATCHSPEC."""

from __future__ import annotations

from typing import Any

from tests.api.codebuild.batch_support import ROLE, batch_finished, batch_project, groups, spec
from tests.api.codebuild.support import stored_rows
from tests.api.codebuild.test_fleets import make_fleet
from tests.support.server import Server

ON_POOL = (
    "  build-list:\n    - identifier: pooled\n      env:\n        fleet: pool\n    - identifier: plain\n"
)


def _config(**restrictions: Any) -> dict[str, Any]:
    return {"serviceRole": ROLE, "restrictions": restrictions}


def test_a_member_naming_a_fleet_is_queued_on_it(server: Server) -> None:
    codebuild = server.client("codebuild")
    fleet = make_fleet(server, "pool")
    batch_project(server, "fleets", spec(ON_POOL), buildBatchConfig=_config(fleetsAllowed=["pool"]))

    started = codebuild.start_build_batch(projectName="fleets")["buildBatch"]
    members = {name: g["currentBuildSummary"]["arn"] for name, g in groups(started).items()}
    builds = {b["arn"]: b for b in codebuild.batch_get_builds(ids=list(members.values()))["builds"]}
    pooled, plain = builds[members["pooled"]], builds[members["plain"]]
    jobs = dict(stored_rows(server, "SELECT id, fleet FROM work_jobs"))
    codebuild.stop_build_batch(id=started["id"])  # no runner of the fleet: the member waits
    batch_finished(server, started["id"])

    assert pooled["environment"]["fleet"] == {"fleetArn": fleet["arn"]}
    assert "fleet" not in plain["environment"]
    assert jobs[pooled["id"]] == fleet["arn"]
    assert jobs[plain["id"]] is None


def test_a_fleet_not_allowed_or_unknown_fails_the_batch_at_download_batchspec(server: Server) -> None:
    codebuild = server.client("codebuild")
    make_fleet(server, "pool")
    other = make_fleet(server, "other")
    batch_project(server, "narrow", spec(ON_POOL), buildBatchConfig=_config(fleetsAllowed=[other["arn"]]))
    unknown = ON_POOL.replace("fleet: pool", "fleet: missing")
    batch_project(server, "unknown", spec(unknown), buildBatchConfig=_config())

    for name, words in (
        ("narrow", f"Build pooled uses fleet pool, which is not in the fleets allowed: {other['arn']}"),
        ("unknown", "Build pooled uses fleet missing, which does not exist"),
    ):
        started = codebuild.start_build_batch(projectName=name)["buildBatch"]
        download = next(p for p in started["phases"] if p["phaseType"] == "DOWNLOAD_BATCHSPEC")
        assert started["buildBatchStatus"] == "FAILED"
        assert download["phaseStatus"] == "FAILED"
        assert download["contexts"][0]["message"] == words
        assert codebuild.list_builds_for_project(projectName=name)["ids"] == []


def test_a_member_whose_fleet_was_deleted_before_it_starts_fails_the_batch(server: Server) -> None:
    """Nothing but the batch names the fleet `later`, so DeleteFleet removes it while member `b`
    waits for `a` (held on a fleet with no runner, then stopped; it may fail): `b` cannot start,
    and the batch fails saying why instead of the end of `a` failing."""
    codebuild = server.client("codebuild")
    make_fleet(server, "hold")
    later = make_fleet(server, "later")
    graph = (
        "  build-graph:\n"
        "    - identifier: a\n      ignore-failure: true\n      env:\n        fleet: hold\n"
        "    - identifier: b\n      depend-on:\n        - a\n      env:\n        fleet: later\n"
    )
    batch_project(server, "graph", spec(graph), buildBatchConfig=_config())
    started = codebuild.start_build_batch(projectName="graph")["buildBatch"]
    first = groups(started)["a"]["currentBuildSummary"]["arn"]

    codebuild.delete_fleet(arn=later["arn"])
    codebuild.stop_build(id=first.partition(":build/")[2])
    done = batch_finished(server, started["id"])

    assert done["buildBatchStatus"] == "FAILED"
    assert "currentBuildSummary" not in groups(done)["b"]
    failed = next(p for p in done["phases"] if p.get("phaseStatus") == "FAILED")
    assert failed["contexts"][0]["message"] == (
        f"Build b cannot start: Invalid fleet: fleet {later['arn']} does not exist"
    )
