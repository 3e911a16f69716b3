"""Fleets: create, update, delete, batch get and list. A fleet is a named pool of runners (`codeyard
runner --fleet`); the builds of projects that name it run only on its runners (fleet_pool.py)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import datetime
from typing import Any

from codeyard.accounts import RequestContext
from codeyard.services.codebuild.base import CodeBuildBase
from codeyard.services.codebuild.errors import (
    AccountLimitExceededException,
    InvalidInputException,
    ResourceAlreadyExistsException,
    ResourceNotFoundException,
)
from codeyard.services.codebuild.fleet_pool import FLEET_PREFIX, find_fleet, pool
from codeyard.services.codebuild.pages import page
from codeyard.services.codebuild.project_checks import check_tags
from codeyard.store.ports import Conflict, UnitOfWork
from codeyard.store.ports.codebuild_fleets import FleetRecord

MAX_FLEETS = 100  # per account and region
PAGE_SIZE = 100
_SORT_KEYS = {"NAME": "name", "CREATED_TIME": "created_at", "LAST_MODIFIED_TIME": "last_modified_at"}
_SETTINGS = (
    "baseCapacity",
    "environmentType",
    "computeType",
    "computeConfiguration",
    "scalingConfiguration",
    "vpcConfig",
    "proxyConfiguration",
    "imageId",
    "fleetServiceRole",
)
_LAMBDA_ENVIRONMENTS = ("LINUX_LAMBDA_CONTAINER", "ARM_LAMBDA_CONTAINER")
_CONFIGURED_COMPUTE = ("ATTRIBUTE_BASED_COMPUTE", "CUSTOM_INSTANCE_TYPE")


class FleetsMixin(CodeBuildBase):
    max_fleets = MAX_FLEETS

    def create_fleet(
        self,
        ctx: RequestContext,
        *,
        name: str,
        base_capacity: int,
        environment_type: str,
        compute_type: str,
        compute_configuration: dict[str, Any] | None = None,
        scaling_configuration: dict[str, Any] | None = None,
        overflow_behavior: str | None = None,
        vpc_config: dict[str, Any] | None = None,
        proxy_configuration: dict[str, Any] | None = None,
        image_id: str | None = None,
        fleet_service_role: str | None = None,
        tags: list[dict[str, str]] | None = None,
    ) -> dict[str, Any]:
        given = {
            "baseCapacity": base_capacity,
            "environmentType": environment_type,
            "computeType": compute_type,
            "computeConfiguration": compute_configuration,
            "scalingConfiguration": scaling_configuration,
            "vpcConfig": vpc_config,
            "proxyConfiguration": proxy_configuration,
            "imageId": image_id,
            "fleetServiceRole": fleet_service_role,
        }
        definition = _checked({k: v for k, v in given.items() if v is not None})
        check_tags(tags or [])
        now = self._clock.now()
        fleet_id = f"{name}:{self._ids.uuid()}"
        record = FleetRecord(
            region=ctx.region,
            name=name,
            arn=ctx.arn("codebuild", FLEET_PREFIX + fleet_id),
            id=fleet_id,
            created_at=now,
            last_modified_at=now,
            overflow_behavior=overflow_behavior or "QUEUE",
            definition=definition,
            tags=list(tags or []),
        )
        with self._store.unit_of_work() as uow:
            existing = uow.fleets.get(region=ctx.region, name=name)
            if existing is not None:
                raise ResourceAlreadyExistsException(f"Fleet already exists: {existing.arn}")
            if uow.fleets.count(region=ctx.region) >= self.max_fleets:
                raise AccountLimitExceededException(
                    f"The maximum number of fleets ({self.max_fleets}) was reached in {ctx.region}."
                )
            try:
                uow.fleets.add(record)
            except Conflict:
                raise ResourceAlreadyExistsException(f"Fleet already exists: {name}") from None
            shape = self._fleet_shape(uow, record)
            uow.commit()
        return {"fleet": shape}

    def update_fleet(
        self,
        ctx: RequestContext,
        *,
        arn: str,
        base_capacity: int | None = None,
        environment_type: str | None = None,
        compute_type: str | None = None,
        compute_configuration: dict[str, Any] | None = None,
        scaling_configuration: dict[str, Any] | None = None,
        overflow_behavior: str | None = None,
        vpc_config: dict[str, Any] | None = None,
        proxy_configuration: dict[str, Any] | None = None,
        image_id: str | None = None,
        fleet_service_role: str | None = None,
        tags: list[dict[str, str]] | None = None,
    ) -> dict[str, Any]:
        """Changes the members given; the others keep their values. The fleet's row is locked first,
        so of two updates at once neither change is lost."""
        changes = {
            "baseCapacity": base_capacity,
            "environmentType": environment_type,
            "computeType": compute_type,
            "computeConfiguration": compute_configuration,
            "scalingConfiguration": scaling_configuration,
            "vpcConfig": vpc_config,
            "proxyConfiguration": proxy_configuration,
            "imageId": image_id,
            "fleetServiceRole": fleet_service_role,
        }
        if tags is not None:
            check_tags(tags)
        with self._store.unit_of_work() as uow:
            record = find_fleet(uow, ctx.region, arn, for_update=True)
            if record is None:
                raise ResourceNotFoundException(f"Fleet not found: {arn}")
            definition = dict(record.definition)
            definition.update({k: v for k, v in changes.items() if v is not None})
            updated = replace(
                record,
                definition=_checked(definition),
                overflow_behavior=overflow_behavior or record.overflow_behavior,
                last_modified_at=self._clock.now(),
                tags=list(tags) if tags is not None else record.tags,
            )
            uow.fleets.update(updated)
            shape = self._fleet_shape(uow, updated)
            uow.commit()
        return {"fleet": shape}

    def delete_fleet(self, ctx: RequestContext, *, arn: str) -> dict[str, Any]:
        """A fleet that a project names, or that builds are queued for, is refused; a missing one
        answers nothing. The fleet's row is locked first: a project stored or a build queued naming
        it at the same time (which lock the row shared) is either seen here or refused its fleet."""
        with self._store.unit_of_work() as uow:
            record = find_fleet(uow, ctx.region, arn, for_update=True)
            if record is None:
                return {}
            users = sorted(p.name for p in uow.projects.find(region=ctx.region, fleet_arn=record.arn))
            if users:
                raise InvalidInputException(
                    f"Fleet {record.arn} cannot be deleted: it is used by project(s) {', '.join(users)}"
                )
            queued = uow.jobs.count(state="QUEUED", fleet=record.arn)
            if queued:
                raise InvalidInputException(
                    f"Fleet {record.arn} cannot be deleted: {queued} build(s) are queued for it"
                )
            uow.fleets.remove(region=record.region, name=record.name)
            uow.commit()
        return {}

    def _fleet_arns(self, ctx: RequestContext, names: list[str]) -> dict[str, str]:
        """The ARNs of the caller's region's fleets of these names (the others left out)."""
        with self._reading() as uow:
            found = {name: uow.fleets.get(region=ctx.region, name=name) for name in dict.fromkeys(names)}
        return {name: record.arn for name, record in found.items() if record is not None}

    def batch_get_fleets(self, ctx: RequestContext, *, names: list[str]) -> dict[str, Any]:
        """The fleets of these names or ARNs; the others in `fleetsNotFound`."""
        found: list[dict[str, Any]] = []
        missing: list[str] = []
        with self._reading() as uow:
            for name in dict.fromkeys(names):
                record = find_fleet(uow, ctx.region, name)
                if record is None:
                    missing.append(name)
                else:
                    found.append(self._fleet_shape(uow, record))
        return {"fleets": found, "fleetsNotFound": missing}

    def list_fleets(
        self,
        ctx: RequestContext,
        *,
        next_token: str | None = None,
        max_results: int | None = None,
        sort_order: str | None = None,
        sort_by: str | None = None,
    ) -> dict[str, Any]:
        """The region's fleet ARNs by name, creation or last change (then name)."""
        sort_by = sort_by or "NAME"
        sort_order = sort_order or "ASCENDING"
        key = _SORT_KEYS[sort_by]
        with self._reading() as uow:
            records = uow.fleets.find(region=ctx.region)
        records.sort(key=lambda r: (getattr(r, key), r.name), reverse=sort_order == "DESCENDING")
        kind = f"fleets-{sort_by}-{sort_order}"
        items, following = page(records, next_token, max_results or PAGE_SIZE, kind)
        out: dict[str, Any] = {"fleets": [r.arn for r in items]}
        if following:
            out["nextToken"] = following
        return out

    def _fleet_shape(self, uow: UnitOfWork, record: FleetRecord) -> dict[str, Any]:
        """The Fleet shape; its status tells how many of its runners are live and idle now."""
        definition = dict(record.definition)
        scaling = definition.get("scalingConfiguration")
        if scaling is not None:
            definition["scalingConfiguration"] = {**scaling, "desiredCapacity": definition["baseCapacity"]}
        return {
            "arn": record.arn,
            "name": record.name,
            "id": record.id,
            "created": record.created_at,
            "lastModified": record.last_modified_at,
            "status": _status(uow, record, self._clock.now()),
            **definition,
            "overflowBehavior": record.overflow_behavior,
            "tags": [dict(tag) for tag in record.tags],
        }


