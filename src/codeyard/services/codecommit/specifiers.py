"""Commit specifiers: a full commit id, a branch or tag name, HEAD, or a full ref."""

from __future__ import annotations

from codeyard.services.codecommit import names
from codeyard.services.codecommit.errors import CommitRequiredException, InvalidCommitException


def check_specifier(specifier: str | None, *, required: bool = False) -> str | None:
    """The specifier to resolve; None for the default branch's tip. Revision expressions
    (`main~1`, `HEAD^`, `a..b`, `main:path`, `@{1}`) are not specifiers: InvalidCommitException."""
    if not specifier:
        if required:
            raise CommitRequiredException("A commit specifier is required, but was not specified.")
        return None
    if len(specifier) > 4096 or not names.valid_ref_name(specifier):
        raise InvalidCommitException(f"The commit specifier {specifier} is not valid.")
    return specifier
