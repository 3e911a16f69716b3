"""Approval rule content, the JSON of a pull request's approval rule or of a template: parsing,
validation with clear messages, the branches it applies to, and who may approve under it.

    {"Version": "2018-11-08",
     "DestinationReferences": ["refs/heads/main"],            # templates; optional
     "Statements": [{"Type": "Approvers",
                     "NumberOfApprovalsNeeded": 2,
                     "ApprovalPoolMembers": ["arn:aws:sts::111122223333:assumed-role/Reviewers/*",
                                             "CodeCommitApprovers:111122223333:Mary_Major"]}]}

Templates call `parse(content, InvalidApprovalRuleTemplateContentException)`."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from codeyard.errors import CodeyardError
from codeyard.services.codecommit.errors import InvalidApprovalRuleContentException
from codeyard.services.codecommit.names import valid_ref_name

VERSION = "2018-11-08"
MAX_CONTENT = 3000
MAX_POOL_MEMBERS = 50
MAX_DESTINATION_REFERENCES = 100
APPROVERS_PREFIX = "CodeCommitApprovers:"
_KEYS = ("Version", "DestinationReferences", "Statements")
_STATEMENT_KEYS = ("Type", "NumberOfApprovalsNeeded", "ApprovalPoolMembers")
_ACCOUNT = re.compile(r"\d{12}")


@dataclass(frozen=True)
class Statement:
    approvals_needed: int
    pool_members: tuple[str, ...] | None  # None: anyone allowed to approve counts

    def satisfied_by(self, approvers: Iterable[str]) -> bool:
        counted = {arn for arn in approvers if self.counts(arn)}
        return len(counted) >= self.approvals_needed

    def counts(self, arn: str) -> bool:
        """Whether an approval by `arn` counts towards this statement."""
        return self.pool_members is None or any(member_matches(m, arn) for m in self.pool_members)


@dataclass(frozen=True)
class RuleContent:
    statements: tuple[Statement, ...]
    destination_references: tuple[str, ...] | None  # full ref names; None: every branch

    def applies_to(self, destination_reference: str) -> bool:
        """Whether a template with this content makes a rule for a pull request into this ref."""
        return self.destination_references is None or destination_reference in self.destination_references

    def satisfied_by(self, approvers: Iterable[str]) -> bool:
        given = list(approvers)
        return all(statement.satisfied_by(given) for statement in self.statements)


def content_sha256(content: str) -> str:
    """The ruleContentSha256 of a rule (and a template's content hash)."""
    return hashlib.sha256(content.encode()).hexdigest()


def parse(content: str, error: type[CodeyardError] = InvalidApprovalRuleContentException) -> RuleContent:
    """The content, checked; raises `error` saying what is wrong and where."""
    if len(content) > MAX_CONTENT:
        raise error(
            f"The approval rule content is {len(content)} characters long; the maximum is {MAX_CONTENT}."
        )
    try:
        document = json.loads(content)
    except json.JSONDecodeError as exc:
        raise error(
            f"The approval rule content is not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}."
        ) from None
    if not isinstance(document, dict):
        raise error("The approval rule content must be a JSON object with Version and Statements.")
    _unknown(document, _KEYS, "the approval rule content", error)
    if document.get("Version") != VERSION:
        raise error(
            f'The approval rule content needs "Version": "{VERSION}", got {_show(document.get("Version"))}.'
        )
    statements = document.get("Statements")
    if not isinstance(statements, list) or not statements:
        raise error("The approval rule content needs Statements: a list of at least one statement.")
    parsed = tuple(_statement(item, i, error) for i, item in enumerate(statements))
    references = None
    if "DestinationReferences" in document:
        references = _references(document["DestinationReferences"], error)
    return RuleContent(parsed, references)


def _statement(item: Any, index: int, error: type[CodeyardError]) -> Statement:
    where = f"Statements[{index}]"
    if not isinstance(item, dict):
        raise error(f"{where} must be a JSON object.")
    _unknown(item, _STATEMENT_KEYS, where, error)
    if item.get("Type") != "Approvers":
        raise error(f'{where}.Type must be "Approvers", got {_show(item.get("Type"))}.')
    needed = item.get("NumberOfApprovalsNeeded")
    if isinstance(needed, bool) or not isinstance(needed, int) or needed < 1:
        raise error(f"{where}.NumberOfApprovalsNeeded must be an integer of at least 1, got {_show(needed)}.")
    if "ApprovalPoolMembers" not in item:
        return Statement(needed, None)
    members = item["ApprovalPoolMembers"]
    if not isinstance(members, list) or not all(isinstance(m, str) for m in members):
        raise error(f"{where}.ApprovalPoolMembers must be a list of strings.")
    if len(members) > MAX_POOL_MEMBERS:
        raise error(
            f"{where}.ApprovalPoolMembers has {len(members)} members; the maximum is {MAX_POOL_MEMBERS}."
        )
    for member in members:
        problem = _member_problem(member)
        if problem:
            raise error(f"{where}.ApprovalPoolMembers: {_show(member)} {problem}")
    # Our choice: an empty pool is the same as none, anyone allowed to approve counts.
    return Statement(needed, tuple(members) or None)


def _member_problem(member: str) -> str | None:
    if member.startswith(APPROVERS_PREFIX):
        account, _, name = member.removeprefix(APPROVERS_PREFIX).partition(":")
        if not _ACCOUNT.fullmatch(account) or not name:
            return "is not of the form CodeCommitApprovers:<12-digit account id>:<user or session name>."
        return None
    parts = member.split(":", 5)
    if len(parts) != 6 or parts[0] != "arn" or parts[2] not in ("iam", "sts") or not parts[5]:
        return (
            "is neither an IAM or STS ARN (arn:aws:iam::<account>:user/<name>, wildcards allowed) "
            "nor CodeCommitApprovers:<account>:<name>."
        )
    return None


def _references(value: Any, error: type[CodeyardError]) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(r, str) for r in value):
        raise error("DestinationReferences must be a list of branch references such as refs/heads/main.")
    if len(value) > MAX_DESTINATION_REFERENCES:
        raise error(
            f"DestinationReferences has {len(value)} entries; the maximum is {MAX_DESTINATION_REFERENCES}."
        )
    out: list[str] = []
    for reference in value:
        # Our choice: a bare branch name stands for refs/heads/<name>; other refs are refused.
        full = reference if reference.startswith("refs/") else "refs/heads/" + reference
        if not full.startswith("refs/heads/") or not valid_ref_name(full.removeprefix("refs/heads/")):
            raise error(
                f"DestinationReferences: {_show(reference)} is not a branch reference (refs/heads/<branch>)."
            )
        out.append(full)
    return tuple(out)


