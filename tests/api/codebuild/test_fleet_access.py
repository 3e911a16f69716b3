"""Fleet calls under IAM: a call that names a fleet by its name is authorised on the fleet's ARN
(`fleet/<name>:<uuid>`), as the same call naming the ARN is, so a policy naming the full ARN allows
both; a name the region has no fleet of (and CreateFleet's) is authorised as `fleet/<name>`."""

from __future__ import annotations

from tests.api.codebuild.support import ACCOUNT, refused
from tests.api.codebuild.test_fleets import make_fleet
from tests.support.iam import allow, make_user
from tests.support.server import Server

FLEETS = f"arn:aws:codebuild:us-east-1:{ACCOUNT}:fleet/"
OPERATIONS = ["codebuild:BatchGetFleets", "codebuild:UpdateFleet", "codebuild:DeleteFleet"]


def test_a_policy_naming_a_fleets_full_arn_allows_calls_by_name_and_by_arn(server: Server) -> None:
    mine, theirs = make_fleet(server, "mine"), make_fleet(server, "theirs")
    user = make_user(server, "fleet-user", allow(OPERATIONS, mine["arn"]))
    cb = user.client("codebuild")

    assert [f["arn"] for f in cb.batch_get_fleets(names=["mine"])["fleets"]] == [mine["arn"]]
    assert [f["arn"] for f in cb.batch_get_fleets(names=[mine["arn"]])["fleets"]] == [mine["arn"]]
    assert cb.update_fleet(arn="mine", baseCapacity=2)["fleet"]["baseCapacity"] == 2
    assert cb.update_fleet(arn=mine["arn"], baseCapacity=3)["fleet"]["baseCapacity"] == 3

    for call, params in (
        (cb.batch_get_fleets, {"names": ["theirs"]}),
        (cb.update_fleet, {"arn": "theirs", "baseCapacity": 2}),
        (cb.delete_fleet, {"arn": "theirs"}),
    ):
        code, message = refused(call, **params)
        assert code == "AccessDeniedException"
        assert f"on resource: {theirs['arn']} " in message  # the fleet's ARN, though named by its name
    code, _ = refused(cb.batch_get_fleets, names=["mine", "theirs"])  # every fleet named must be allowed
    assert code == "AccessDeniedException"
    code, message = refused(cb.batch_get_fleets, names=["nowhere"])
    assert code == "AccessDeniedException"
    assert f"on resource: {FLEETS}nowhere " in message

    cb.delete_fleet(arn="mine")
    assert server.client("codebuild").batch_get_fleets(names=["mine", "theirs"])["fleetsNotFound"] == ["mine"]


def test_a_policy_naming_fleets_by_name_pattern_allows_create_and_the_calls_after(server: Server) -> None:
    user = make_user(server, "fleet-maker", allow(["codebuild:CreateFleet", *OPERATIONS], f"{FLEETS}team-*"))
    cb = user.client("codebuild")
    params = {"baseCapacity": 1, "environmentType": "LINUX_CONTAINER", "computeType": "BUILD_GENERAL1_SMALL"}

    created = cb.create_fleet(name="team-a", **params)["fleet"]
    assert created["arn"].startswith(f"{FLEETS}team-a:")
    assert cb.batch_get_fleets(names=["team-a"])["fleets"][0]["arn"] == created["arn"]
    code, message = refused(cb.create_fleet, name="other", **params)
    assert code == "AccessDeniedException"
    assert f"on resource: {FLEETS}other " in message
