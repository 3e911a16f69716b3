"""The STS operations: caller identity, session tokens and assumed roles."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from codeyard.accounts import Principal, PrincipalKind, RequestContext
from codeyard.clock import Clock
from codeyard.crypto import SecretBox
from codeyard.errors import AccessDeniedException, InvalidParameter, ValidationException
from codeyard.ids import IdGenerator
from codeyard.services.iam.authorizer import principal_context
from codeyard.services.iam.conditions import ContextValue
from codeyard.services.iam.documents import policy_view
from codeyard.services.iam.policy import parse_policy
from codeyard.services.iam.trust import parse_trust_policy, trust_allows
from codeyard.services.sts.sessions import SessionIdentity, SessionIssuer
from codeyard.store.ports import Store, UnitOfWork
from codeyard.store.ports.iam import RoleRecord

_ROLE_ARN = re.compile(r"arn:aws:iam::(\d{12}):role/(?:.*/)?([\w+=,.@-]+)")
USER_SESSION_DEFAULT, USER_SESSION_MAX = 43200, 129600
ROOT_SESSION_MAX = 3600
CHAINED_SESSION_MAX = 3600
SESSION_POLICY_SIZE = 2048


class StsApi:
    service_name = "sts"
    # AWS asks no permission for these two: any authenticated caller may learn who it is and
    # trade its long-term key for a session.
    always_allowed = frozenset({"GetCallerIdentity", "GetSessionToken"})

    def __init__(self, store: Store, box: SecretBox, clock: Clock, ids: IdGenerator, account_id: str) -> None:
        self._store = store
        self._clock = clock
        self._account_id = account_id
        self._sessions = SessionIssuer(box, clock, ids)

    def resources_for(self, operation: str, params: Mapping[str, Any], ctx: RequestContext) -> Sequence[str]:
        if operation == "AssumeRole":
            return [str(params["RoleArn"])]
        return ["*"]

    def get_caller_identity(self, ctx: RequestContext) -> dict[str, Any]:
        principal = ctx.principal
        user_id = principal.user_id
        if principal.kind is PrincipalKind.ASSUMED_ROLE:
            user_id = f"{principal.user_id}:{principal.name}"
        return {"UserId": user_id, "Account": principal.account_id, "Arn": principal.arn}

    @staticmethod
    def _is_session(principal: Principal) -> bool:
        return principal.kind is PrincipalKind.ASSUMED_ROLE or principal.access_key_id.startswith("ASIA")

    def get_session_token(
        self,
        ctx: RequestContext,
        *,
        duration_seconds: int | None = None,
        serial_number: str | None = None,
        token_code: str | None = None,
        minimum_session_token_size: int | None = None,
    ) -> dict[str, Any]:
        principal = ctx.principal
        if self._is_session(principal):
            raise AccessDeniedException("Cannot call GetSessionToken with session credentials")
        duration = duration_seconds or USER_SESSION_DEFAULT
        if principal.is_root:
            # Sessions of the account owner last an hour at most; AWS shortens longer requests.
            duration = min(duration, ROOT_SESSION_MAX)
        identity = SessionIdentity(
            kind=str(principal.kind),
            arn=principal.arn,
            principal_id=principal.user_id,
            name=principal.name,
            source_user_name=principal.name if principal.kind is PrincipalKind.USER else None,
        )
        with self._store.unit_of_work() as uow:
            credentials = self._sessions.issue(uow, identity, duration)
            uow.commit()
        return {"Credentials": credentials}

    def _denied(self, principal: Principal, role_arn: str) -> AccessDeniedException:
        return AccessDeniedException(
            f"User: {principal.arn} is not authorized to perform: sts:AssumeRole on resource: {role_arn}"
        )

    def _trusted_role(
        self, uow: UnitOfWork, principal: Principal, role_arn: str, context: dict[str, ContextValue]
    ) -> RoleRecord:
        """The role, when its trust policy lets the caller assume it. A missing role is refused
        the same way as an untrusting one, so the answer does not reveal which roles exist."""
        matched = _ROLE_ARN.fullmatch(role_arn)
        if matched is None or matched.group(1) != self._account_id:
            raise self._denied(principal, role_arn)
        role = uow.roles.get(role_name=matched.group(2))
        if role is None or role.arn != role_arn:
            raise self._denied(principal, role_arn)
        caller_role_arn = None
        if principal.kind is PrincipalKind.ASSUMED_ROLE:
            caller_role = uow.roles.get(role_name=principal.role_name)
            caller_role_arn = caller_role.arn if caller_role else None
        context.update(principal_context(principal, caller_role_arn or principal.arn, self._clock.now()))
        trust = parse_trust_policy(role.assume_role_policy_document)
        if not trust_allows(trust, principal, "sts:AssumeRole", context, caller_role_arn=caller_role_arn):
            raise self._denied(principal, role_arn)
        return role

    def _session_policies(
        self, uow: UnitOfWork, policy: str | None, policy_arns: list[dict[str, str]] | None
    ) -> list[str]:
        if policy is not None:
            parse_policy(policy)
        arns = [str(item["arn"]) for item in policy_arns or [] if item.get("arn")]
        for arn in arns:
            if policy_view(uow, arn) is None:
                raise InvalidParameter(f"The policy {arn} does not exist or is not attachable.")
        return arns

    def assume_role(
        self,
        ctx: RequestContext,
        *,
        role_arn: str,
        role_session_name: str,
        policy_arns: list[dict[str, str]] | None = None,
        policy: str | None = None,
        duration_seconds: int | None = None,
        tags: list[dict[str, str]] | None = None,
        transitive_tag_keys: list[str] | None = None,
        external_id: str | None = None,
        serial_number: str | None = None,
        token_code: str | None = None,
        source_identity: str | None = None,
        provided_contexts: list[dict[str, str]] | None = None,
        minimum_session_token_size: int | None = None,
    ) -> dict[str, Any]:
        principal = ctx.principal
        context: dict[str, ContextValue] = {"sts:rolesessionname": role_session_name}
        if external_id is not None:
            context["sts:externalid"] = external_id
        if source_identity is not None:
            context["sts:sourceidentity"] = source_identity
        for tag in tags or []:
            context[f"aws:requesttag/{tag['Key']}".lower()] = tag["Value"]
        if tags:
            context["aws:tagkeys"] = [t["Key"] for t in tags]
        with self._store.unit_of_work() as uow:
            role = self._trusted_role(uow, principal, role_arn, context)
            duration = duration_seconds or 3600
            if principal.kind is PrincipalKind.ASSUMED_ROLE and duration > CHAINED_SESSION_MAX:
                raise ValidationException(
                    "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by "
                    "role chaining."
                )
            if duration > role.max_session_duration:
                raise ValidationException(
                    "The requested DurationSeconds exceeds the MaxSessionDuration set for this role."
                )
            arns = self._session_policies(uow, policy, policy_arns)
            session_arn = f"arn:aws:sts::{self._account_id}:assumed-role/{role.role_name}/{role_session_name}"
            identity = SessionIdentity(
                kind=str(PrincipalKind.ASSUMED_ROLE),
                arn=session_arn,
                principal_id=role.role_id,
                name=role_session_name,
                role_name=role.role_name,
                source_user_name=principal.name if principal.kind is PrincipalKind.USER else None,
            )
            credentials = self._sessions.issue(
                uow, identity, duration, session_policy=policy, session_policy_arns=arns
            )
            uow.commit()
        answer: dict[str, Any] = {
            "Credentials": credentials,
            "AssumedRoleUser": {"AssumedRoleId": f"{role.role_id}:{role_session_name}", "Arn": session_arn},
            "SourceIdentity": source_identity,
        }
        if policy is not None or arns:
            # How full the packed session policies are, in percent of what AWS allows.
            size = len(policy or "") + 64 * len(arns)
            answer["PackedPolicySize"] = max(1, min(100, size * 100 // SESSION_POLICY_SIZE))
        return answer
