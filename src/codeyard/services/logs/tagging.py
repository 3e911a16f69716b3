"""Tags of log groups: by group name (the older operations) and by ARN."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from codeyard.accounts import RequestContext
from codeyard.services.logs.base import LogsBase, group_arn
from codeyard.services.logs.errors import (
    InvalidParameterException,
    ResourceNotFoundException,
    TooManyTagsException,
)
from codeyard.store.ports.logs import LogGroupRecord

MAX_TAGS = 50


class TaggingMixin(LogsBase):
    def list_tags_log_group(self, ctx: RequestContext, *, log_group_name: str) -> dict[str, Any]:
        with self._reading() as uow:
            group = self._group(uow, ctx.region, log_group_name)
        return {"tags": dict(group.tags)}

    def list_tags_for_resource(self, ctx: RequestContext, *, resource_arn: str) -> dict[str, Any]:
        name = _group_of_arn(ctx, resource_arn)
        with self._reading() as uow:
            group = self._group(uow, ctx.region, name)
        return {"tags": dict(group.tags)}

    def tag_log_group(
        self, ctx: RequestContext, *, log_group_name: str, tags: Mapping[str, str]
    ) -> dict[str, Any]:
        self._retag(ctx, log_group_name, lambda old: {**old, **tags})
        return {}

    def untag_log_group(
        self, ctx: RequestContext, *, log_group_name: str, tags: Sequence[str]
    ) -> dict[str, Any]:
        self._retag(ctx, log_group_name, lambda old: {k: v for k, v in old.items() if k not in tags})
        return {}

    def tag_resource(
        self, ctx: RequestContext, *, resource_arn: str, tags: Mapping[str, str]
    ) -> dict[str, Any]:
        self._retag(ctx, _group_of_arn(ctx, resource_arn), lambda old: {**old, **tags})
        return {}

    def untag_resource(
        self, ctx: RequestContext, *, resource_arn: str, tag_keys: Sequence[str]
    ) -> dict[str, Any]:
        self._retag(
            ctx,
            _group_of_arn(ctx, resource_arn),
            lambda old: {k: v for k, v in old.items() if k not in tag_keys},
        )
        return {}

    def _retag(
        self, ctx: RequestContext, name: str, change: Callable[[dict[str, str]], dict[str, str]]
    ) -> None:
        with self._store.unit_of_work() as uow:
            group: LogGroupRecord = self._group(uow, ctx.region, name, for_update=True)
            tags = change(dict(group.tags))
            if len(tags) > MAX_TAGS:
                raise TooManyTagsException(f"A resource can have no more than {MAX_TAGS} tags.")
            uow.log_groups.update(dataclasses.replace(group, tags=tags))
            uow.commit()


def _group_of_arn(ctx: RequestContext, arn: str) -> str:
    """The name of the log group an ARN of the caller's region and account names."""
    prefix = group_arn(ctx.region, ctx.account_id, "")
    if not arn.startswith("arn:"):
        raise InvalidParameterException(f"Invalid resource ARN: {arn}")
    if not arn.startswith(prefix) or len(arn) == len(prefix):
        raise ResourceNotFoundException(f"The specified resource does not exist: {arn}")
    name = arn[len(prefix) :]
    return name[:-2] if name.endswith(":*") else name
