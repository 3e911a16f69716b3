"""What the git server asks of CodeCommit besides pushes: where a repository is. Not AWS operations."""

from __future__ import annotations

from codeyard.services.codecommit.base import CodeCommitBase
from codeyard.services.codecommit.errors import (
    InvalidRepositoryNameException,
    RepositoryNameRequiredException,
)
from codeyard.services.codecommit.names import check_repository_name


class HostingMixin(CodeCommitBase):
    def repository_location(self, region: str, repository_name: str) -> tuple[str, str] | None:
        """The id and ARN of the repository of that name in `region`, or None if there is none."""
        try:
            check_repository_name(repository_name)
        except (InvalidRepositoryNameException, RepositoryNameRequiredException):
            return None
        with self._store.reader() as uow:
            record = uow.repositories.get(region=region, repository_name=repository_name)
        return None if record is None else (record.repository_id, record.arn)
