"""The buildspec parser: YAML text to a Buildspec, with every problem located by file, line and column."""

from __future__ import annotations

from pathlib import Path

import yaml

from codeyard.runner.buildspec.environment import read_env
from codeyard.runner.buildspec.model import Buildspec, BuildspecVersion, Phase, PhaseName
from codeyard.runner.buildspec.nodes import Entry, Reader, compose, describe
from codeyard.runner.buildspec.problems import BuildspecError, Problem, Severity

_TOP = ("version", "run-as", "env", "proxy", "batch", "phases", "reports", "artifacts", "cache")
_PHASE_KEYS = ("run-as", "on-failure", "runtime-versions", "commands", "finally")
_PHASES = tuple(PhaseName)
# The optional sections that codeyard.runner.buildspec.sections reads.
_SECTIONS = frozenset({"proxy", "reports", "artifacts", "cache"})


def parse(text: str, file: str = "buildspec.yml") -> Buildspec:
    """The Buildspec of `text`; raises BuildspecError listing every problem when there is an error."""
    buildspec, problems = _read(text, file)
    if buildspec is None or any(p.severity is Severity.ERROR for p in problems):
        raise BuildspecError(problems)
    return buildspec


def parse_file(path: Path) -> Buildspec:
    """The Buildspec in a file (UTF-8); raises OSError or BuildspecError."""
    return parse(path.read_text(encoding="utf-8"), str(path))


def check(text: str, file: str = "buildspec.yml") -> list[Problem]:
    """Every problem of a buildspec (errors and warnings), in file order."""
    return _read(text, file)[1]


def _read(text: str, file: str) -> tuple[Buildspec | None, list[Problem]]:
    reader = Reader(file)
    try:
        root = compose(text)
    except yaml.MarkedYAMLError as error:
        return None, [_yaml_problem(error, text, file)]
    except yaml.YAMLError as error:
        return None, [Problem(file, 0, 0, f"not valid YAML: {error}")]
    if root is None:
        return None, [Problem(file, 0, 0, "the buildspec is empty", "start with `version: 0.2`")]
    buildspec = _top(reader, root)
    problems = sorted(reader.problems, key=lambda p: (p.line, p.column))
    return buildspec, problems


def _yaml_problem(error: yaml.MarkedYAMLError, text: str, file: str) -> Problem:
    """A YAML syntax error, with a hint for the usual causes in buildspecs."""
    mark = error.problem_mark or error.context_mark
    line, column = (mark.line + 1, mark.column + 1) if mark else (0, 0)
    problem = error.problem or error.context or "unreadable"
    hint = error.context if error.problem and error.context else None
    lines = text.splitlines()
    char = lines[line - 1][column - 1 : column] if mark and 0 < line <= len(lines) else ""
    if "mapping values are not allowed" in problem:
        hint = "quote the whole value: it contains `: `"
    elif "cannot start any token" in problem and char == "\t":
        hint = "indent with spaces, not tabs"
    elif "cannot start any token" in problem and char:
        hint = f"quote the value: YAML does not let a plain value start with `{char}`"
    elif "undefined alias" in problem:
        hint = "quote a value that starts with `*`"
    elif "another document" in problem:
        problem, hint = "more than one YAML document", "a buildspec is one document: remove the `---`"
    return Problem(file, line, column, f"not valid YAML: {problem}", hint)


def _top(reader: Reader, root: yaml.Node) -> Buildspec | None:
    entries = reader.entries(root, "the buildspec")
    if entries is None:
        return None
    version = _version(reader, root, {name: value for name, _, value in entries})
    allowed = (*_TOP, "environment_variables") if version is BuildspecVersion.V0_1 else _TOP
    rest: list[Entry] = []
    for entry in entries:
        if entry[0] == "environment_variables" and version is not BuildspecVersion.V0_1:
            reader.report(
                entry[1], "`environment_variables` is the 0.1 name of `env`", "in version 0.2 write `env`"
            )
        else:
            rest.append(entry)
    nodes = reader.known(rest, allowed, "the buildspec")
    if "env" in nodes and "environment_variables" in nodes:
        reader.report(
            nodes["environment_variables"], "both `env` and `environment_variables` given", "keep `env`"
        )
    env_node = nodes.get("env", nodes.get("environment_variables"))
    batch = None
    if "batch" in nodes:
        from codeyard.runner.buildspec.batch import read_batch  # only for buildspecs with a batch

        batch = read_batch(reader, nodes["batch"])
    phases = _phases(reader, nodes.get("phases"), root, required=batch is None)
    if nodes.keys() & _SECTIONS:
        from codeyard.runner.buildspec import sections  # only for buildspecs with these sections
    return Buildspec(
        version=version,
        run_as=reader.text(nodes["run-as"], "`run-as`", required=True) if "run-as" in nodes else None,
        env=read_env(reader, env_node, version),
        proxy=sections.read_proxy(reader, nodes["proxy"]) if "proxy" in nodes else None,
        phases=phases,
        reports=sections.read_reports(reader, nodes["reports"]) if "reports" in nodes else {},
        artifacts=sections.read_artifacts(reader, nodes["artifacts"]) if "artifacts" in nodes else None,
        cache=sections.read_cache(reader, nodes["cache"]) if "cache" in nodes else None,
        batch=batch,
    )


