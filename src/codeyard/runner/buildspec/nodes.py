"""YAML nodes of a buildspec: composed with their marks and read into plain values, recording problems."""

from __future__ import annotations

from collections.abc import Sequence

import yaml

from codeyard.runner.buildspec.problems import Problem, Severity

try:
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

_TAG = "tag:yaml.org,2002:"
STR, NULL, BOOL, MERGE = _TAG + "str", _TAG + "null", _TAG + "bool", _TAG + "merge"
_KINDS = {
    _TAG + "int": "a number",
    _TAG + "float": "a number",
    BOOL: "a boolean",
    _TAG + "timestamp": "a date",
}
_TRUE = frozenset({"yes", "true", "on", "y"})
_FALSE = frozenset({"no", "false", "off", "n"})

# One mapping entry: its key text, the key node (for marks) and the value node.
Entry = tuple[str, yaml.Node, yaml.Node]


def compose(text: str) -> yaml.Node | None:
    """The node tree of one YAML document (None for an empty one); raises yaml.YAMLError."""
    return yaml.compose(text, Loader=_Loader)


def quoted(text: str) -> str:
    """A command written as a quoted YAML scalar, for hints."""
    return "'" + text.replace("'", "''") + "'"


class Reader:
    """Reads nodes into values for one file and collects every problem it meets on the way."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.problems: list[Problem] = []

    def report(
        self, node: yaml.Node | None, message: str, hint: str | None = None, *, warning: bool = False
    ) -> None:
        """Record a problem at the start of `node` (line 0 when there is no node)."""
        line, column = (node.start_mark.line + 1, node.start_mark.column + 1) if node is not None else (0, 0)
        severity = Severity.WARNING if warning else Severity.ERROR
        self.problems.append(Problem(self.file, line, column, message, hint, severity))

    def entries(self, node: yaml.Node, where: str) -> list[Entry] | None:
        """The entries of a mapping in order (merge keys applied); None with an error for anything else."""
        if not isinstance(node, yaml.MappingNode):
            self.report(node, f"{where} must be a mapping, not {describe(node)}")
            return None
        own: list[Entry] = []
        merged: list[Entry] = []
        seen: dict[str, yaml.Node] = {}
        for key, value in node.value:
            if key.tag == MERGE:
                merged += self._merged(value, where)
                continue
            if not isinstance(key, yaml.ScalarNode):
                self.report(key, f"a key in {where} is {describe(key)}, not a name")
                continue
            name = str(key.value)
            if name in seen:
                first = seen[name].start_mark.line + 1
                self.report(key, f"duplicate key `{name}` in {where} (first at line {first})", "remove one")
                continue
            seen[name] = key
            own.append((name, key, value))
        for entry in merged:
            if entry[0] not in seen:
                seen[entry[0]] = entry[1]
                own.append(entry)
        return own

    def _merged(self, value: yaml.Node, where: str) -> list[Entry]:
        sources = value.value if isinstance(value, yaml.SequenceNode) else [value]
        result: list[Entry] = []
        for source in sources:
            result += self.entries(source, f"a merge into {where}") or []
        return result

    def known(self, entries: list[Entry], allowed: Sequence[str], where: str) -> dict[str, yaml.Node]:
        """The entries whose keys are allowed; an error with a close match as hint for each other key."""
        result: dict[str, yaml.Node] = {}
        for name, key, value in entries:
            if name in allowed:
                result[name] = value
            else:
                self.report(key, f"unknown key `{name}` in {where}", suggest(name, allowed))
        return result

    def text(self, node: yaml.Node, where: str, *, required: bool = False) -> str | None:
        """A scalar as written (numbers keep their spelling, `3.10` stays `3.10`); None for null."""
        if isinstance(node, yaml.ScalarNode):
            if node.tag == NULL:
                if required:
                    self.report(node, f"{where} is empty")
                return None
            return str(node.value)
        self.report(node, f"{where} must be a single value, not {describe(node)}")
        return None

    def boolean(self, node: yaml.Node, where: str) -> bool | None:
        """yes/no, true/false or on/off (any case, quoted or not); None with an error otherwise."""
        if isinstance(node, yaml.ScalarNode) and str(node.value).lower() in _TRUE | _FALSE:
            return str(node.value).lower() in _TRUE
        self.report(node, f"{where} must be yes or no, not {describe(node)}", "write yes, no, true or false")
        return None

    def texts(self, node: yaml.Node, where: str) -> tuple[str, ...]:
        """A list of scalars; a single scalar counts as a one-item list (with a warning)."""
        return tuple(text for text, _ in self.items(node, where))

    def items(self, node: yaml.Node, where: str) -> list[tuple[str, yaml.Node]]:
        """The scalars of a list with their nodes; empty items are left out, a lone scalar is one item."""
        if isinstance(node, yaml.ScalarNode) and node.tag != NULL:
            self.report(
                node, f"{where} is a single value, not a list", "write it as a list item", warning=True
            )
            return [(str(node.value), node)]
        if not isinstance(node, yaml.SequenceNode):
            self.report(node, f"{where} must be a list, not {describe(node)}")
            return []
        found = ((self.text(item, f"an item of {where}"), item) for item in node.value)
        return [(text, item) for text, item in found if text is not None]

    def commands(self, node: yaml.Node, where: str) -> tuple[str, ...]:
        """A list of shell commands; items YAML typed as something other than a string are errors."""
        if not isinstance(node, yaml.SequenceNode):
            hint = (
                "write each command as a list item: - command" if isinstance(node, yaml.ScalarNode) else None
            )
            self.report(node, f"{where} must be a list of commands, not {describe(node)}", hint)
            return ()
        result: list[str] = []
        for item in node.value:
            command = self.command(item, where)
            if command is not None:
                result.append(command)
        return tuple(result)

    def command(self, item: yaml.Node, where: str) -> str | None:
        """One command item, or None (with a problem) when it is not a string."""
        if isinstance(item, yaml.ScalarNode):
            if item.tag == STR:
                return str(item.value)
            if item.tag == NULL:
                self.report(
                    item, f"empty command in {where}; it is skipped", "remove the bare `-`", warning=True
                )
                return None
            kind = _KINDS.get(item.tag, f"a value tagged {item.tag}")
            self.report(
                item,
                f"YAML reads this command in {where} as {kind}, not text",
                f"quote it: - {quoted(item.value)}",
            )
            return None
        if isinstance(item, yaml.MappingNode):
            self.report(
                item,
                f"YAML reads this command in {where} as a mapping because of an unquoted `: `",
                "quote the whole command, or write it as a block scalar (- |)",
            )
            return None
        self.report(item, f"a command in {where} is {describe(item)}, not text", "quote it or join the lines")
        return None


def describe(node: yaml.Node) -> str:
    """A short name of what a node is, for messages."""
    if isinstance(node, yaml.MappingNode):
        return "a mapping"
    if isinstance(node, yaml.SequenceNode):
        return "a list"
    if node.tag == NULL:
        return "empty"
    return f"`{node.value}`"


def suggest(name: str, allowed: Sequence[str]) -> str:
    """A hint for an unknown key: the closest allowed key, or the list of allowed keys."""
    import difflib  # only for buildspecs with an unknown key

    lowered = {key.lower().replace("_", "-"): key for key in allowed}
    exact = lowered.get(name.lower().replace("_", "-"))
    close = [exact] if exact else difflib.get_close_matches(name, list(allowed), n=1, cutoff=0.6)
    if close:
        return f"did you mean `{close[0]}`?"
    return "expected one of " + ", ".join(f"`{key}`" for key in allowed)
