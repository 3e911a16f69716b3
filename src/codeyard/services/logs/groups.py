"""Log groups: create, delete, describe and retention policies."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from typing import Any

from codeyard.accounts import RequestContext
from codeyard.services.logs.base import LogsBase, group_arn, group_name_of
from codeyard.services.logs.errors import (
    InvalidParameterException,
    ResourceAlreadyExistsException,
)
from codeyard.services.logs.pages import page
from codeyard.store.ports import Conflict
from codeyard.store.ports.logs import LogGroupRecord

RETENTION_DAYS = (
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
)  # fmt: skip
GROUP_EXISTS = "The specified log group already exists"


class GroupsMixin(LogsBase):
    def create_log_group(
        self,
        ctx: RequestContext,
        *,
        log_group_name: str,
        kms_key_id: str | None = None,
        tags: Mapping[str, str] | None = None,
        log_group_class: str | None = None,
        deletion_protection_enabled: bool | None = None,
    ) -> dict[str, Any]:
        record = LogGroupRecord(
            id=None,
            region=ctx.region,
            name=log_group_name,
            arn=group_arn(ctx.region, ctx.account_id, log_group_name),
            creation_time=self._now_ms(),
            log_group_class=log_group_class or "STANDARD",
            kms_key_id=kms_key_id,
            tags=dict(tags or {}),
        )
        with self._store.unit_of_work() as uow:
            if uow.log_groups.get(region=ctx.region, name=log_group_name) is not None:
                raise ResourceAlreadyExistsException(GROUP_EXISTS)
            try:
                uow.log_groups.add(record)
            except Conflict:
                raise ResourceAlreadyExistsException(GROUP_EXISTS) from None
            uow.commit()
        return {}

    def delete_log_group(self, ctx: RequestContext, *, log_group_name: str) -> dict[str, Any]:
        """Deletes the group with its streams and their events."""
        with self._store.unit_of_work() as uow:
            group = self._group(uow, ctx.region, log_group_name, for_update=True)
            uow.log_events.remove(group_id=group.id)
            uow.log_streams.remove(group_id=group.id)
            uow.log_groups.remove(id=group.id)
            uow.commit()
        return {}

    def describe_log_groups(
        self,
        ctx: RequestContext,
        *,
        account_identifiers: Sequence[str] | None = None,
        log_group_name_prefix: str | None = None,
        log_group_name_pattern: str | None = None,
        next_token: str | None = None,
        limit: int | None = None,
        include_linked_accounts: bool | None = None,
        log_group_class: str | None = None,
        log_group_identifiers: Sequence[str] | None = None,
    ) -> dict[str, Any]:
        if log_group_name_prefix is not None and log_group_name_pattern is not None:
            raise InvalidParameterException(
                "LogGroupNamePrefix and LogGroupNamePattern are mutually exclusive parameters."
            )
        with self._reading() as uow:
            groups = uow.log_groups.find(
                region=ctx.region, prefix={"name": log_group_name_prefix or ""}, order_by="name"
            )
        if log_group_name_pattern:
            wanted = log_group_name_pattern.lower()
            groups = [g for g in groups if wanted in g.name.lower()]
        if log_group_class:
            groups = [g for g in groups if g.log_group_class == log_group_class]
        if log_group_identifiers:
            names = {group_name_of(i) for i in log_group_identifiers}
            groups = [g for g in groups if g.name in names]
        chosen, following = page(groups, next_token, limit or 50, "groups")
        out: dict[str, Any] = {"logGroups": [self._group_shape(g) for g in chosen]}
        if following:
            out["nextToken"] = following
        return out

    def put_retention_policy(
        self, ctx: RequestContext, *, log_group_name: str, retention_in_days: int
    ) -> dict[str, Any]:
        if retention_in_days not in RETENTION_DAYS:
            raise InvalidParameterException(
                f"1 validation error detected: Value '{retention_in_days}' at 'retentionInDays' failed to "
                f"satisfy constraint: Member must satisfy enum value set: [{', '.join(map(str, RETENTION_DAYS))}]"
            )
        self._set_retention(ctx, log_group_name, retention_in_days)
        return {}

    def delete_retention_policy(self, ctx: RequestContext, *, log_group_name: str) -> dict[str, Any]:
        self._set_retention(ctx, log_group_name, None)
        return {}

    def _set_retention(self, ctx: RequestContext, name: str, days: int | None) -> None:
        with self._store.unit_of_work() as uow:
            group = self._group(uow, ctx.region, name, for_update=True)
            uow.log_groups.update(dataclasses.replace(group, retention_in_days=days))
            uow.commit()