def _version(reader: Reader, root: yaml.Node, nodes: dict[str, yaml.Node]) -> BuildspecVersion:
    node = nodes.get("version")
    if node is None:
        reader.report(root, "`version` is missing", "start with `version: 0.2`")
        return BuildspecVersion.V0_2
    text = reader.text(node, "`version`", required=True)
    if text is None:
        return BuildspecVersion.V0_2
    try:
        return BuildspecVersion(text)
    except ValueError:
        reader.report(node, f"unknown buildspec version `{text}`", "write `version: 0.2` (or the legacy 0.1)")
        return BuildspecVersion.V0_2


def _phases(
    reader: Reader, node: yaml.Node | None, root: yaml.Node, *, required: bool
) -> dict[PhaseName, Phase]:
    if node is None or (isinstance(node, yaml.ScalarNode) and describe(node) == "empty"):
        if required:
            reader.report(node or root, "`phases` is missing", "a buildspec needs `phases` (or a `batch`)")
        return {}
    entries = reader.entries(node, "`phases`")
    if entries is None:
        return {}
    found: dict[PhaseName, Phase] = {}
    for name, value in reader.known(entries, _PHASES, "`phases`").items():
        phase = _phase(reader, PhaseName(name), value)
        if phase is not None:
            found[phase.name] = phase
    return {name: found[name] for name in PhaseName if name in found}


def _phase(reader: Reader, name: PhaseName, node: yaml.Node) -> Phase | None:
    where = f"phase `{name}`"
    if isinstance(node, yaml.ScalarNode) and describe(node) == "empty":
        reader.report(node, f"{where} is empty", "give it `commands` or remove it", warning=True)
        return None
    entries = reader.entries(node, where)
    if entries is None:
        return None
    nodes = reader.known(entries, _PHASE_KEYS, where)
    runtime_versions: dict[str, str] = {}
    if "runtime-versions" in nodes:
        if name is not PhaseName.INSTALL:
            reader.report(
                nodes["runtime-versions"], f"`runtime-versions` in {where}", "it belongs to `install`"
            )
        runtime_versions = _runtime_versions(reader, nodes["runtime-versions"])
    commands = _command_list(reader, nodes, "commands", where)
    finally_ = _command_list(reader, nodes, "finally", where)
    if "commands" not in nodes and name is not PhaseName.INSTALL and len(nodes) == len(entries):
        hint = "its `finally` runs on its own" if "finally" in nodes else "add `commands` or remove the phase"
        reader.report(node, f"{where} has no `commands`", hint, warning=True)
    on_failure = None
    if "on-failure" in nodes:
        from codeyard.runner.buildspec.on_failure import read_on_failure  # only for phases with one

        on_failure = read_on_failure(reader, nodes["on-failure"], where)
    run_as = (
        reader.text(nodes["run-as"], f"`run-as` of {where}", required=True) if "run-as" in nodes else None
    )
    return Phase(name, run_as, on_failure, runtime_versions, commands, finally_)


def _command_list(reader: Reader, nodes: dict[str, yaml.Node], key: str, where: str) -> tuple[str, ...]:
    node = nodes.get(key)
    if node is None:
        return ()
    if isinstance(node, yaml.ScalarNode) and describe(node) == "empty":
        reader.report(
            node, f"`{key}` of {where} is empty", "list the commands or remove the key", warning=True
        )
        return ()
    return reader.commands(node, f"`{key}` of {where}")


def _runtime_versions(reader: Reader, node: yaml.Node) -> dict[str, str]:
    result: dict[str, str] = {}
    for runtime, _, value in reader.entries(node, "`runtime-versions`") or []:
        version = reader.text(value, f"the version of runtime `{runtime}`", required=True)
        if version is not None:
            result[runtime] = version
    return result
