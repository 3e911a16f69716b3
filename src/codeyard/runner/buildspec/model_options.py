"""The buildspec model of optional values: a phase's `on-failure` and a `secrets-manager` reference.

Apart from codeyard.runner.buildspec.model (which names them too) so that a buildspec without them
is read without defining their classes: each frozen dataclass costs start-up time."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from codeyard.runner.buildspec.model import FailureAction


@dataclass(frozen=True, slots=True)
class SecretRef:
    """A `secrets-manager` reference `secret-id:json-key:version-stage:version-id`."""

    secret_id: str
    json_key: str | None = None
    version_stage: str | None = None
    version_id: str | None = None


@dataclass(frozen=True, slots=True)
class OnFailure:
    """A phase's `on-failure`: ABORT, CONTINUE, or RETRY with a count and an error-output regex."""

    action: FailureAction
    count: int | None = None
    regex: str | None = None
