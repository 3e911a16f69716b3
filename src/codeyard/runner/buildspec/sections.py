"""The output blocks of a buildspec: `proxy`, `reports`, `artifacts` (with secondary artifacts) and `cache`."""

from __future__ import annotations

import yaml

from codeyard.runner.buildspec.model_sections import (
    ArtifactsSpec,
    CacheAction,
    CacheSpec,
    ProxySpec,
    ReportFileFormat,
    ReportGroupSpec,
)
from codeyard.runner.buildspec.nodes import Reader, describe, suggest

MAX_REPORT_GROUPS = 5
MAX_FALLBACK_KEYS = 5
_PROXY_KEYS = ("upload-artifacts", "logs")
_REPORT_KEYS = ("files", "base-directory", "discard-paths", "file-format")
_ARTIFACT_KEYS = (
    "files",
    "name",
    "discard-paths",
    "base-directory",
    "exclude-paths",
    "enable-symlinks",
    "s3-prefix",
    "secondary-artifacts",
)
_CACHE_KEYS = ("paths", "key", "fallback-keys", "action")


def _empty(node: yaml.Node) -> bool:
    return isinstance(node, yaml.ScalarNode) and describe(node) == "empty"


def read_proxy(reader: Reader, node: yaml.Node) -> ProxySpec | None:
    """The `proxy` block."""
    nodes = reader.known(reader.entries(node, "`proxy`") or [], _PROXY_KEYS, "`proxy`")
    return ProxySpec(
        upload_artifacts=_flag(reader, nodes, "upload-artifacts", "`proxy`"),
        logs=_flag(reader, nodes, "logs", "`proxy`"),
    )


def _flag(reader: Reader, nodes: dict[str, yaml.Node], key: str, where: str) -> bool:
    return key in nodes and bool(reader.boolean(nodes[key], f"`{key}` of {where}"))


def _glob_list(reader: Reader, nodes: dict[str, yaml.Node], key: str, where: str) -> tuple[str, ...]:
    if key not in nodes or _empty(nodes[key]):
        return ()
    items = reader.items(nodes[key], f"`{key}` of {where}")
    for glob, item in items:
        if glob.count('"') % 2 or glob.count("'") % 2:
            reader.report(
                item,
                f"a stray quote in `{glob}` ({key} of {where}): it only matches names containing that quote",
                "remove the quote",
                warning=True,
            )
    return tuple(glob for glob, _ in items)


def _text(reader: Reader, nodes: dict[str, yaml.Node], key: str, where: str) -> str | None:
    return reader.text(nodes[key], f"`{key}` of {where}", required=True) if key in nodes else None


def read_reports(reader: Reader, node: yaml.Node) -> dict[str, ReportGroupSpec]:
    """The `reports` block: report group name or ARN to its files."""
    result: dict[str, ReportGroupSpec] = {}
    entries = reader.entries(node, "`reports`") or []
    if len(entries) > MAX_REPORT_GROUPS:
        reader.report(entries[MAX_REPORT_GROUPS][1], f"more than {MAX_REPORT_GROUPS} report groups")
    for name, key, value in entries:
        where = f"report group `{name}`"
        nodes = reader.known(reader.entries(value, where) or [], _REPORT_KEYS, where)
        if "files" not in nodes:
            reader.report(key, f"{where} has no `files`", "add `files: ['**/*']`")
        file_format = ReportFileFormat.JUNITXML
        text = _text(reader, nodes, "file-format", where)
        if text is not None:
            try:
                file_format = ReportFileFormat(text.upper())
            except ValueError:
                reader.report(
                    nodes["file-format"],
                    f"unknown report file format `{text}`",
                    suggest(text.upper(), tuple(ReportFileFormat)),
                )
        result[name] = ReportGroupSpec(
            name=name,
            files=_glob_list(reader, nodes, "files", where),
            base_directory=_text(reader, nodes, "base-directory", where),
            discard_paths=_flag(reader, nodes, "discard-paths", where),
            file_format=file_format,
        )
    return result


def read_artifacts(reader: Reader, node: yaml.Node, where: str = "`artifacts`") -> ArtifactsSpec | None:
    """The `artifacts` block, or one of its secondary artifacts."""
    entries = reader.entries(node, where)
    if entries is None:
        return None
    secondary = where == "`artifacts`"
    allowed = _ARTIFACT_KEYS if secondary else _ARTIFACT_KEYS[:-1]
    nodes = reader.known(entries, allowed, where)
    if "files" not in nodes or _empty(nodes["files"]):
        reader.report(node, f"{where} has no `files`", "add `files: ['**/*']`")
    artifacts: dict[str, ArtifactsSpec] = {}
    if "secondary-artifacts" in nodes:
        for name, _, value in reader.entries(nodes["secondary-artifacts"], "`secondary-artifacts`") or []:
            spec = read_artifacts(reader, value, f"secondary artifact `{name}`")
            if spec is not None:
                artifacts[name] = spec
    return ArtifactsSpec(
        files=_glob_list(reader, nodes, "files", where),
        name=_text(reader, nodes, "name", where),
        discard_paths=_flag(reader, nodes, "discard-paths", where),
        base_directory=_text(reader, nodes, "base-directory", where),
        exclude_paths=_glob_list(reader, nodes, "exclude-paths", where),
        enable_symlinks=_flag(reader, nodes, "enable-symlinks", where),
        s3_prefix=_text(reader, nodes, "s3-prefix", where),
        secondary=artifacts,
    )


def read_cache(reader: Reader, node: yaml.Node) -> CacheSpec | None:
    """The `cache` block."""
    entries = reader.entries(node, "`cache`")
    if entries is None:
        return None
    nodes = reader.known(entries, _CACHE_KEYS, "`cache`")
    if "paths" not in nodes:
        reader.report(node, "`cache` has no `paths`", "add `paths: ['/root/.cache/**/*']`")
    fallback = _glob_list(reader, nodes, "fallback-keys", "`cache`")
    if len(fallback) > MAX_FALLBACK_KEYS:
        reader.report(nodes["fallback-keys"], f"more than {MAX_FALLBACK_KEYS} `fallback-keys`")
    if fallback and "key" not in nodes:
        reader.report(
            nodes["fallback-keys"], "`fallback-keys` without `key` are ignored", "add a `key`", warning=True
        )
    action: CacheAction | None = None
    text = _text(reader, nodes, "action", "`cache`")
    if text is not None:
        try:
            action = CacheAction(text)
        except ValueError:
            reader.report(
                nodes["action"], f"unknown cache action `{text}`", suggest(text, tuple(CacheAction))
            )
    return CacheSpec(
        paths=_glob_list(reader, nodes, "paths", "`cache`"),
        key=_text(reader, nodes, "key", "`cache`"),
        fallback_keys=fallback,
        action=action,
    )
