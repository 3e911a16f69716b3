"""Reading parameters: by name, by path, their metadata and their history, a page at a time."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from codeyard.accounts import RequestContext
from codeyard.crypto import SecretBox
from codeyard.errors import ValidationException
from codeyard.services.ssm import filters, labels, names, pages, records, shapes
from codeyard.services.ssm.errors import ParameterNotFound, ParameterVersionNotFound
from codeyard.services.ssm.filters import StringFilter
from codeyard.store.ports import Store, UnitOfWork
from codeyard.store.ports.ssm import ParameterRecord, ParameterVersionRecord

BY_PATH_PAGE = 10
DESCRIBE_PAGE = 10
HISTORY_PAGE = 50

Page = tuple[list[dict[str, Any]], str | None]


class ParameterQueries:
    def __init__(self, store: Store, box: SecretBox) -> None:
        self._store = store
        self._box = box

    def get(self, ctx: RequestContext, name: str, decrypt: bool) -> dict[str, Any]:
        reference = names.parse_reference(name, ctx)
        with self._store.reader() as uow:
            record = records.resolve(uow, ctx.region, reference)
        return shapes.parameter(ctx, self._box, record, decrypt, reference.selector)

    def get_many(
        self, ctx: RequestContext, requested: Sequence[str], decrypt: bool
    ) -> tuple[list[dict[str, Any]], list[str]]:
        """(parameters found, names not found), in the order asked, each name once."""
        found: list[dict[str, Any]] = []
        invalid: list[str] = []
        with self._store.reader() as uow:
            for name in dict.fromkeys(requested):
                try:
                    reference = names.parse_reference(name, ctx)
                    record = records.resolve(uow, ctx.region, reference)
                except (ParameterNotFound, ParameterVersionNotFound, ValidationException):
                    invalid.append(name)
                    continue
                found.append(shapes.parameter(ctx, self._box, record, decrypt, reference.selector))
        return found, invalid

    def by_path(
        self,
        ctx: RequestContext,
        path: str,
        recursive: bool,
        wanted: Sequence[StringFilter],
        decrypt: bool,
        max_results: int | None,
        token: str | None,
    ) -> Page:
        base = names.check_path(path)
        filters.check(wanted, by_path=True)
        after = pages.decode(token, "by-path")
        prefix = names.path_prefix(base)
        label_filter = next((item for item in wanted if item.key == "Label"), None)
        with self._store.reader() as uow:
            chosen = sorted(
                (
                    record
                    for record in uow.parameters.find(region=ctx.region, prefix={"name": prefix})
                    if names.under(record.name, base, recursive) and filters.matches_all(record, wanted)
                ),
                key=lambda record: record.name,
            )
            wanted_version: dict[str, int] = {}
            if label_filter is not None:
                wanted_version = self._labelled(chosen, label_filter.values)
                chosen = [record for record in chosen if record.name in wanted_version]
            items, next_token = pages.page(
                chosen, lambda record: record.name, after, max_results or BY_PATH_PAGE, "by-path"
            )
            versions = [self._version(uow, record, wanted_version.get(record.name)) for record in items]
        return [shapes.parameter(ctx, self._box, version, decrypt) for version in versions], next_token

    def _version(
        self, uow: UnitOfWork, record: ParameterRecord, number: int | None
    ) -> ParameterVersionRecord:
        wanted = record.version if number is None else number
        version = uow.parameter_versions.get(region=record.region, name=record.name, version=wanted)
        if version is None:  # the parameter changed between the two reads, under another writer
            raise records.not_found(record.name)
        return version

    def _labelled(self, chosen: Sequence[ParameterRecord], wanted: Sequence[str]) -> dict[str, int]:
        """Per parameter, the newest version carrying one of the labels.

        AWS does not say which version a Label filter answers; the labelled one is the point of
        asking by label, so that is the one returned.
        """
        found: dict[str, int] = {}
        for record in chosen:
            numbers = [record.labels[label] for label in wanted if label in record.labels]
            if numbers:
                found[record.name] = max(numbers)
        return found

    def describe(
        self,
        ctx: RequestContext,
        legacy: Sequence[StringFilter],
        wanted: Sequence[StringFilter],
        max_results: int | None,
        token: str | None,
    ) -> Page:
        if legacy and wanted:
            raise ValidationException("You can use either Filters or ParameterFilters in a single request.")
        filters.check(wanted, by_path=False)
        after = pages.decode(token, "describe")
        applied = list(legacy or wanted)
        with self._store.reader() as uow:
            chosen = sorted(
                (
                    record
                    for record in uow.parameters.find(region=ctx.region)
                    if filters.matches_all(record, applied)
                ),
                key=lambda record: record.name,
            )
        items, next_token = pages.page(
            chosen, lambda record: record.name, after, max_results or DESCRIBE_PAGE, "describe"
        )
        return [shapes.metadata(ctx, record) for record in items], next_token

    def history(
        self, ctx: RequestContext, name: str, decrypt: bool, max_results: int | None, token: str | None
    ) -> Page:
        checked = names.check_syntax(name)
        after = pages.decode(token, "history")
        with self._store.reader() as uow:
            found = records.history(uow, ctx.region, checked)
        if found is None:
            raise records.not_found(checked)
        owner, versions = found
        items, next_token = pages.page(
            versions, lambda record: record.version, after, max_results or HISTORY_PAGE, "history"
        )
        entries = [
            shapes.history(self._box, record, labels.of_version(owner.labels, record.version), decrypt)
            for record in items
        ]
        return entries, next_token
