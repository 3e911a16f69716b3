"""The CloudWatch Logs operations, composed from one mixin per group of operations."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from codeyard.accounts import RequestContext
from codeyard.services.logs.base import group_arn, group_name_of, stream_arn
from codeyard.services.logs.events import EventsMixin
from codeyard.services.logs.groups import GroupsMixin
from codeyard.services.logs.reading import ReadingMixin
from codeyard.services.logs.streams import StreamsMixin
from codeyard.services.logs.tagging import TaggingMixin

# Operations whose IAM resource is the log stream (the service authorization reference).
STREAM_OPERATIONS = frozenset({"PutLogEvents", "GetLogEvents", "DeleteLogStream"})


class _Everything(Mapping[tuple[str, str], str]):
    """CloudWatch Logs answers every broken input constraint with InvalidParameterException."""

    def __getitem__(self, key: tuple[str, str]) -> str:
        return "InvalidParameterException"

    def __iter__(self) -> Iterator[tuple[str, str]]:
        return iter(())

    def __len__(self) -> int:
        return 0


class LogsApi(GroupsMixin, TaggingMixin, StreamsMixin, EventsMixin, ReadingMixin):
    service_name = "logs"
    validation_codes: Mapping[tuple[str, str], str] = _Everything()

    def resources_for(self, operation: str, params: Mapping[str, Any], ctx: RequestContext) -> Sequence[str]:
        """The log group's ARN, or the log stream's for the operations on one stream."""
        name = params.get("logGroupName") or params.get("logGroupIdentifier") or params.get("resourceArn")
        if not isinstance(name, str) or not name:
            return [group_arn(ctx.region, ctx.account_id, "*")] if operation == "DescribeLogGroups" else ["*"]
        try:
            group = group_arn(ctx.region, ctx.account_id, group_name_of(name))
        except Exception:
            return [name]
        stream = params.get("logStreamName")
        if operation in STREAM_OPERATIONS and isinstance(stream, str):
            return [stream_arn(group, stream)]
        return [group]
