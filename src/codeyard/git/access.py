"""Who may use a repository over git (HTTP or SSH): authentication, IAM authorisation, and the
record of what a push changed."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol, TypeVar

from codeyard.accounts import AuthorizationRequest, Authorizer, Decision, Principal, RequestContext
from codeyard.ids import IdGenerator
from codeyard.store.ports.git import RefChange

log = logging.getLogger("codeyard.git")

GIT_PULL = "codecommit:GitPull"
GIT_PUSH = "codecommit:GitPush"
REFERENCES = "codecommit:References"
NAMED_REFS = 20  # refs a push denial looks at one by one to name them
T = TypeVar("T")


class IamLookups(Protocol):
    def verify_service_password(self, service_user_name: str, password: str) -> Principal | None: ...

    def verify_ssh_public_key(self, ssh_public_key_id: str, public_key: str) -> Principal | None: ...


class RepositoryLookups(Protocol):
    def repository_location(self, region: str, repository_name: str) -> tuple[str, str] | None: ...

    def record_push(
        self, ctx: RequestContext, repository_name: str, changes: Sequence[RefChange]
    ) -> None: ...


class Refused(Exception):
    """A git request that may not go on: `status` is its HTTP status, the message says why."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass(frozen=True)
class Target:
    """The repository a git request is for, and who asks."""

    principal: Principal
    name: str
    repository_id: str
    arn: str
    source_ip: str


class GitAccess:
    """Runs the blocking store calls inline (embedded SQLite) or in a worker thread (PostgreSQL),
    like the API endpoint does."""

    def __init__(
        self,
        iam: IamLookups,
        repositories: RepositoryLookups,
        authorizer: Authorizer,
        ids: IdGenerator,
        *,
        account_id: str,
        region: str,
        inline: bool,
    ) -> None:
        self._iam = iam
        self._repositories = repositories
        self._authorizer = authorizer
        self._ids = ids
        self._account_id = account_id
        self._region = region
        self._inline = inline

    async def _call(self, function: Callable[..., T], *args: object) -> T:
        if self._inline:
            return function(*args)
        return await asyncio.to_thread(function, *args)

    async def password_principal(self, user_name: str, password: str) -> Principal | None:
        return await self._call(self._iam.verify_service_password, user_name, password)

    async def key_principal(self, key_id: str, public_key: str) -> Principal | None:
        return await self._call(self._iam.verify_ssh_public_key, key_id, public_key)

    def arn(self, name: str) -> str:
        return f"arn:aws:codecommit:{self._region}:{self._account_id}:{name}"

    async def open(self, principal: Principal, name: str, action: str, source_ip: str) -> Target:
        """The repository, once the principal may do `action` on it (refs are checked later).

        Authorised before it is looked up: a caller who may not use it does not learn whether it
        exists."""
        arn = self.arn(name)
        decision = await self._call(self._decide, principal, action, arn, source_ip, None)
        if decision is not Decision.ALLOW:
            raise Refused(403, denial(principal, action, arn, decision))
        location = await self._call(self._repositories.repository_location, self._region, name)
        if location is None:
            raise Refused(404, f"Repository {name} does not exist in {self._region}.")
        return Target(principal, name, location[0], location[1], source_ip)

    async def push_denial(self, target: Target, refs: Sequence[str]) -> str | None:
        """Why the push may not update `refs` (a policy denies GitPush for them), or None."""
        return await self._call(self._push_denial, target, refs)

    def _push_denial(self, target: Target, refs: Sequence[str]) -> str | None:
        principal, arn, ip = target.principal, target.arn, target.source_ip
        decision = self._decide(principal, GIT_PUSH, arn, ip, refs)
        if decision is Decision.ALLOW:
            return None
        # Name the refs at fault: each one alone (policies usually protect single branches).
        named = [
            r
            for r in refs[:NAMED_REFS]
            if self._decide(principal, GIT_PUSH, arn, ip, [r]) is not Decision.ALLOW
        ]
        return denial(principal, GIT_PUSH, arn, decision, named or refs[:NAMED_REFS])

    def _decide(
        self, principal: Principal, action: str, arn: str, source_ip: str, refs: Sequence[str] | None
    ) -> Decision:
        context: dict[str, str | Sequence[str]] = {
            "aws:SourceIp": source_ip,
            "aws:RequestedRegion": self._region,
        }
        if refs is not None:
            context[REFERENCES] = list(refs)
        return self._authorizer.decide(AuthorizationRequest(principal, action, [arn], context))

    async def record_push(self, target: Target, changes: Sequence[RefChange]) -> None:
        """Records the push's ref changes and their events; a failure is logged, not raised (the
        refs have moved already)."""
        if not changes:
            return
        ctx = RequestContext(
            target.principal, self._region, self._account_id, self._ids.request_id(), target.source_ip
        )
        try:
            await self._call(self._repositories.record_push, ctx, target.name, changes)
        except Exception:
            log.exception("could not record a push to %s: %s", target.name, changes)


def denial(
    principal: Principal, action: str, arn: str, decision: Decision, refs: Sequence[str] | None = None
) -> str:
    """An AccessDenied message in IAM's words."""
    reason = (
        "with an explicit deny in an identity-based policy"
        if decision is Decision.EXPLICIT_DENY
        else f"because no identity-based policy allows the {action} action"
    )
    what = f" for {', '.join(refs)}" if refs else ""
    return f"User: {principal.arn} is not authorized to perform: {action} on resource: {arn}{what} {reason}"
