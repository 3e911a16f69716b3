"""The `env` block of a buildspec: shell, variables, Parameter Store and Secrets Manager references."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import yaml

from codeyard.runner.buildspec.model import BuildspecVersion, EnvSpec
from codeyard.runner.buildspec.nodes import Entry, Reader, describe, suggest

if TYPE_CHECKING:
    from codeyard.runner.buildspec.model_options import SecretRef

_KEYS = (
    "shell",
    "variables",
    "parameter-store",
    "secrets-manager",
    "exported-variables",
    "git-credential-helper",
)
SHELLS = ("bash", "/bin/sh", "powershell.exe", "cmd.exe")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
_ARN_PARTS = 7  # arn:aws:secretsmanager:<region>:<account>:secret:<name>


def parse_secret_ref(value: str) -> SecretRef:
    """`secret-id:json-key:version-stage:version-id` (trailing parts may be empty or left out).

    The secret id may be an ARN, whose own colons belong to it. Raises ValueError with the reason."""
    from codeyard.runner.buildspec.model_options import SecretRef  # only for buildspecs with secrets

    parts = value.split(":")
    cut = _ARN_PARTS if value.startswith("arn:") else 1
    secret_id, rest = ":".join(parts[:cut]), parts[cut:]
    if not secret_id or (cut == _ARN_PARTS and len(parts) < _ARN_PARTS):
        raise ValueError("the secret id is missing" if not secret_id else "the secret ARN is incomplete")
    if len(rest) > 3:
        raise ValueError("more than four `:`-separated parts")
    json_key, stage, version_id = [*(part or None for part in rest), None, None, None][:3]
    if stage and version_id:
        raise ValueError("both a version stage and a version id; give one of them")
    return SecretRef(secret_id, json_key, stage, version_id)


def read_env(reader: Reader, node: yaml.Node | None, version: BuildspecVersion) -> EnvSpec:
    """The `env` block (`environment_variables` in 0.1, whose `plaintext` is `variables`)."""
    if node is None or (isinstance(node, yaml.ScalarNode) and describe(node) == "empty"):
        return EnvSpec()
    entries = reader.entries(node, "`env`")
    if entries is None:
        return EnvSpec()
    rest: list[Entry] = []
    for entry in entries:
        if entry[0] == "plaintext" and version is not BuildspecVersion.V0_1:
            reader.report(
                entry[1], "`plaintext` is the 0.1 name of `variables`", "in version 0.2 write `variables`"
            )
        else:
            rest.append(entry)
    allowed = (*_KEYS, "plaintext") if version is BuildspecVersion.V0_1 else _KEYS
    nodes = reader.known(rest, allowed, "`env`")
    variables = _variables(reader, nodes.get("variables"), "variables")
    variables.update(_variables(reader, nodes.get("plaintext"), "plaintext"))
    parameters = _references(reader, nodes.get("parameter-store"), "parameter-store")
    secrets = _secrets(reader, nodes.get("secrets-manager"))
    return EnvSpec(
        shell=_shell(reader, nodes["shell"]) if "shell" in nodes else None,
        variables=variables,
        parameter_store=parameters,
        secrets_manager=secrets,
        exported_variables=_exported(reader, nodes.get("exported-variables"), {*parameters, *secrets}),
        git_credential_helper=bool(
            "git-credential-helper" in nodes
            and reader.boolean(nodes["git-credential-helper"], "`git-credential-helper`")
        ),
    )


def _shell(reader: Reader, node: yaml.Node) -> str | None:
    shell = reader.text(node, "`shell`", required=True)
    if shell is not None and shell not in SHELLS:
        reader.report(node, f"unknown shell `{shell}`", suggest(shell, SHELLS))
        return None
    return shell


def _named(reader: Reader, node: yaml.Node | None, block: str) -> list[tuple[str, yaml.Node, yaml.Node]]:
    if node is None or (isinstance(node, yaml.ScalarNode) and describe(node) == "empty"):
        return []
    entries = reader.entries(node, f"`env.{block}`")
    for name, key, _ in entries or []:
        if name.startswith("CODEBUILD_"):
            reader.report(
                key, f"`{name}` in `env.{block}`: names starting CODEBUILD_ are reserved", "rename it"
            )
        elif not _NAME.match(name):
            reader.report(
                key, f"`{name}` in `env.{block}` is not a shell variable name", "use letters, digits and _"
            )
    return [entry for entry in entries or [] if not entry[0].startswith("CODEBUILD_")]


def _variables(reader: Reader, node: yaml.Node | None, block: str) -> dict[str, str]:
    result: dict[str, str] = {}
    for name, _, value in _named(reader, node, block):
        text = reader.text(value, f"the value of `{name}`")
        result[name] = "" if text is None else text
    return result


def _references(reader: Reader, node: yaml.Node | None, block: str) -> dict[str, str]:
    result: dict[str, str] = {}
    for name, _, value in _named(reader, node, block):
        text = reader.text(value, f"the {block} reference of `{name}`", required=True)
        if text is not None:
            result[name] = text
    return result


def _secrets(reader: Reader, node: yaml.Node | None) -> dict[str, SecretRef]:
    result: dict[str, SecretRef] = {}
    for name, _, value in _named(reader, node, "secrets-manager"):
        text = reader.text(value, f"the secrets-manager reference of `{name}`", required=True)
        if text is None:
            continue
        try:
            result[name] = parse_secret_ref(text)
        except ValueError as error:
            hint = "write secret-id:json-key:version-stage:version-id (trailing parts may be left out)"
            reader.report(value, f"bad secrets-manager reference for `{name}`: {error}", hint)
    return result


def _exported(reader: Reader, node: yaml.Node | None, secret: set[str]) -> tuple[str, ...]:
    if node is None:
        return ()
    items = reader.items(node, "`exported-variables`")
    for name, item in items:
        if name.startswith("AWS_"):
            reader.report(item, f"`{name}` cannot be exported: names starting AWS_ are reserved")
        elif name in secret:
            hint = "export a variable set from it only if it is not secret"
            reader.report(
                item, f"`{name}` cannot be exported: it comes from Parameter Store or Secrets Manager", hint
            )
        elif not _NAME.match(name):
            reader.report(item, f"`{name}` in `exported-variables` is not a shell variable name")
    return tuple(name for name, _ in items)
