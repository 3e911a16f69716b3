"""What every IAM operation module shares: collaborators, entity lookups and the commit."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from codeyard.accounts import PrincipalKind, RequestContext
from codeyard.clock import Clock
from codeyard.crypto import SecretBox
from codeyard.errors import ValidationException
from codeyard.ids import IdGenerator
from codeyard.services.iam.arns import iam_arn
from codeyard.services.iam.aws_managed import aws_managed_policy
from codeyard.services.iam.epoch import IamEpoch, bump_epoch
from codeyard.services.iam.errors import ConcurrentModification, NoSuchEntity
from codeyard.store.ports import Conflict, Store, UnitOfWork
from codeyard.store.ports.iam import GroupRecord, RoleRecord, UserRecord

USER, GROUP, ROLE = "user", "group", "role"


class IamBase:
    """The state of IamApi; operation mixins subclass it."""

    def __init__(
        self, store: Store, box: SecretBox, clock: Clock, ids: IdGenerator, account_id: str, epoch: IamEpoch
    ) -> None:
        self._store = store
        self._epoch = epoch
        self._box = box
        self._clock = clock
        self._ids = ids
        self._account_id = account_id

    def _arn(self, kind: str, path: str, name: str) -> str:
        return iam_arn(self._account_id, kind, path, name)

    @contextmanager
    def _changes(self) -> Iterator[UnitOfWork]:
        """A unit of work for a change. A uniqueness conflict that the operation did not expect
        (another request changed the same entity at the same moment) answers 409, not 500."""
        with self._store.unit_of_work() as uow:
            try:
                yield uow
            except Conflict:
                raise ConcurrentModification(
                    "The request was rejected because multiple requests to change this object were "
                    "submitted simultaneously. Wait a few minutes and submit your request again."
                ) from None

    def _commit(self, uow: UnitOfWork) -> None:
        """Commit an IAM change, replacing the epoch token so every server's caches see it."""
        token = bump_epoch(uow, self._ids)
        uow.commit()
        self._epoch.committed(token)

    @staticmethod
    def _taken(names: Iterable[str], name: str, *, renaming: str | None = None) -> bool:
        """Whether `name` is in use. IAM names are unique regardless of case, as in AWS ("John"
        and "john" cannot both exist); an entity may change the case of its own name."""
        lowered = name.lower()
        return any(n.lower() == lowered and n != renaming for n in names)

    def _user(self, uow: UnitOfWork, user_name: str) -> UserRecord:
        user = uow.users.get(user_name=user_name)
        if user is None:
            raise NoSuchEntity(f"The user with name {user_name} cannot be found.")
        return user

    def _group(self, uow: UnitOfWork, group_name: str) -> GroupRecord:
        group = uow.groups.get(group_name=group_name)
        if group is None:
            raise NoSuchEntity(f"The group with name {group_name} cannot be found.")
        return group

    def _role(self, uow: UnitOfWork, role_name: str) -> RoleRecord:
        role = uow.roles.get(role_name=role_name)
        if role is None:
            raise NoSuchEntity(f"The role with name {role_name} cannot be found.")
        return role

    def _owner_exists(self, uow: UnitOfWork, owner_type: str, name: str) -> None:
        {USER: self._user, GROUP: self._group, ROLE: self._role}[owner_type](uow, name)

    @staticmethod
    def _target_user(ctx: RequestContext, user_name: str | None) -> str:
        """The user an operation acts on: the one named, else the calling IAM user."""
        if user_name:
            return user_name
        principal = ctx.principal
        if principal.kind is PrincipalKind.USER:
            return principal.name
        raise ValidationException("Must specify userName when calling with non-User credentials")

    def _require_policy(self, uow: UnitOfWork, policy_arn: str) -> None:
        """A customer managed or AWS managed policy that can be attached or used as a boundary."""
        if aws_managed_policy(policy_arn) is None and uow.managed_policies.get(arn=policy_arn) is None:
            raise NoSuchEntity(f"Policy {policy_arn} does not exist or is not attachable.")
