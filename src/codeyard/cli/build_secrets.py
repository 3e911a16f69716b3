"""Secret references of a local build: resolved through a server when one is given, else failing at their YAML line."""

from __future__ import annotations

import os
from collections.abc import Awaitable, Callable

import yaml

from codeyard.runner.buildspec.model import Buildspec
from codeyard.runner.buildspec.nodes import compose
from codeyard.runner.engine.environment import VariableType
from codeyard.runner.engine.hooks import PhaseError
from codeyard.runner.engine.resolution import secret_reference
from codeyard.runner.engine.states import CLIENT_ERROR

_SECTIONS = {VariableType.PARAMETER_STORE: "parameter-store", VariableType.SECRETS_MANAGER: "secrets-manager"}
Resolver = Callable[[VariableType, str], Awaitable[str]]


def secret_resolver(
    text: str, file: str, buildspec: Buildspec, endpoint: str | None, region: str
) -> Resolver:
    """Resolution through `endpoint` (else AWS_ENDPOINT_URL) with the AWS_* credentials of the
    environment, when both are there and the buildspec has references; else UnresolvedSecrets."""
    endpoint = endpoint or os.environ.get("AWS_ENDPOINT_URL")
    key, secret = os.environ.get("AWS_ACCESS_KEY_ID"), os.environ.get("AWS_SECRET_ACCESS_KEY")
    wanted = buildspec.env.parameter_store or buildspec.env.secrets_manager
    if not (wanted and endpoint and key and secret):
        return UnresolvedSecrets(text, file, buildspec)
    # httpx only for builds that resolve secrets: `codeyard build` starts faster
    from codeyard.runner.secret_values import ServerSecrets
    from codeyard.runner.sigv4 import Credentials

    credentials = Credentials(key, secret, os.environ.get("AWS_SESSION_TOKEN") or None)
    return ServerSecrets(endpoint, credentials, region)


class UnresolvedSecrets:
    """The secret resolver without a server: every reference fails, naming its file and line (a clear
    failure rather than a build running with empty values)."""

    def __init__(self, text: str, file: str, buildspec: Buildspec) -> None:
        self._file = file
        self._where = _locations(text, buildspec)

    async def __call__(self, kind: VariableType, reference: str) -> str:
        section = _SECTIONS[kind]
        line, column, name = self._where.get((kind, reference), (0, 0, reference))
        raise PhaseError(
            CLIENT_ERROR,
            f"{self._file}:{line}:{column}: {section} variable {name} ({reference}) is not resolved: "
            "that needs a Codeyard server (--endpoint-url or AWS_ENDPOINT_URL, with AWS_ACCESS_KEY_ID "
            "and AWS_SECRET_ACCESS_KEY); or give the value with --env NAME=VALUE",
        )


def _locations(text: str, buildspec: Buildspec) -> dict[tuple[VariableType, str], tuple[int, int, str]]:
    """(kind, reference) → (line, column, variable name) of each reference in the buildspec's text."""
    references = {
        VariableType.PARAMETER_STORE: dict(buildspec.env.parameter_store),
        VariableType.SECRETS_MANAGER: {
            name: secret_reference(ref) for name, ref in buildspec.env.secrets_manager.items()
        },
    }
    found: dict[tuple[VariableType, str], tuple[int, int, str]] = {}
    env = _child(compose(text), "env")
    for kind, section in _SECTIONS.items():
        node = _child(env, section)
        if not isinstance(node, yaml.MappingNode):
            continue
        for key, value in node.value:
            name = str(key.value)
            if name in references[kind]:
                mark = value.start_mark
                found.setdefault((kind, references[kind][name]), (mark.line + 1, mark.column + 1, name))
    return found


def _child(node: yaml.Node | None, key: str) -> yaml.Node | None:
    if not isinstance(node, yaml.MappingNode):
        return None
    return next((value for name, value in node.value if name.value == key), None)
