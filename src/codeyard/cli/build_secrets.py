"""Secret references of a local build: not resolved without a server, failing DOWNLOAD_SOURCE at their YAML line."""

from __future__ import annotations

import yaml

from codeyard.runner.buildspec.model import Buildspec
from codeyard.runner.buildspec.nodes import compose
from codeyard.runner.engine.environment import VariableType
from codeyard.runner.engine.hooks import PhaseError
from codeyard.runner.engine.resolution import secret_reference
from codeyard.runner.engine.states import CLIENT_ERROR

_SECTIONS = {VariableType.PARAMETER_STORE: "parameter-store", VariableType.SECRETS_MANAGER: "secrets-manager"}


class UnresolvedSecrets:
    """The engine's secret resolver for `codeyard build`: every reference fails, naming its file and line.

    Resolving needs a Codeyard server (its SSM and Secrets Manager APIs), which `codeyard build` does not
    talk to yet; a clear failure is better than a build running with empty values."""

    def __init__(self, text: str, file: str, buildspec: Buildspec) -> None:
        self._file = file
        self._where = _locations(text, buildspec)

    async def __call__(self, kind: VariableType, reference: str) -> str:
        section = _SECTIONS[kind]
        line, column, name = self._where.get((kind, reference), (0, 0, reference))
        raise PhaseError(
            CLIENT_ERROR,
            f"{self._file}:{line}:{column}: {section} variable {name} ({reference}) is not resolved: "
            "codeyard build does not resolve parameter-store or secrets-manager references "
            "(that needs a Codeyard server); use --env NAME=VALUE for a local run",
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
