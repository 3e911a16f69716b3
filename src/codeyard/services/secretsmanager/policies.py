"""Resource policies of secrets: the syntax checks and the "is it public" check.

Codeyard stores resource policies but does not enforce them yet; the checks here are the ones
AWS's ValidateResourcePolicy reports as SYNTAX_CHECK and PUBLIC_ACCESS_CHECK findings.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from codeyard.services.secretsmanager.errors import MalformedPolicyDocument

SYNTAX_CHECK = "SYNTAX_CHECK"
PUBLIC_ACCESS_CHECK = "PUBLIC_ACCESS_CHECK"
_VERSIONS = ("2012-10-17", "2008-10-17")


def parse(document: str) -> dict[str, Any]:
    try:
        policy = json.loads(document)
    except json.JSONDecodeError:
        raise MalformedPolicyDocument(
            "This resource policy contains a syntax error: it is not valid JSON."
        ) from None
    if not isinstance(policy, dict):
        raise MalformedPolicyDocument(
            "This resource policy contains a syntax error: it must be a JSON object."
        )
    return policy


def _statements(policy: Mapping[str, Any]) -> list[Any]:
    statements = policy.get("Statement")
    if isinstance(statements, dict):
        return [statements]
    return statements if isinstance(statements, list) else []


def _statement_problems(index: int, statement: Any) -> list[str]:
    where = f"Statement {index}"
    if not isinstance(statement, dict):
        return [f"{where} must be a JSON object."]
    problems = []
    if statement.get("Effect") not in ("Allow", "Deny"):
        problems.append(f"{where} must have an Effect of Allow or Deny.")
    if "Principal" not in statement and "NotPrincipal" not in statement:
        problems.append(f"{where} must name a Principal: a resource policy says who it applies to.")
    if "Action" not in statement and "NotAction" not in statement:
        problems.append(f"{where} must have an Action or a NotAction.")
    if "Resource" not in statement and "NotResource" not in statement:
        problems.append(f"{where} must have a Resource or a NotResource.")
    return problems


def syntax_problems(policy: Mapping[str, Any]) -> list[str]:
    problems = []
    if "Version" in policy and policy["Version"] not in _VERSIONS:
        problems.append(f"The policy Version must be one of {', '.join(_VERSIONS)}.")
    statements = _statements(policy)
    if not statements:
        problems.append("The policy must have at least one Statement.")
    for index, statement in enumerate(statements, 1):
        problems.extend(_statement_problems(index, statement))
    return problems


def _everyone(principal: Any) -> bool:
    if principal == "*":
        return True
    if isinstance(principal, dict):
        named = principal.get("AWS")
        return named == "*" or (isinstance(named, list) and "*" in named)
    return False


def is_public(policy: Mapping[str, Any]) -> bool:
    """An Allow statement for every principal, without a condition, opens the secret to anyone."""
    return any(
        isinstance(s, dict)
        and s.get("Effect") == "Allow"
        and _everyone(s.get("Principal"))
        and not s.get("Condition")
        for s in _statements(policy)
    )


def findings(policy: Mapping[str, Any]) -> list[dict[str, str]]:
    """ValidationErrors entries for ValidateResourcePolicy."""
    found = [{"CheckName": SYNTAX_CHECK, "ErrorMessage": problem} for problem in syntax_problems(policy)]
    if is_public(policy):
        found.append(
            {
                "CheckName": PUBLIC_ACCESS_CHECK,
                "ErrorMessage": "The resource policy grants access to every principal without a condition.",
            }
        )
    return found
