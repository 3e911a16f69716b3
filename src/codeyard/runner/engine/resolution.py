"""Variable resolution: the buildspec's and the project's secret references resolved, the layers overlaid."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import TYPE_CHECKING, NamedTuple

from codeyard.runner.engine.environment import EnvironmentVariable, VariableType, layered
from codeyard.runner.engine.hooks import PhaseError
from codeyard.runner.engine.states import CLIENT_ERROR

if TYPE_CHECKING:
    from codeyard.runner.buildspec.model import EnvSpec, SecretRef

Resolver = Callable[[VariableType, str], Awaitable[str]]


class ResolvedEnvironment(NamedTuple):
    """The build's environment, the secret values to mask, reserved names ignored, names not exportable."""

    variables: dict[str, str]
    secrets: list[str]
    ignored: list[str]
    unexportable: set[str]


async def resolve_environment(
    builtins: Mapping[str, str],
    env: EnvSpec,
    project: Sequence[EnvironmentVariable],
    override: Sequence[EnvironmentVariable],
    resolver: Resolver | None,
) -> ResolvedEnvironment:
    """Built-ins, then buildspec env (variables, parameter-store, secrets-manager), then project, then
    override variables, each over the last; secret references resolved through `resolver`."""
    secrets: list[str] = []
    unexportable: set[str] = set()

    async def resolve(kind: VariableType, reference: str) -> str:
        if resolver is None:
            raise PhaseError(CLIENT_ERROR, f"No {kind} resolver: cannot resolve {reference}")
        value = await resolver(kind, reference)
        secrets.append(value)
        return value

    own = dict(env.variables)
    for name, parameter in env.parameter_store.items():
        own[name] = await resolve(VariableType.PARAMETER_STORE, parameter)
    for name, ref in env.secrets_manager.items():
        own[name] = await resolve(VariableType.SECRETS_MANAGER, secret_reference(ref))
    layers: list[Mapping[str, str]] = [own]
    for variables in (project, override):
        layer = {}
        for variable in variables:
            if variable.type is VariableType.PLAINTEXT:
                layer[variable.name] = variable.value
            else:
                layer[variable.name] = await resolve(variable.type, variable.value)
                unexportable.add(variable.name)
        layers.append(layer)
    environment, ignored = layered(builtins, layers)
    return ResolvedEnvironment(environment, secrets, ignored, unexportable)


def secret_reference(ref: SecretRef) -> str:
    """A secrets-manager reference in the buildspec syntax `secret-id:json-key:version-stage:version-id`."""
    parts = [ref.secret_id, ref.json_key or "", ref.version_stage or "", ref.version_id or ""]
    return ":".join(parts).rstrip(":")
