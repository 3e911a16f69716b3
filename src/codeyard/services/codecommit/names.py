"""CodeCommit naming rules beyond what the model's patterns say, and ARNs."""

from __future__ import annotations

import re

from codeyard.accounts import RequestContext
from codeyard.services.codecommit.errors import (
    BranchNameRequiredException,
    InvalidBranchNameException,
    InvalidRepositoryNameException,
    RepositoryNameRequiredException,
)

_REPOSITORY_NAME = re.compile(r"[\w.-]{1,100}", re.ASCII)
# git check-ref-format: no control characters, space, ~ ^ : ? * [ \, no "..", no "@{", no "//".
_BAD_REF_CHARACTERS = re.compile(r"[\x00-\x20\x7f~^:?*\[\\]|\.\.|@\{|//")


def check_repository_name(name: str | None) -> str:
    if not name:
        raise RepositoryNameRequiredException("A repository name is required, but was not specified.")
    if not _REPOSITORY_NAME.fullmatch(name) or name.lower().endswith(".git") or name in (".", ".."):
        raise InvalidRepositoryNameException(
            f"The repository name '{name}' is not valid. Repository names can contain only "
            "alphanumeric characters, hyphens, underscores and periods, can be at most 100 "
            "characters long, and cannot end with .git."
        )
    return name


def valid_ref_name(name: str) -> bool:
    """Whether `name` (a branch or tag name without refs/heads/) is a valid git ref name."""
    if not name or name == "@" or _BAD_REF_CHARACTERS.search(name):
        return False
    if name.startswith(("-", "/")) or name.endswith(("/", ".", ".lock")):
        return False
    return all(part and not part.startswith(".") and not part.endswith(".lock") for part in name.split("/"))


def check_branch_name(name: str | None) -> str:
    if not name:
        raise BranchNameRequiredException("A branch name is required, but was not specified.")
    short = name.removeprefix("refs/heads/")
    if len(short) > 256 or not valid_ref_name(short):
        raise InvalidBranchNameException(f"The branch name '{name}' is not valid.")
    return short


def repository_arn(ctx: RequestContext, name: str) -> str:
    return ctx.arn("codecommit", name)
