"""The server's Authorizer: gathers a principal's identity policies and evaluates them."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from codeyard.accounts import AuthorizationRequest, Principal, PrincipalKind
from codeyard.clock import Clock
from codeyard.services.iam.aws_managed import aws_managed_document
from codeyard.services.iam.conditions import ContextValue
from codeyard.services.iam.policy import Decision, Policy, evaluate, parse_policy
from codeyard.store.ports import Store, UnitOfWork


def _documents_of(uow: UnitOfWork, owner_type: str, owner_name: str) -> list[str]:
    documents = [p.document for p in uow.inline_policies.find(owner_type=owner_type, owner_name=owner_name)]
    for attachment in uow.policy_attachments.find(owner_type=owner_type, owner_name=owner_name):
        builtin = aws_managed_document(attachment.policy_arn)
        if builtin is not None:
            documents.append(builtin)
            continue
        policy = uow.managed_policies.get(arn=attachment.policy_arn)
        if policy is None:
            continue
        version = uow.policy_versions.get(policy_arn=policy.arn, version_id=policy.default_version_id)
        if version is not None:
            documents.append(version.document)
    return documents


def identity_documents(uow: UnitOfWork, principal: Principal) -> tuple[list[str], str | None]:
    """The policy documents that apply to `principal`, and its permissions boundary ARN."""
    if principal.kind is PrincipalKind.USER:
        user = uow.users.get(user_name=principal.name)
        if user is None:
            return [], None
        documents = _documents_of(uow, "user", principal.name)
        for membership in uow.group_members.find(user_name=principal.name):
            documents.extend(_documents_of(uow, "group", membership.group_name))
        return documents, user.permissions_boundary
    if principal.kind is PrincipalKind.ASSUMED_ROLE:
        role = uow.roles.get(role_name=principal.role_name)
        if role is None:
            return [], None
        return _documents_of(uow, "role", principal.role_name), role.permissions_boundary
    return [], None


def _boundary_document(uow: UnitOfWork, arn: str) -> str | None:
    builtin = aws_managed_document(arn)
    if builtin is not None:
        return builtin
    policy = uow.managed_policies.get(arn=arn)
    if policy is None:
        return None
    version = uow.policy_versions.get(policy_arn=arn, version_id=policy.default_version_id)
    return None if version is None else version.document


class IamAuthorizer:
    """Explicit deny wins, default deny for non-root principals, the root user may do anything."""

    def __init__(self, store: Store, clock: Clock) -> None:
        self._store = store
        self._clock = clock

    def request_context(self, request: AuthorizationRequest) -> dict[str, ContextValue]:
        principal = request.principal
        context: dict[str, ContextValue] = {
            "aws:principalarn": principal.arn,
            "aws:principalaccount": principal.account_id,
            "aws:userid": principal.user_id,
            "aws:currenttime": self._clock.now().strftime("%Y-%m-%dT%H:%M:%SZ"),
            "aws:epochtime": str(int(self._clock.now().timestamp())),
            "aws:securetransport": "false",
            "aws:principaltype": {"root": "Account", "user": "User", "assumed-role": "AssumedRole"}[
                principal.kind
            ],
        }
        if principal.kind is PrincipalKind.USER:
            context["aws:username"] = principal.name
        for key, value in request.context.items():
            context[key.lower()] = value
        return context

    def decide(self, request: AuthorizationRequest) -> Decision:
        principal = request.principal
        if principal.is_root:
            return Decision.ALLOW
        with self._store.reader() as uow:
            documents, boundary_arn = identity_documents(uow, principal)
            boundary = _boundary_document(uow, boundary_arn) if boundary_arn else None
        context = self.request_context(request)
        policies: list[Policy] = [parse_policy(d) for d in documents]
        decision = evaluate(policies, request.action, request.resources, context)
        if decision is Decision.ALLOW and boundary_arn is not None:
            if boundary is None:
                return Decision.IMPLICIT_DENY
            bounded = evaluate([parse_policy(boundary)], request.action, request.resources, context)
            if bounded is not Decision.ALLOW:
                return bounded
        return decision

    def authorize(self, request: AuthorizationRequest) -> bool:
        return self.decide(request) is Decision.ALLOW


def simulate(
    policies: Sequence[str], action: str, resources: Sequence[str], context: Mapping[str, ContextValue]
) -> Decision:
    """Evaluate raw documents directly (SimulateCustomPolicy, tests)."""
    lowered = {k.lower(): v for k, v in context.items()}
    return evaluate([parse_policy(d) for d in policies], action, resources, lowered)
