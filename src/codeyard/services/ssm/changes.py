"""Changes to parameters: new versions, deletions and labels, each with its Parameter Store event."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from codeyard.accounts import RequestContext
from codeyard.clock import Clock
from codeyard.crypto import SecretBox
from codeyard.errors import CodeyardError, ValidationException
from codeyard.services.events import EventFactory
from codeyard.services.ssm import labels, names, policies, records, sealing, values
from codeyard.services.ssm.errors import (
    HierarchyTypeMismatch,
    ParameterAlreadyExists,
    ParameterMaxVersionLimitExceeded,
    TooManyUpdates,
)
from codeyard.store.ports import Conflict, Store, UnitOfWork
from codeyard.store.ports.ssm import ParameterRecord, ParameterVersionRecord

MAX_VERSIONS = 100
SOURCE = "aws.ssm"
DETAIL_TYPE = "Parameter Store Change"

ALREADY_EXISTS = (
    "The parameter already exists. To overwrite this value, set the overwrite option in the request to true."
)
TAGS_WITH_OVERWRITE = (
    "Invalid request: tags and overwrite can't be used together. To create a parameter with tags, please "
    "remove overwrite flag. To update tags for an existing parameter, please use AddTagsToResource or "
    "RemoveTagsFromResource."
)
CONCURRENT = "There are concurrent updates for the resource that you're trying to update. Please try again."


@dataclass(frozen=True, slots=True)
class PutRequest:
    """PutParameter's input; None means "not given" (an overwrite keeps the current setting)."""

    name: str
    value: str
    type: str | None = None
    description: str | None = None
    key_id: str | None = None
    overwrite: bool = False
    allowed_pattern: str | None = None
    tags: list[dict[str, str]] = dataclasses.field(default_factory=list)
    tier: str | None = None
    policies: str | None = None
    data_type: str | None = None