def _status(uow: UnitOfWork, record: FleetRecord, now: datetime) -> dict[str, str]:
    """ACTIVE from creation on (nothing is provisioned); INSUFFICIENT_CAPACITY while no runner of
    the fleet is live; the message counts its live and idle runners."""
    runners = pool(uow, record.arn, now)
    status = {
        "statusCode": "ACTIVE",
        "message": f"{runners.live} runner(s) serve this fleet, {runners.idle} idle",
    }
    if runners.live == 0:
        status["context"] = "INSUFFICIENT_CAPACITY"
    return status


def _checked(definition: Mapping[str, Any]) -> dict[str, Any]:
    """The fleet's settings, refused with AWS's InvalidInputException where they cannot go together."""
    capacity = definition["baseCapacity"]
    if capacity < 1:
        raise InvalidInputException(f"Invalid baseCapacity: {capacity}; it must be at least 1")
    environment_type, compute = definition["environmentType"], definition["computeType"]
    if environment_type in _LAMBDA_ENVIRONMENTS or compute.startswith("BUILD_LAMBDA_"):
        raise InvalidInputException(f"Invalid fleet: {environment_type} {compute} is not supported by fleets")
    if compute in _CONFIGURED_COMPUTE and not definition.get("computeConfiguration"):
        raise InvalidInputException(
            f"Invalid fleet: computeConfiguration must be specified for compute type {compute}"
        )
    scaling = definition.get("scalingConfiguration")
    if scaling is not None:
        top = scaling.get("maxCapacity")
        if top is not None and top < capacity:
            raise InvalidInputException(
                f"Invalid scalingConfiguration: maxCapacity {top} is less than baseCapacity {capacity}"
            )
    return {key: definition[key] for key in _SETTINGS if definition.get(key) is not None}


