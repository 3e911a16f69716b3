"""The server's Authorizer: a principal's policies, loaded once per IAM epoch, then evaluated."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from codeyard.accounts import AuthorizationRequest, Decision, Principal, PrincipalKind
from codeyard.clock import Clock
from codeyard.services.iam.conditions import ContextValue
from codeyard.services.iam.documents import default_document, owner_documents
from codeyard.services.iam.epoch import EpochCache, IamEpoch
from codeyard.services.iam.policy import Policy, evaluate, parse_policy
from codeyard.store.ports import Store, UnitOfWork

_PRINCIPAL_TYPES = {
    PrincipalKind.ROOT: "Account",
    PrincipalKind.USER: "User",
    PrincipalKind.ASSUMED_ROLE: "AssumedRole",
}


def principal_context(principal: Principal, principal_arn: str, now: datetime) -> dict[str, ContextValue]:
    """The global condition keys (lower-case) that describe the caller and the time.

    `principal_arn` is aws:PrincipalArn: the role's ARN for an assumed-role session.
    """
    user_id = principal.user_id
    if principal.kind is PrincipalKind.ASSUMED_ROLE:
        user_id = f"{principal.user_id}:{principal.name}"
    context: dict[str, ContextValue] = {
        "aws:principalarn": principal_arn or principal.arn,
        "aws:principalaccount": principal.account_id,
        "aws:userid": user_id,
        "aws:currenttime": now.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "aws:epochtime": str(int(now.timestamp())),
        "aws:securetransport": "false",
        "aws:principaltype": _PRINCIPAL_TYPES[principal.kind],
    }
    if principal.kind is PrincipalKind.USER:
        context["aws:username"] = principal.name
    return context


@dataclass(frozen=True)
class Grants:
    """What a principal's requests are evaluated against.

    `boundary` and `session` limit what `policies` allow: None means no such limit, an empty
    tuple means a limit that allows nothing (a boundary policy that no longer exists).
    """

    policies: tuple[Policy, ...]
    boundary: tuple[Policy, ...] | None = None
    session: tuple[Policy, ...] | None = None
    principal_arn: str = ""


def _parsed(documents: Sequence[str]) -> tuple[Policy, ...]:
    return tuple(parse_policy(d) for d in documents)


def _boundary(uow: UnitOfWork, arn: str | None) -> tuple[Policy, ...] | None:
    if not arn:
        return None
    document = default_document(uow, arn)
    return () if document is None else (parse_policy(document),)


def load_grants(uow: UnitOfWork, principal: Principal) -> Grants:
    """Read a principal's identity policies (inline, attached, its groups'), boundary and session
    policies from the store."""
    if principal.kind is PrincipalKind.USER:
        user = uow.users.get(user_name=principal.name)
        if user is None:
            return Grants((), principal_arn=principal.arn)
        found = owner_documents(uow, "user", user.user_name)
        for membership in uow.group_members.find(user_name=user.user_name):
            found += owner_documents(uow, "group", membership.group_name)
        return Grants(
            _parsed([d for _, _, d in found]), _boundary(uow, user.permissions_boundary), None, user.arn
        )
    if principal.kind is PrincipalKind.ASSUMED_ROLE:
        role = uow.roles.get(role_name=principal.role_name)
        if role is None:
            return Grants((), principal_arn=principal.arn)
        found = owner_documents(uow, "role", role.role_name)
        session = uow.session_credentials.get(access_key_id=principal.access_key_id)
        limits: tuple[Policy, ...] | None = None
        if session is not None and (session.session_policy or session.session_policy_arns):
            documents = [session.session_policy] if session.session_policy else []
            documents += [d for d in (default_document(uow, a) for a in session.session_policy_arns) if d]
            limits = _parsed(documents)
        return Grants(
            _parsed([d for _, _, d in found]), _boundary(uow, role.permissions_boundary), limits, role.arn
        )
    return Grants((), principal_arn=principal.arn)


class IamAuthorizer:
    """Explicit deny wins, default deny for non-root principals, the root user may do anything.

    A principal's policies are parsed once and kept until any IAM change (the epoch token), so a
    call usually costs no read at all.
    """

    def __init__(self, store: Store, clock: Clock, epoch: IamEpoch) -> None:
        self._store = store
        self._clock = clock
        self._epoch = epoch
        self._cache: EpochCache[tuple[str, str, str, str], Grants] = EpochCache()

    def grants(self, principal: Principal) -> Grants:
        session = principal.access_key_id if principal.kind is PrincipalKind.ASSUMED_ROLE else ""
        key = (str(principal.kind), principal.name, principal.role_name, session)
        epoch = self._epoch.current()
        cached = self._cache.get(epoch, key)
        if cached is not None:
            return cached
        with self._store.reader() as uow:
            grants = load_grants(uow, principal)
        self._cache.put(epoch, key, grants)
        return grants

    def request_context(self, request: AuthorizationRequest, principal_arn: str) -> dict[str, ContextValue]:
        context = principal_context(request.principal, principal_arn, self._clock.now())
        for key, value in request.context.items():
            context[key.lower()] = value
        return context

    def decide(self, request: AuthorizationRequest) -> Decision:
        if request.principal.is_root:
            return Decision.ALLOW
        grants = self.grants(request.principal)
        context = self.request_context(request, grants.principal_arn)
        return decide(grants, request.action, request.resources, context)

    def authorize(self, request: AuthorizationRequest) -> bool:
        return self.decide(request) is Decision.ALLOW


def decide(
    grants: Grants, action: str, resources: Sequence[str], context: Mapping[str, ContextValue]
) -> Decision:
    """Identity policies, then the permissions boundary and session policies as limits on them."""
    decision = evaluate(grants.policies, action, resources, context)
    if decision is Decision.EXPLICIT_DENY:
        return decision
    for limit in (grants.boundary, grants.session):
        if limit is None:
            continue
        limited = evaluate(limit, action, resources, context)
        if limited is Decision.EXPLICIT_DENY:
            return limited
        if limited is not Decision.ALLOW:
            decision = Decision.IMPLICIT_DENY
    return decision