class ParameterChanges:
    def __init__(self, store: Store, box: SecretBox, clock: Clock, events: EventFactory) -> None:
        self._store = store
        self._box = box
        self._clock = clock
        self._events = events

    def put(self, ctx: RequestContext, request: PutRequest) -> tuple[int, str]:
        """(version, tier) of the version written."""
        name = names.check_writable(request.name, ctx)
        values.check_value(request.value)
        if request.tags and request.overwrite:
            raise ValidationException(TAGS_WITH_OVERWRITE)
        parsed = policies.parse(request.policies) if request.policies is not None else None
        if request.allowed_pattern:
            values.compile_pattern(request.allowed_pattern)
        with self._store.unit_of_work() as uow:
            existing = self._existing(uow, ctx.region, name, request.overwrite)
            if existing is None:
                record = self._create(uow, ctx, name, request, parsed)
            else:
                record = self._overwrite(uow, ctx, existing, request, parsed)
            uow.commit()
        return record.version, record.tier

    def _existing(self, uow: UnitOfWork, region: str, name: str, overwrite: bool) -> ParameterRecord | None:
        if overwrite:
            return records.parameter(uow, region, name, for_update=True)
        # A new name is inserted straight away (its key clash says "exists"); only the other
        # spelling of a top-level name (`a` for `/a`) needs a look first.
        for other in names.forms(name)[1:]:
            if uow.parameters.get(region=region, name=other) is not None:
                raise ParameterAlreadyExists(ALREADY_EXISTS)
        return None

    def _create(
        self,
        uow: UnitOfWork,
        ctx: RequestContext,
        name: str,
        request: PutRequest,
        parsed: list[dict[str, str]] | None,
    ) -> ParameterRecord:
        if request.type is None:
            # Without Overwrite, a name that exists is "already exists" before anything else.
            if not request.overwrite and uow.parameters.get(region=ctx.region, name=name) is not None:
                raise ParameterAlreadyExists(ALREADY_EXISTS)
            raise ValidationException("A parameter type is required when you create a parameter.")
        key_id = sealing.key_for(request.type, request.key_id, None)
        data_type = request.data_type or "text"
        values.check_data_type(data_type, request.type, request.value)
        tier = values.resolve_tier(request.tier, None, request.value, bool(parsed))
        values.check_pattern(request.value, request.allowed_pattern or "")
        tags: dict[str, str] = {tag["Key"]: tag["Value"] for tag in request.tags}
        record = ParameterRecord(
            region=ctx.region,
            name=name,
            type=request.type,
            version=1,
            last_modified_at=self._clock.now(),
            last_modified_user=ctx.principal.arn,
            description=request.description or "",
            allowed_pattern=request.allowed_pattern or "",
            key_id=key_id,
            tier=tier,
            data_type=data_type,
            policies=list(parsed or []),
            tags=[{"Key": key, "Value": value} for key, value in tags.items()],
        )
        try:
            uow.parameters.add(record)
            uow.parameter_versions.add(self._version(record, request.value))
        except Conflict:
            raise (
                TooManyUpdates(CONCURRENT) if request.overwrite else ParameterAlreadyExists(ALREADY_EXISTS)
            ) from None
        self._emit(uow, ctx, "Create", record)
        return record

    def _overwrite(
        self,
        uow: UnitOfWork,
        ctx: RequestContext,
        existing: ParameterRecord,
        request: PutRequest,
        parsed: list[dict[str, str]] | None,
    ) -> ParameterRecord:
        if request.type is not None and request.type != existing.type:
            raise HierarchyTypeMismatch(
                "The parameter type can't be changed: Parameter Store does not support changing a "
                f"parameter from {existing.type} to {request.type}. Create a new, unique parameter instead."
            )
        kept_policies: list[dict[str, Any]] = list(existing.policies) if parsed is None else list(parsed)
        data_type = request.data_type or existing.data_type
        values.check_data_type(data_type, existing.type, request.value)
        tier = values.resolve_tier(request.tier, existing.tier, request.value, bool(kept_policies))
        pattern = existing.allowed_pattern if request.allowed_pattern is None else request.allowed_pattern
        values.check_pattern(request.value, pattern)
        record = dataclasses.replace(
            existing,
            version=existing.version + 1,
            last_modified_at=self._clock.now(),
            last_modified_user=ctx.principal.arn,
            description=existing.description if request.description is None else request.description,
            allowed_pattern=pattern,
            key_id=sealing.key_for(existing.type, request.key_id, existing.key_id),
            tier=tier,
            data_type=data_type,
            policies=kept_policies,
        )
        if existing.version >= MAX_VERSIONS:
            self._drop_oldest(uow, existing)
        uow.parameters.update(record)
        try:
            uow.parameter_versions.add(self._version(record, request.value))
        except Conflict:
            raise TooManyUpdates(CONCURRENT) from None
        self._emit(uow, ctx, "Update", record)
        return record

    def _drop_oldest(self, uow: UnitOfWork, existing: ParameterRecord) -> None:
        """Keep 100 versions, as AWS does: the oldest goes, unless a label holds it.

        Versions are numbered without gaps and only ever dropped from the old end, so the versions
        kept are always the last 100 numbers and the oldest needs no query to be found.
        """
        oldest = existing.version - MAX_VERSIONS + 1
        if oldest in existing.labels.values():
            raise ParameterMaxVersionLimitExceeded(
                f"You attempted to create a new version of {existing.name} by calling the PutParameter "
                f"API with the overwrite flag. Version {oldest}, the oldest version, can't be deleted "
                "because it has a label associated with it. Move the label to another version of the "
                "parameter, and try again."
            )
        uow.parameter_versions.remove(region=existing.region, name=existing.name, version=oldest)

    def _version(self, record: ParameterRecord, value: str) -> ParameterVersionRecord:
        secure = record.type == sealing.SECURE
        return ParameterVersionRecord(
            region=record.region,
            name=record.name,
            version=record.version,
            type=record.type,
            value=None if secure else value,
            sealed_value=(
                sealing.seal(self._box, record.region, record.name, record.version, value) if secure else None
            ),
            last_modified_at=record.last_modified_at,
            last_modified_user=record.last_modified_user,
            description=record.description,
            allowed_pattern=record.allowed_pattern,
            key_id=record.key_id,
            tier=record.tier,
            data_type=record.data_type,
            policies=list(record.policies),
        )

    def _emit(self, uow: UnitOfWork, ctx: RequestContext, operation: str, record: ParameterRecord) -> None:
        detail = {
            "operation": operation,
            "name": record.name,
            "type": record.type,
            "description": record.description,
        }
        event = self._events.event(ctx, SOURCE, DETAIL_TYPE, detail, [names.arn(ctx, record.name)])
        uow.outbox.add(event)

    def delete(self, ctx: RequestContext, name: str) -> None:
        checked = names.check_writable(name, ctx)  # AWS refuses reserved names here too
        with self._store.unit_of_work() as uow:
            if not self._remove(uow, ctx, checked):
                raise records.not_found(checked)
            uow.commit()

    def delete_many(self, ctx: RequestContext, requested: Sequence[str]) -> tuple[list[str], list[str]]:
        """(deleted, invalid) names, in the order asked."""
        deleted: list[str] = []
        invalid: list[str] = []
        with self._store.unit_of_work() as uow:
            for name in dict.fromkeys(requested):
                try:
                    found = self._remove(uow, ctx, names.check_writable(name, ctx))
                except CodeyardError:  # a name no parameter can have
                    found = False
                (deleted if found else invalid).append(name)
            uow.commit()
        return deleted, invalid

    def _remove(self, uow: UnitOfWork, ctx: RequestContext, name: str) -> bool:
        record = records.parameter(uow, ctx.region, name)
        if record is None:
            return False
        uow.parameter_versions.remove(region=ctx.region, name=record.name)
        uow.parameters.remove(region=ctx.region, name=record.name)
        self._emit(uow, ctx, "Delete", record)
        return True

    def label(
        self, ctx: RequestContext, name: str, version: int | None, wanted: Sequence[str]
    ) -> tuple[list[str], int]:
        """(invalid labels, version labelled)."""
        checked = names.check_syntax(name)
        with self._store.unit_of_work() as uow:
            record = self._labelled(uow, ctx, checked, version)
            target = record.version if version is None else version
            outcome = labels.attach(record.labels, target, wanted)
            if outcome.changed(record.labels):
                uow.parameters.update(dataclasses.replace(record, labels=outcome.labels))
                self._emit(uow, ctx, "LabelParameterVersion", record)
            uow.commit()
        return outcome.invalid, target

    def unlabel(
        self, ctx: RequestContext, name: str, version: int, unwanted: Sequence[str]
    ) -> tuple[list[str], list[str]]:
        """(removed, invalid) labels. AWS documents no event for this; none is emitted."""
        checked = names.check_syntax(name)
        with self._store.unit_of_work() as uow:
            record = self._labelled(uow, ctx, checked, version)
            kept, removed, invalid = labels.detach(record.labels, version, unwanted)
            if removed:
                uow.parameters.update(dataclasses.replace(record, labels=kept))
            uow.commit()
        return removed, invalid

    def _labelled(
        self, uow: UnitOfWork, ctx: RequestContext, name: str, version: int | None
    ) -> ParameterRecord:
        """The parameter whose version is to be (un)labelled, once that version is known to exist."""
        record = records.parameter(uow, ctx.region, name)
        if record is None:
            raise records.not_found(name)
        if version is not None and version != record.version:
            found = uow.parameter_versions.get(region=ctx.region, name=record.name, version=version)
            if found is None:
                raise records.version_not_found(name, version)
        return record
