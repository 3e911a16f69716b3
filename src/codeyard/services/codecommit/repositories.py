"""Repositories: create, read, list, rename, describe, delete, encryption key and tags."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from codeyard.accounts import RequestContext
from codeyard.services.codecommit import names
from codeyard.services.codecommit.base import CodeCommitBase
from codeyard.services.codecommit.errors import (
    EncryptionKeyRequiredException,
    InvalidOrderException,
    InvalidResourceArnException,
    InvalidSortByException,
    InvalidSystemTagUsageException,
    InvalidTagKeysListException,
    MaximumRepositoryNamesExceededException,
    RepositoryDoesNotExistException,
    RepositoryLimitExceededException,
    RepositoryNameExistsException,
    RepositoryNamesRequiredException,
    ResourceArnRequiredException,
    TagKeysListRequiredException,
    TagsMapRequiredException,
    TooManyTagsException,
)
from codeyard.services.codecommit.pages import page
from codeyard.store.ports import Conflict, UnitOfWork
from codeyard.store.ports.codecommit import RepositoryRecord

MAX_REPOSITORIES = 1000  # per account and region, as AWS's default quota
MAX_TAGS = 50
MAX_BATCH_NAMES = 100
DEFAULT_KMS_KEY = "alias/aws/codecommit"


def _check_tags(tags: dict[str, str]) -> None:
    if any(key.lower().startswith("aws:") for key in tags):
        raise InvalidSystemTagUsageException("The tag key prefix 'aws:' is reserved for system use.")
    if len(tags) > MAX_TAGS:
        raise TooManyTagsException(f"A repository can have at most {MAX_TAGS} tags.")


class RepositoriesMixin(CodeCommitBase):
    def create_repository(
        self,
        ctx: RequestContext,
        *,
        repository_name: str,
        repository_description: str | None = None,
        tags: dict[str, str] | None = None,
        kms_key_id: str | None = None,
    ) -> dict[str, Any]:
        names.check_repository_name(repository_name)
        _check_tags(tags or {})
        now = self._clock.now()
        record = RepositoryRecord(
            region=ctx.region,
            repository_name=repository_name,
            repository_id=self._ids.uuid(),
            arn=names.repository_arn(ctx, repository_name),
            created_at=now,
            last_modified_at=now,
            description=repository_description,
            kms_key_id=kms_key_id or DEFAULT_KMS_KEY,
            tags=dict(tags or {}),
        )
        with self._store.unit_of_work() as uow:
            if uow.repositories.get(region=ctx.region, repository_name=repository_name) is not None:
                raise RepositoryNameExistsException(f"Repository named {repository_name} already exists")
            if uow.repositories.count(region=ctx.region) >= MAX_REPOSITORIES:
                raise RepositoryLimitExceededException("The maximum number of repositories was exceeded.")
            try:
                uow.repositories.add(record)
            except Conflict:
                raise RepositoryNameExistsException(
                    f"Repository named {repository_name} already exists"
                ) from None
            self._git.create(record.repository_id)
            try:
                uow.commit()
            except BaseException:
                self._git.delete(record.repository_id)
                raise
        return {"repositoryMetadata": self._metadata(record)}

    def get_repository(self, ctx: RequestContext, *, repository_name: str) -> dict[str, Any]:
        with self._reading() as uow:
            record = self._repository(uow, ctx, repository_name)
        return {"repositoryMetadata": self._metadata(record)}

    def batch_get_repositories(self, ctx: RequestContext, *, repository_names: list[str]) -> dict[str, Any]:
        if not repository_names:
            raise RepositoryNamesRequiredException("At least one repository name is required.")
        if len(repository_names) > MAX_BATCH_NAMES:
            raise MaximumRepositoryNamesExceededException(
                f"The maximum number of repository names ({MAX_BATCH_NAMES}) was exceeded."
            )
        for name in repository_names:
            names.check_repository_name(name)
        found: list[dict[str, Any]] = []
        missing: list[str] = []
        errors: list[dict[str, str]] = []
        with self._reading() as uow:
            for name in dict.fromkeys(repository_names):
                record = uow.repositories.get(region=ctx.region, repository_name=name)
                if record is None:
                    missing.append(name)
                    errors.append(
                        {
                            "repositoryName": name,
                            "errorCode": "RepositoryDoesNotExistException",
                            "errorMessage": f"{name} does not exist",
                        }
                    )
                else:
                    found.append(self._metadata(record))
        return {"repositories": found, "repositoriesNotFound": missing, "errors": errors}

    def list_repositories(
        self,
        ctx: RequestContext,
        *,
        next_token: str | None = None,
        sort_by: str | None = None,
        order: str | None = None,
    ) -> dict[str, Any]:
        sort_by = sort_by or "repositoryName"
        order = order or "ascending"
        if sort_by not in ("repositoryName", "lastModifiedDate"):
            raise InvalidSortByException(f"The sort by value {sort_by} is not valid.")
        if order not in ("ascending", "descending"):
            raise InvalidOrderException(f"The order value {order} is not valid.")
        with self._reading() as uow:
            records = uow.repositories.find(region=ctx.region)
        if sort_by == "repositoryName":
            records.sort(key=lambda r: r.repository_name, reverse=order == "descending")
        else:
            records.sort(key=lambda r: (r.last_modified_at, r.repository_name), reverse=order == "descending")
        items, following = page(records, next_token, 1000, f"repositories-{sort_by}-{order}")
        out: dict[str, Any] = {
            "repositories": [
                {"repositoryName": r.repository_name, "repositoryId": r.repository_id} for r in items
            ]
        }
        if following:
            out["nextToken"] = following
        return out

    def delete_repository(self, ctx: RequestContext, *, repository_name: str) -> dict[str, Any]:
        names.check_repository_name(repository_name)
        with self._store.unit_of_work() as uow:
            record = uow.repositories.get(region=ctx.region, repository_name=repository_name)
            if record is None:  # AWS answers a missing repository with no id, not an error
                return {}
            self._delete_children(uow, record)
            uow.repositories.remove(region=ctx.region, repository_name=repository_name)
            uow.commit()
        self._git.delete(record.repository_id)
        return {"repositoryId": record.repository_id}

    def _delete_children(self, uow: UnitOfWork, record: RepositoryRecord) -> None:
        for pull in uow.pull_requests.find(repository_id=record.repository_id):
            uow.pull_request_events.remove(pull_request_id=pull.pull_request_id)
        uow.pull_requests.remove(repository_id=record.repository_id)
        uow.comments.remove(repository_id=record.repository_id)
        uow.template_associations.remove(repository_id=record.repository_id)

    def update_repository_name(self, ctx: RequestContext, *, old_name: str, new_name: str) -> None:
        names.check_repository_name(new_name)
        with self._store.unit_of_work() as uow:
            record = self._repository(uow, ctx, old_name)
            if old_name == new_name:
                return
            if uow.repositories.get(region=ctx.region, repository_name=new_name) is not None:
                raise RepositoryNameExistsException(f"Repository named {new_name} already exists")
            uow.repositories.remove(region=ctx.region, repository_name=old_name)
            uow.repositories.add(
                replace(
                    record,
                    repository_name=new_name,
                    arn=names.repository_arn(ctx, new_name),
                    last_modified_at=self._clock.now(),
                )
            )
            uow.commit()

    def update_repository_description(
        self, ctx: RequestContext, *, repository_name: str, repository_description: str | None = None
    ) -> None:
        with self._store.unit_of_work() as uow:
            record = self._repository(uow, ctx, repository_name)
            uow.repositories.update(
                replace(record, description=repository_description, last_modified_at=self._clock.now())
            )
            uow.commit()

    def update_repository_encryption_key(
        self, ctx: RequestContext, *, repository_name: str, kms_key_id: str
    ) -> dict[str, Any]:
        if not kms_key_id:
            raise EncryptionKeyRequiredException("A KMS encryption key ID is required.")
        with self._store.unit_of_work() as uow:
            record = self._repository(uow, ctx, repository_name)
            uow.repositories.update(
                replace(record, kms_key_id=kms_key_id, last_modified_at=self._clock.now())
            )
            uow.commit()
        return {
            "repositoryId": record.repository_id,
            "kmsKeyId": kms_key_id,
            "originalKmsKeyId": record.kms_key_id,
        }

    # --- tags --------------------------------------------------------------------------------------

    def _tagged(self, uow: UnitOfWork, ctx: RequestContext, resource_arn: str) -> RepositoryRecord:
        if not resource_arn:
            raise ResourceArnRequiredException("A valid Amazon Resource Name (ARN) is required.")
        parts = resource_arn.split(":")
        if len(parts) != 6 or parts[:3] != ["arn", "aws", "codecommit"] or not parts[5]:
            raise InvalidResourceArnException(f"The value for the resource ARN is not valid: {resource_arn}")
        names.check_repository_name(parts[5])
        record = uow.repositories.get(region=parts[3], repository_name=parts[5])
        if record is None or record.arn != resource_arn:
            raise RepositoryDoesNotExistException(f"{parts[5]} does not exist")
        return record

    def tag_resource(self, ctx: RequestContext, *, resource_arn: str, tags: dict[str, str]) -> None:
        if not tags:
            raise TagsMapRequiredException("A map of tags is required.")
        with self._store.unit_of_work() as uow:
            record = self._tagged(uow, ctx, resource_arn)
            merged = {**record.tags, **tags}
            _check_tags(merged)
            uow.repositories.update(replace(record, tags=merged))
            uow.commit()

    def untag_resource(self, ctx: RequestContext, *, resource_arn: str, tag_keys: list[str]) -> None:
        if not tag_keys:
            raise TagKeysListRequiredException("A list of tag keys is required.")
        if any(key.lower().startswith("aws:") for key in tag_keys):
            raise InvalidTagKeysListException("The tag key prefix 'aws:' is reserved for system use.")
        with self._store.unit_of_work() as uow:
            record = self._tagged(uow, ctx, resource_arn)
            kept = {k: v for k, v in record.tags.items() if k not in set(tag_keys)}
            uow.repositories.update(replace(record, tags=kept))
            uow.commit()

    def list_tags_for_resource(
        self, ctx: RequestContext, *, resource_arn: str, next_token: str | None = None
    ) -> dict[str, Any]:
        with self._reading() as uow:
            record = self._tagged(uow, ctx, resource_arn)
        if next_token:
            page([], next_token, 1, "tags")  # every tag fits in one page: any token is stale
        return {"tags": dict(record.tags)}
