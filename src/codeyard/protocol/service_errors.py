"""Input failures answered in a service's own error codes, for services that validate their input
themselves in AWS (CodeCommit answers `RepositoryNameRequiredException`, not ValidationException).

A service opts in with a `validation_codes` attribute: overrides, (member, kind) -> error code. The
rest is derived from the operation's own error list: a missing `fooBar` is `FooBarRequiredException`,
any other failure of it `InvalidFooBarException`, when the operation lists that error."""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache

from botocore.model import OperationModel

from codeyard.errors import CodeyardError
from codeyard.protocol.validation import Failure


@cache
def _error_class(code: str) -> type[CodeyardError]:
    return type(code, (CodeyardError,), {"code": code})


def service_error(
    operation: OperationModel, failures: list[Failure], overrides: Mapping[tuple[str, str], str]
) -> CodeyardError | None:
    """The service's own error for the first failure, or None to keep the ValidationException."""
    if not failures:
        return None
    failure = failures[0]
    member = failure.member
    if not member:
        return None
    known = {shape.name for shape in operation.error_shapes}
    capital = member[0].upper() + member[1:]
    candidates = [overrides.get((member, failure.kind), "")]
    if failure.kind == "required":
        candidates.append(f"{capital}RequiredException")
    else:
        candidates.append(f"Invalid{capital}Exception")
    for code in candidates:
        if code and code in known:
            return _error_class(code)(failure.text)
    return None