def _unknown(
    document: dict[str, Any], allowed: tuple[str, ...], where: str, error: type[CodeyardError]
) -> None:
    unknown = [key for key in document if key not in allowed]
    if unknown:
        raise error(f"Unknown key {_show(unknown[0])} in {where}; allowed keys: {', '.join(allowed)}.")


def _show(value: Any) -> str:
    return json.dumps(value) if value is not None else "nothing"


# --- pool members --------------------------------------------------------------------------------


def _wildcard(pattern: str) -> re.Pattern[str]:
    """IAM-style wildcards: `*` any run of characters, `?` any one character."""
    return re.compile(
        "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern), re.DOTALL
    )


def member_matches(member: str, arn: str) -> bool:
    """Whether the caller `arn` is one of the identities a pool member names."""
    if not member.startswith(APPROVERS_PREFIX):
        return _wildcard(member).fullmatch(arn) is not None
    account, _, name = member.removeprefix(APPROVERS_PREFIX).partition(":")
    parts = arn.split(":", 5)
    if len(parts) != 6 or parts[0] != "arn" or parts[4] != account:
        return False
    service, resource = parts[2], parts[5]
    if service == "iam" and resource.startswith("user/"):
        candidate = resource.rsplit("/", 1)[1]  # the name, without the user's path
    elif service == "sts" and resource.startswith("federated-user/"):
        candidate = resource.removeprefix("federated-user/")
    elif service == "sts" and resource.startswith("assumed-role/"):
        # "<role>/<session>": named in full, or caught by a wildcard such as *<session>
        candidate = resource.removeprefix("assumed-role/")
    else:
        return False
    return _wildcard(name).fullmatch(candidate) is not None
