"""Fleets as pools of runners: finding a fleet by name or ARN, and which of its runners are live and idle.

The rules the work queue claims by and the fleet's status reports:
- a runner is *live* when it polled the server within LIVE_SECONDS (claims note a runner's polls at
  most every SEEN_SECONDS, so a polling runner always counts as live), or holds a lease that has not
  run out (a runner does not poll while it runs its build; its heartbeats renew the lease);
- a live runner is *idle* when it holds no lease;
- the builds of an ON_DEMAND fleet overflow (on-demand runners may take them) while the fleet has
  no idle runner; a QUEUE fleet's builds wait for one of its own runners.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from codeyard.services.codebuild.errors import InvalidInputException
from codeyard.store.ports import UnitOfWork
from codeyard.store.ports.codebuild_fleets import FleetRecord

FLEET_PREFIX = "fleet/"
LIVE_SECONDS = 30
SEEN_SECONDS = 5
ON_DEMAND = "ON_DEMAND"
LEASED = "LEASED"


@dataclass(frozen=True)
class Pool:
    """The fleet's runners now: live (polled lately) and, of those, idle (no build leased)."""

    live: int
    idle: int


def find_fleet(
    uow: UnitOfWork, region: str, name_or_arn: str, *, for_update: bool = False, for_share: bool = False
) -> FleetRecord | None:
    """The region's fleet of that name or ARN (its row locked, exclusive or shared, when asked)."""
    lock = {"for_update": for_update, "for_share": for_share}
    if name_or_arn.startswith("arn:"):
        record = uow.fleets.get(arn=name_or_arn, **lock)
        return record if record is not None and record.region == region else None
    return uow.fleets.get(region=region, name=name_or_arn, **lock)


def fleet_anywhere(uow: UnitOfWork, name_or_arn: str) -> FleetRecord | None:
    """The fleet of that ARN, or the one fleet of that name in any region (a runner's --fleet);
    InvalidInputException when the name is a fleet's in several regions."""
    if name_or_arn.startswith("arn:"):
        return uow.fleets.get(arn=name_or_arn)
    named = uow.fleets.find(name=name_or_arn)
    if len(named) > 1:
        regions = ", ".join(sorted(f.region for f in named))
        raise InvalidInputException(
            f"Fleet name {name_or_arn} is used in several regions ({regions}): give its ARN"
        )
    return named[0] if named else None


def bind_fleet(
    uow: UnitOfWork, region: str, environment: dict[str, Any], *, lock: bool = False
) -> str | None:
    """The ARN of the fleet an environment names (`fleet.fleetArn`, a fleet name or ARN), written
    back into the environment as the ARN; None when it names none. An unknown fleet is refused.
    With `lock` the fleet's row is locked shared (PostgreSQL's FOR KEY SHARE): a project stored or a
    build queued naming it cannot meet its DeleteFleet (which locks the row FOR UPDATE, then looks
    for projects and queued builds naming it), one waits for the other; the callers that share the
    lock do not wait for each other."""
    fleet = environment.get("fleet")
    if not isinstance(fleet, dict) or not fleet.get("fleetArn"):
        environment.pop("fleet", None)
        return None
    given = str(fleet["fleetArn"])
    record = find_fleet(uow, region, given, for_share=lock)
    if record is None:
        raise InvalidInputException(f"Invalid fleet: fleet {given} does not exist")
    environment["fleet"] = {"fleetArn": record.arn}
    return record.arn


def pool(uow: UnitOfWork, fleet_arn: str, now: datetime) -> Pool:
    """How many of the fleet's runners are live and idle at `now`."""
    since = now - timedelta(seconds=LIVE_SECONDS)
    polling = {
        r.runner_id
        for r in uow.runners.find(fleet=fleet_arn)
        if r.last_seen_at is not None and r.last_seen_at >= since
    }
    leased = uow.jobs.find(state=LEASED, fleet=fleet_arn)
    busy = {job.runner_id for job in leased if job.runner_id is not None}
    building = {
        job.runner_id
        for job in leased
        if job.runner_id is not None and job.lease_expires_at is not None and job.lease_expires_at > now
    }
    return Pool(live=len(polling | building), idle=len(polling - busy))
