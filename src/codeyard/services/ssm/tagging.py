"""Tags on parameters: AddTagsToResource, RemoveTagsFromResource and ListTagsForResource."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from codeyard.accounts import RequestContext
from codeyard.errors import ValidationException
from codeyard.services.ssm import names, records
from codeyard.services.ssm.errors import InvalidResourceId, TooManyTagsError
from codeyard.store.ports import Store, UnitOfWork
from codeyard.store.ports.ssm import ParameterRecord

MAX_TAGS = 50
PARAMETER = "Parameter"

INVALID_ID = "The resource ID is not valid. Verify that you entered the correct ID and try again."


class ParameterTags:
    def __init__(self, store: Store) -> None:
        self._store = store

    def add(
        self, ctx: RequestContext, resource_type: str, resource_id: str, tags: Sequence[dict[str, str]]
    ) -> None:
        with self._store.unit_of_work() as uow:
            record = self._parameter(uow, ctx, resource_type, resource_id)
            merged = {tag["Key"]: tag["Value"] for tag in record.tags}
            merged.update({tag["Key"]: tag["Value"] for tag in tags})
            if len(merged) > MAX_TAGS:
                raise TooManyTagsError(
                    f"The Tags parameter is not valid: a resource can have at most {MAX_TAGS} tags."
                )
            pairs = [{"Key": key, "Value": value} for key, value in merged.items()]
            uow.parameters.update(dataclasses.replace(record, tags=pairs))
            uow.commit()

    def remove(self, ctx: RequestContext, resource_type: str, resource_id: str, keys: Sequence[str]) -> None:
        with self._store.unit_of_work() as uow:
            record = self._parameter(uow, ctx, resource_type, resource_id)
            kept = [tag for tag in record.tags if tag["Key"] not in keys]
            if kept != record.tags:
                uow.parameters.update(dataclasses.replace(record, tags=kept))
            uow.commit()

    def list(self, ctx: RequestContext, resource_type: str, resource_id: str) -> list[dict[str, str]]:
        with self._store.reader() as uow:
            record = self._parameter(uow, ctx, resource_type, resource_id)
        return [{"Key": tag["Key"], "Value": tag["Value"]} for tag in record.tags]

    def _parameter(
        self, uow: UnitOfWork, ctx: RequestContext, resource_type: str, resource_id: str
    ) -> ParameterRecord:
        # The other resource types of the model (documents, maintenance windows, …) are valid
        # types, but Codeyard holds none of them: any id of theirs is unknown.
        if resource_type != PARAMETER:
            raise InvalidResourceId(INVALID_ID)
        try:
            name = names.check_syntax(resource_id)
        except ValidationException:
            raise InvalidResourceId(INVALID_ID) from None
        record = records.parameter(uow, ctx.region, name)
        if record is None:
            raise InvalidResourceId(INVALID_ID)
        return record
