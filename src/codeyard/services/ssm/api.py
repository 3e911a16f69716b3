"""The SSM Parameter Store operations."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from codeyard.accounts import RequestContext
from codeyard.clock import Clock
from codeyard.crypto import SecretBox
from codeyard.ids import IdGenerator
from codeyard.services.events import EventFactory
from codeyard.services.ssm import filters, names
from codeyard.services.ssm.changes import ParameterChanges, PutRequest
from codeyard.services.ssm.filters import StringFilter
from codeyard.services.ssm.queries import ParameterQueries
from codeyard.services.ssm.tagging import PARAMETER, ParameterTags
from codeyard.store.ports import Store

_NAMED = frozenset(
    {
        "PutParameter",
        "GetParameter",
        "DeleteParameter",
        "GetParameterHistory",
        "LabelParameterVersion",
        "UnlabelParameterVersion",
    }
)
_TAGGING = frozenset({"AddTagsToResource", "RemoveTagsFromResource", "ListTagsForResource"})


def _string_filters(raw: Sequence[Mapping[str, Any]] | None) -> list[StringFilter]:
    return [StringFilter.of(item["Key"], item.get("Option"), item.get("Values", ())) for item in raw or ()]


class SsmApi:
    service_name = "ssm"

    def __init__(
        self, store: Store, box: SecretBox, clock: Clock, ids: IdGenerator, events: EventFactory
    ) -> None:
        # `ids` is part of every service's constructor; Parameter Store makes none of its own.
        self._changes = ParameterChanges(store, box, clock, events)
        self._queries = ParameterQueries(store, box)
        self._tags = ParameterTags(store)

    def resources_for(self, operation: str, params: Mapping[str, Any], ctx: RequestContext) -> Sequence[str]:
        if operation in _NAMED:
            return [names.resource_arn(ctx, params.get("Name", ""))]
        if operation in ("GetParameters", "DeleteParameters"):
            return [names.resource_arn(ctx, name) for name in params.get("Names", ())] or ["*"]
        if operation == "GetParametersByPath":  # the path as sent: `/app/` is `parameter/app/`
            return [names.resource_arn(ctx, params.get("Path", ""))]
        if operation in _TAGGING and params.get("ResourceType") == PARAMETER:
            return [names.resource_arn(ctx, params.get("ResourceId", ""))]
        return ["*"]

    def put_parameter(
        self,
        ctx: RequestContext,
        *,
        name: str,
        value: str,
        description: str | None = None,
        type: str | None = None,
        key_id: str | None = None,
        overwrite: bool = False,
        allowed_pattern: str | None = None,
        tags: list[dict[str, str]] | None = None,
        tier: str | None = None,
        policies: str | None = None,
        data_type: str | None = None,
    ) -> dict[str, Any]:
        request = PutRequest(
            name=name,
            value=value,
            type=type,
            description=description,
            key_id=key_id,
            overwrite=overwrite,
            allowed_pattern=allowed_pattern,
            tags=list(tags or []),
            tier=tier,
            policies=policies,
            data_type=data_type,
        )
        version, landed = self._changes.put(ctx, request)
        return {"Version": version, "Tier": landed}

    def get_parameter(
        self, ctx: RequestContext, *, name: str, with_decryption: bool = False
    ) -> dict[str, Any]:
        return {"Parameter": self._queries.get(ctx, name, with_decryption)}

    def get_parameters(
        self, ctx: RequestContext, *, names: list[str], with_decryption: bool = False
    ) -> dict[str, Any]:
        found, invalid = self._queries.get_many(ctx, names, with_decryption)
        return {"Parameters": found, "InvalidParameters": invalid}

    def get_parameters_by_path(
        self,
        ctx: RequestContext,
        *,
        path: str,
        recursive: bool = False,
        parameter_filters: list[dict[str, Any]] | None = None,
        with_decryption: bool = False,
        max_results: int | None = None,
        next_token: str | None = None,
    ) -> dict[str, Any]:
        found, token = self._queries.by_path(
            ctx, path, recursive, _string_filters(parameter_filters), with_decryption, max_results, next_token
        )
        return {"Parameters": found, "NextToken": token}

    def delete_parameter(self, ctx: RequestContext, *, name: str) -> dict[str, Any]:
        self._changes.delete(ctx, name)
        return {}

    def delete_parameters(self, ctx: RequestContext, *, names: list[str]) -> dict[str, Any]:
        deleted, invalid = self._changes.delete_many(ctx, names)
        return {"DeletedParameters": deleted, "InvalidParameters": invalid}

    def describe_parameters(
        self,
        ctx: RequestContext,
        *,
        filters: list[dict[str, Any]] | None = None,
        parameter_filters: list[dict[str, Any]] | None = None,
        max_results: int | None = None,
        next_token: str | None = None,
        shared: bool = False,
    ) -> dict[str, Any]:
        if shared:  # nothing is shared with an account on Codeyard (no Resource Access Manager)
            return {"Parameters": []}
        legacy = [_legacy_filter(item) for item in filters or ()]
        found, token = self._queries.describe(
            ctx, legacy, _string_filters(parameter_filters), max_results, next_token
        )
        return {"Parameters": found, "NextToken": token}

    def get_parameter_history(
        self,
        ctx: RequestContext,
        *,
        name: str,
        with_decryption: bool = False,
        max_results: int | None = None,
        next_token: str | None = None,
    ) -> dict[str, Any]:
        found, token = self._queries.history(ctx, name, with_decryption, max_results, next_token)
        return {"Parameters": found, "NextToken": token}

    def label_parameter_version(
        self, ctx: RequestContext, *, name: str, labels: list[str], parameter_version: int | None = None
    ) -> dict[str, Any]:
        invalid, version = self._changes.label(ctx, name, parameter_version, labels)
        return {"InvalidLabels": invalid, "ParameterVersion": version}

    def unlabel_parameter_version(
        self, ctx: RequestContext, *, name: str, parameter_version: int, labels: list[str]
    ) -> dict[str, Any]:
        removed, invalid = self._changes.unlabel(ctx, name, parameter_version, labels)
        return {"RemovedLabels": removed, "InvalidLabels": invalid}

    def add_tags_to_resource(
        self, ctx: RequestContext, *, resource_type: str, resource_id: str, tags: list[dict[str, str]]
    ) -> dict[str, Any]:
        self._tags.add(ctx, resource_type, resource_id, tags)
        return {}

    def remove_tags_from_resource(
        self, ctx: RequestContext, *, resource_type: str, resource_id: str, tag_keys: list[str]
    ) -> dict[str, Any]:
        self._tags.remove(ctx, resource_type, resource_id, tag_keys)
        return {}

    def list_tags_for_resource(
        self, ctx: RequestContext, *, resource_type: str, resource_id: str
    ) -> dict[str, Any]:
        return {"TagList": self._tags.list(ctx, resource_type, resource_id)}


def _legacy_filter(item: Mapping[str, Any]) -> StringFilter:
    return filters.legacy(item["Key"], item.get("Values", ()))
