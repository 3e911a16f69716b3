"""What every CloudWatch Logs operation module shares: collaborators, ARNs, lookups and shapes."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from codeyard.clock import Clock
from codeyard.services.logs.errors import InvalidParameterException, ResourceNotFoundException
from codeyard.store.ports import Store, UnitOfWork
from codeyard.store.ports.logs import LogGroupRecord, LogStreamRecord

GROUP_MISSING = "The specified log group does not exist."
STREAM_MISSING = "The specified log stream does not exist."


def group_arn(region: str, account_id: str, name: str) -> str:
    """The log group's ARN as IAM policies name it (DescribeLogGroups' `logGroupArn`)."""
    return f"arn:aws:logs:{region}:{account_id}:log-group:{name}"


def stream_arn(group: str, name: str) -> str:
    """A log stream's ARN, under its group's ARN."""
    return f"{group}:log-stream:{name}"


def group_name_of(identifier: str) -> str:
    """The log group name that a name or a log group ARN (with or without its `:*`) names."""
    if not identifier.startswith("arn:"):
        return identifier
    parts = identifier.split(":", 6)
    if len(parts) < 7 or parts[5] != "log-group":
        raise InvalidParameterException(f"Invalid log group identifier: {identifier}")
    name = parts[6]
    return name[:-2] if name.endswith(":*") else name


class LogsBase:
    """The state of LogsApi; operation mixins subclass it."""

    def __init__(self, store: Store, clock: Clock, account_id: str) -> None:
        self._store = store
        self._clock = clock
        self._account_id = account_id

    def _now_ms(self) -> int:
        return int(self._clock.now().timestamp() * 1000)

    @staticmethod
    def _group_param(name: str | None, identifier: str | None) -> str:
        """The group of a call that takes logGroupName or logGroupIdentifier (exactly one)."""
        if (name is None) == (identifier is None):
            raise InvalidParameterException(
                "Exactly one of logGroupName or logGroupIdentifier must be specified."
            )
        return name if name is not None else group_name_of(identifier or "")

    @staticmethod
    def _group(uow: UnitOfWork, region: str, name: str, *, for_update: bool = False) -> LogGroupRecord:
        group = uow.log_groups.get(region=region, name=name, for_update=for_update)
        if group is None:
            raise ResourceNotFoundException(GROUP_MISSING)
        return group

    @staticmethod
    def _stream(
        uow: UnitOfWork, group: LogGroupRecord, name: str, *, for_update: bool = False
    ) -> LogStreamRecord:
        stream = uow.log_streams.get(group_id=group.id, name=name, for_update=for_update)
        if stream is None:
            raise ResourceNotFoundException(STREAM_MISSING)
        return stream

    @staticmethod
    def _group_shape(group: LogGroupRecord) -> dict[str, Any]:
        """The LogGroup shape."""
        out: dict[str, Any] = {
            "logGroupName": group.name,
            "creationTime": group.creation_time,
            "metricFilterCount": 0,
            "arn": group.arn + ":*",
            "storedBytes": group.stored_bytes,
            "logGroupClass": group.log_group_class,
            "logGroupArn": group.arn,
        }
        if group.retention_in_days is not None:
            out["retentionInDays"] = group.retention_in_days
        if group.kms_key_id is not None:
            out["kmsKeyId"] = group.kms_key_id
        return out

    @staticmethod
    def _stream_shape(stream: LogStreamRecord) -> dict[str, Any]:
        """The LogStream shape; the times of events only once it has some."""
        out: dict[str, Any] = {
            "logStreamName": stream.name,
            "creationTime": stream.creation_time,
            "arn": stream.arn,
            "storedBytes": stream.stored_bytes,
        }
        if stream.first_event_timestamp is not None:
            out["firstEventTimestamp"] = stream.first_event_timestamp
        if stream.last_event_timestamp is not None:
            out["lastEventTimestamp"] = stream.last_event_timestamp
        if stream.last_ingestion_time is not None:
            out["lastIngestionTime"] = stream.last_ingestion_time
        if stream.upload_sequence:
            out["uploadSequenceToken"] = sequence_token(stream.upload_sequence)
        return out

    @contextmanager
    def _reading(self) -> Iterator[UnitOfWork]:
        with self._store.reader() as uow:
            yield uow


def sequence_token(sequence: int) -> str:
    """The upload sequence token of a stream after `sequence` uploads (56 digits, like AWS's)."""
    return f"{sequence:056d}"
