"""DOWNLOAD_BATCHSPEC's fleets: each member runs on the fleet its task's `env.fleet` names (queued
with it as StartBuild's fleetOverride queues a build), else on the project's; every fleet a member
runs on must exist and, when the batch restricts them, be one of its `fleetsAllowed`."""

from __future__ import annotations

from typing import Any

from codeyard.services.codebuild.batch_plan import BatchspecUnavailable
from codeyard.services.codebuild.fleet_pool import find_fleet
from codeyard.store.ports import UnitOfWork


def bind_member_fleets(
    uow: UnitOfWork,
    region: str,
    groups: list[dict[str, Any]],
    environment: dict[str, Any],
    allowed: list[str],
) -> None:
    """Writes each member's fleet (a name or ARN) into its request as the fleet's ARN; raises
    BatchspecUnavailable for an unknown fleet or one `allowed` (names or ARNs, when any) leaves out."""
    for group in groups:
        request = group["request"]
        fleet = request.get("fleetOverride") or environment.get("fleet")
        given = str(fleet.get("fleetArn") or "") if isinstance(fleet, dict) else ""
        if not given:
            continue
        record = find_fleet(uow, region, given)
        if record is None:
            raise BatchspecUnavailable(
                f"Build {group['identifier']} uses fleet {given}, which does not exist"
            )
        if allowed and record.name not in allowed and record.arn not in allowed:
            raise BatchspecUnavailable(
                f"Build {group['identifier']} uses fleet {record.name}, which is not in the "
                f"fleets allowed: {', '.join(allowed)}"
            )
        if request.get("fleetOverride"):
            request["fleetOverride"] = {"fleetArn": record.arn}