FLEET_OPERATIONS = frozenset({"CreateFleet", "UpdateFleet", "DeleteFleet", "BatchGetFleets", "ListFleets"})


def fleet_resources(
    operation: str,
    params: Mapping[str, Any],
    ctx: RequestContext,
    arns_of: Callable[[list[str]], dict[str, str]],
) -> list[str]:
    """The fleet ARN(s) a fleet call is authorised on: the ARNs given; for a name, the ARN of the
    caller's region's fleet of that name (`fleet/<name>:<uuid>`, which a policy naming the fleet by
    its ARN matches, as when the call gives the ARN), or `fleet/<name>` when the region has no such
    fleet (CreateFleet's name is never looked up); "*" for ListFleets. `arns_of` maps names to the
    ARNs of the fleets that have them."""
    if operation == "CreateFleet":
        given = [params.get("name")]
    elif operation == "BatchGetFleets":
        given = list(params.get("names") or ())
    else:
        given = [params.get("arn")]
    names = [name for name in given if isinstance(name, str)]
    plain = [n for n in names if not n.startswith("arn:")]
    known = arns_of(plain) if plain and operation != "CreateFleet" else {}
    arns = [
        n if n.startswith("arn:") else known.get(n) or ctx.arn("codebuild", FLEET_PREFIX + n) for n in names
    ]
    return arns or ["*"]
