"""SimulatePrincipalPolicy and SimulateCustomPolicy, on the same evaluator as every request."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from codeyard.accounts import RequestContext
from codeyard.services.iam.base import GROUP, ROLE, USER, IamBase
from codeyard.services.iam.conditions import ContextValue
from codeyard.services.iam.documents import default_document, owner_documents
from codeyard.services.iam.errors import InvalidInput, NoSuchEntity
from codeyard.services.iam.pages import page
from codeyard.services.iam.policy import Effect, Policy, Statement, parse_policy
from codeyard.store.ports import UnitOfWork

_SOURCE = re.compile(r"arn:aws:iam::(\d{12}):(user|group|role)/(?:.*/)?([^/]+)")


@dataclass(frozen=True)
class Source:
    """A policy taking part in a simulation, named as MatchedStatements name it.

    `owner` is the (type, name) of the user, group or role an inline or attached policy is on.
    """

    policy_id: str
    policy_type: str
    policy: Policy
    owner: tuple[str, str] = ("", "")


def _excluded(source: Source, identifier: Mapping[str, Any]) -> bool:
    """Whether a PolicyIdentifier of PolicyExclusionList names `source`."""
    inline = source.policy_type in (USER, GROUP, ROLE)
    kind = identifier.get("PolicyType")
    if kind is not None:
        return (kind == "inline" and inline) or kind == source.policy_type
    if "PolicyArn" in identifier:
        return not inline and identifier["PolicyArn"] == source.policy_id
    named = identifier.get("InlinePolicyIdentifier") or {}
    return (
        inline
        and named.get("PolicyName") == source.policy_id
        and (named.get("AttachmentType"), named.get("AttachmentName")) == source.owner
    )


def _context(entries: Sequence[Mapping[str, Any]] | None) -> dict[str, ContextValue]:
    context: dict[str, ContextValue] = {}
    for entry in entries or ():
        if not entry.get("ContextKeyName"):
            continue
        values = [str(v) for v in entry.get("ContextKeyValues", [])]
        plural = str(entry.get("ContextKeyType", "")).endswith("List")
        context[str(entry["ContextKeyName"]).lower()] = values if plural or len(values) != 1 else values[0]
    return context


def _applying(
    sources: Sequence[Source], action: str, resource: str, context: Mapping[str, ContextValue], effect: Effect
) -> list[tuple[Source, Statement]]:
    return [
        (source, statement)
        for source in sources
        for statement in source.policy.statements
        if statement.effect is effect and statement.applies(action, resource, context)
    ]


def _missing_keys(
    sources: Sequence[Source], action: str, resource: str, context: Mapping[str, ContextValue]
) -> list[str]:
    missing: list[str] = []
    for source in sources:
        for statement in source.policy.statements:
            if statement.matches_action(action) and statement.matches_resource(resource, context):
                for condition in statement.conditions:
                    if condition.key.lower() not in context and condition.key not in missing:
                        missing.append(condition.key)
    return missing


def _decide(
    sources: Sequence[Source], action: str, resource: str, context: Mapping[str, ContextValue]
) -> tuple[str, list[tuple[Source, Statement]]]:
    denies = _applying(sources, action, resource, context, Effect.DENY)
    if denies:
        return "explicitDeny", denies
    allows = _applying(sources, action, resource, context, Effect.ALLOW)
    return ("allowed", allows) if allows else ("implicitDeny", [])


def simulate(
    sources: Sequence[Source],
    boundary: Sequence[Source] | None,
    actions: Sequence[str],
    resources: Sequence[str],
    context: Mapping[str, ContextValue],
) -> list[dict[str, Any]]:
    results = []
    for action in actions:
        for resource in resources or ["*"]:
            decision, matched = _decide(sources, action, resource, context)
            result: dict[str, Any] = {"EvalActionName": action, "EvalResourceName": resource}
            if boundary is not None:
                bounded, boundary_matched = _decide(boundary, action, resource, context)
                result["PermissionsBoundaryDecisionDetail"] = {
                    "AllowedByPermissionsBoundary": bounded == "allowed"
                }
                if decision == "allowed" and bounded != "allowed":
                    decision, matched = bounded, boundary_matched
            result["EvalDecision"] = decision
            result["MatchedStatements"] = [
                {"SourcePolicyId": source.policy_id, "SourcePolicyType": source.policy_type}
                for source, _statement in matched
            ]
            result["MissingContextValues"] = _missing_keys(
                [*sources, *(boundary or [])], action, resource, context
            )
            results.append(result)
    return results


def _inputs(documents: Sequence[str] | None, label: str) -> list[Source]:
    return [Source(f"{label}.{i}", "none", parse_policy(d)) for i, d in enumerate(documents or (), start=1)]


class SimulationMixin(IamBase):
    def _entity_sources(self, uow: UnitOfWork, arn: str) -> tuple[list[Source], str | None, str | None]:
        """The policies of a user (with its groups'), group or role; its boundary; its user name."""
        matched = _SOURCE.fullmatch(arn)
        if matched is None or matched.group(1) != self._account_id:
            raise InvalidInput(f"Invalid Entity Arn: {arn} does not clearly define entity type and name.")
        kind, name = matched.group(2), matched.group(3)
        boundary: str | None = None
        owners = [(kind, name)]
        if kind == USER:
            user = uow.users.get(user_name=name)
            if user is None or user.arn != arn:
                raise NoSuchEntity(f"The user with name {name} cannot be found.")
            owners += [(GROUP, m.group_name) for m in uow.group_members.find(user_name=name)]
            boundary = user.permissions_boundary
        elif kind == GROUP:
            group = uow.groups.get(group_name=name)
            if group is None or group.arn != arn:
                raise NoSuchEntity(f"The group with name {name} cannot be found.")
        else:
            role = uow.roles.get(role_name=name)
            if role is None or role.arn != arn:
                raise NoSuchEntity(f"The role with name {name} cannot be found.")
            boundary = role.permissions_boundary
        sources = [
            Source(pid, source_type, parse_policy(doc), owner)
            for owner in owners
            for pid, source_type, doc in owner_documents(uow, *owner)
        ]
        return sources, boundary, name if kind == USER else None

    def simulate_principal_policy(
        self,
        ctx: RequestContext,
        *,
        policy_source_arn: str,
        action_names: list[str],
        policy_input_list: list[str] | None = None,
        permissions_boundary_policy_input_list: list[str] | None = None,
        policy_exclusion_list: list[dict[str, Any]] | None = None,
        resource_arns: list[str] | None = None,
        resource_policy: str | None = None,
        resource_owner: str | None = None,
        caller_arn: str | None = None,
        context_entries: list[dict[str, Any]] | None = None,
        resource_handling_option: str | None = None,
        max_items: int | None = None,
        marker: str | None = None,
    ) -> dict[str, Any]:
        exclusions = policy_exclusion_list or []
        with self._store.reader() as uow:
            sources, boundary_arn, user_name = self._entity_sources(uow, policy_source_arn)
            boundary_document = default_document(uow, boundary_arn) if boundary_arn else None
        sources = [s for s in sources if not any(_excluded(s, e) for e in exclusions)]
        if any(e.get("PolicyType") == "permission-boundary" for e in exclusions):
            boundary_arn = None
        sources += _inputs(policy_input_list, "PolicyInputList")
        boundary: list[Source] | None = None
        if permissions_boundary_policy_input_list:
            boundary = _inputs(permissions_boundary_policy_input_list, "PermissionsBoundaryPolicyInputList")
        elif boundary_arn:
            boundary = (
                [Source(boundary_arn, "user-managed", parse_policy(boundary_document))]
                if boundary_document
                else []
            )
        context = _context(context_entries)
        if user_name is not None:
            # Policy variables of the simulated user resolve as they would for its requests.
            context.setdefault("aws:username", user_name)
        results = simulate(sources, boundary, action_names, resource_arns or ["*"], context)
        chunk, more = page(list(enumerate(results)), lambda r: f"{r[0]:08d}", marker, max_items)
        return {"EvaluationResults": [r for _, r in chunk], **more}

    def simulate_custom_policy(
        self,
        ctx: RequestContext,
        *,
        policy_input_list: list[str],
        action_names: list[str],
        permissions_boundary_policy_input_list: list[str] | None = None,
        ordered_organization_policy_input_list: list[Any] | None = None,
        resource_arns: list[str] | None = None,
        resource_policy: str | None = None,
        resource_owner: str | None = None,
        caller_arn: str | None = None,
        context_entries: list[dict[str, Any]] | None = None,
        resource_handling_option: str | None = None,
        max_items: int | None = None,
        marker: str | None = None,
    ) -> dict[str, Any]:
        sources = _inputs(policy_input_list, "PolicyInputList")
        boundary = None
        if permissions_boundary_policy_input_list:
            boundary = _inputs(permissions_boundary_policy_input_list, "PermissionsBoundaryPolicyInputList")
        results = simulate(sources, boundary, action_names, resource_arns or ["*"], _context(context_entries))
        chunk, more = page(list(enumerate(results)), lambda r: f"{r[0]:08d}", marker, max_items)
        return {"EvaluationResults": [r for _, r in chunk], **more}
