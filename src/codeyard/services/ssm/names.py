"""Parameter names: AWS's naming rules, `name:selector` references, paths, levels and ARNs."""

from __future__ import annotations

import re
from dataclasses import dataclass

from codeyard.accounts import RequestContext
from codeyard.errors import AccessDeniedException, ValidationException
from codeyard.services.ssm.errors import HierarchyLevelLimitExceeded, ParameterNotFound

MAX_LEVELS = 15
# AWS counts the ARN prefix (`arn:aws:ssm:<region>:<account>:parameter/`) into this limit.
MAX_NAME_WITH_ARN = 1011

_CHARACTERS = re.compile(r"[a-zA-Z0-9_.\-/]+")

INVALID_NAME = (
    'Parameter name: can\'t be prefixed with "ssm" (case-insensitive). If formed as a path, it can '
    "consist of sub-paths divided by slash symbol; each sub-path can be formed as a mix of letters, "
    "numbers and the following 3 symbols .-_"
)
NOT_QUALIFIED = "Parameter name must be a fully qualified name."
INVALID_PATH = (
    "The parameter doesn't meet the parameter name requirements. The parameter name must begin with "
    'a forward slash "/". It can\'t be prefixed with "aws" or "ssm" (case-insensitive). It must use '
    "only letters, numbers, or the following symbols: . (period), - (hyphen), _ (underscore). Special "
    'characters are not allowed. All sub-paths, if specified, must use the forward slash symbol "/". '
    "Valid example: /get/parameters2-/by1./path0_."
)
HIERARCHY_LIMIT = (
    f"A hierarchy can have a maximum of {MAX_LEVELS} levels. For more information, see Requirements "
    "and constraints for parameter names in the AWS Systems Manager User Guide."
)


@dataclass(frozen=True, slots=True)
class Reference:
    """A parameter as a caller names it: the name, and at most one of a version or a label."""

    name: str
    version: int | None = None
    label: str | None = None

    @property
    def selector(self) -> str | None:
        """The `:version` or `:label` suffix that GetParameter answers in `Selector`."""
        if self.version is not None:
            return f":{self.version}"
        if self.label is not None:
            return f":{self.label}"
        return None

    @property
    def text(self) -> str:
        return self.name + (self.selector or "")


def check_syntax(name: str) -> str:
    """The name without surrounding spaces, or ValidationException when it breaks the rules.

    AWS removes spaces around a name and refuses spaces inside it.
    """
    cleaned = name.strip()
    if not cleaned or not _CHARACTERS.fullmatch(cleaned):
        raise ValidationException(INVALID_NAME)
    if "/" in cleaned and not cleaned.startswith("/"):
        raise ValidationException(NOT_QUALIFIED)
    if cleaned == "/" or "//" in cleaned or cleaned.endswith("/"):
        raise ValidationException(INVALID_NAME)
    return cleaned


def check_writable(name: str, ctx: RequestContext) -> str:
    """The name a parameter can be created or changed under, after every naming rule of AWS."""
    cleaned = check_syntax(name)
    bare = cleaned.removeprefix("/")
    lowered = bare.lower()
    if lowered.startswith("aws"):
        raise AccessDeniedException(f"No access to reserved parameter name: {bare}.")
    if lowered.startswith("ssm"):
        raise ValidationException(INVALID_NAME)
    if len(arn(ctx, cleaned)) > MAX_NAME_WITH_ARN:
        raise ValidationException(
            f"Parameter name: the name and its ARN prefix can have at most {MAX_NAME_WITH_ARN} characters."
        )
    if levels(cleaned) > MAX_LEVELS:
        raise HierarchyLevelLimitExceeded(HIERARCHY_LIMIT)
    return cleaned


def levels(name: str) -> int:
    """How deep a name sits: `/a/b/c` and `a` are at levels 3 and 1."""
    return max(1, name.count("/"))


def forms(name: str) -> tuple[str, ...]:
    """Every spelling of the same parameter: AWS treats `/Name` and `Name` as one parameter."""
    bare = name.removeprefix("/")
    if "/" in bare:
        return (name,)
    return (name, bare) if name.startswith("/") else (name, "/" + name)


def parse_reference(raw: str, ctx: RequestContext) -> Reference:
    """`name`, `name:version`, `name:label`, or the parameter's ARN with the same suffixes.

    An ARN of another account or region is a parameter we do not hold (no sharing).
    """
    text = raw.strip()
    if text.startswith("arn:"):
        parts = text.split(":", 5)
        if len(parts) != 6 or parts[2] != "ssm" or not parts[5].startswith("parameter/"):
            raise ValidationException(INVALID_NAME)
        if parts[3] != ctx.region or parts[4] != ctx.account_id:
            raise ParameterNotFound(f"Parameter {text} not found.")
        resource = parts[5].removeprefix("parameter/")
        text = "/" + resource if "/" in resource.split(":", 1)[0] else resource
    name, colon, selector = text.partition(":")
    name = check_syntax(name)
    if not colon:
        return Reference(name)
    if not selector:
        raise ParameterNotFound(f"Parameter {text} not found.")
    if selector.isdigit():
        return Reference(name, version=int(selector))
    return Reference(name, label=selector)


def arn(ctx: RequestContext, name: str) -> str:
    return ctx.arn("ssm", "parameter/" + name.removeprefix("/"))


def resource_arn(ctx: RequestContext, raw: object) -> str:
    """The ARN IAM checks a call against; never fails, whatever the caller sent."""
    text = str(raw).strip()
    if text.startswith("arn:"):
        return text.rsplit(":", 1)[0] if text.count(":") > 5 else text
    return arn(ctx, text.partition(":")[0])


def check_path(path: str) -> str:
    """A GetParametersByPath path, as the prefix its parameters share without the trailing slash."""
    cleaned = path.strip()
    if not cleaned.startswith("/") or "//" in cleaned or not _CHARACTERS.fullmatch(cleaned):
        raise ValidationException(INVALID_PATH)
    return cleaned.rstrip("/")


def path_prefix(base: str) -> str:
    """The LIKE prefix of names under `base` ("" means every name: the root holds `a` and `/a`)."""
    return base + "/" if base else ""


def under(name: str, base: str, recursive: bool) -> bool:
    """Whether a parameter sits under the path `base` (one level down unless recursive)."""
    full = name if name.startswith("/") else "/" + name
    if not full.startswith(base + "/"):
        return False
    rest = full[len(base) + 1 :]
    return bool(rest) and (recursive or "/" not in rest)
