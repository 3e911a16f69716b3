"""The `batch` block of a buildspec: build-list, build-graph (a DAG) and build-matrix, validated."""

from __future__ import annotations

import graphlib

import yaml

from codeyard.runner.buildspec.model_batch import (
    BatchEnv,
    BatchMatrix,
    BatchMatrixDynamic,
    BatchSpec,
    BatchTask,
)
from codeyard.runner.buildspec.nodes import Reader, describe

_KEYS = ("fast-fail", "build-list", "build-graph", "build-matrix", "build-fanout")
_TASK_KEYS = ("identifier", "buildspec", "debug-session", "depend-on", "ignore-failure", "env")
_ENV_KEYS = ("compute-type", "fleet", "image", "privileged-mode", "type", "variables")
_KINDS = ("build-list", "build-graph", "build-matrix", "build-fanout")


def read_batch(reader: Reader, node: yaml.Node) -> BatchSpec | None:
    """The `batch` block; problems for missing identifiers, unknown or cyclic dependencies."""
    entries = reader.entries(node, "`batch`")
    if entries is None:
        return None
    nodes = reader.known(entries, _KEYS, "`batch`")
    kinds = [kind for kind in _KINDS if kind in nodes]
    if not kinds:
        reader.report(node, "`batch` names no builds", "add a `build-list`, `build-graph` or `build-matrix`")
    for extra in kinds[1:]:
        reader.report(nodes[extra], f"`batch` has both `{kinds[0]}` and `{extra}`", "keep one kind of batch")
    fast_fail = "fast-fail" in nodes and bool(reader.boolean(nodes["fast-fail"], "`fast-fail` of `batch`"))
    build_list = _tasks(reader, nodes["build-list"], "build-list") if "build-list" in nodes else ()
    build_graph = _tasks(reader, nodes["build-graph"], "build-graph") if "build-graph" in nodes else ()
    if "build-graph" in nodes:
        _check_graph(reader, nodes["build-graph"], build_graph)
    matrix = _matrix(reader, nodes["build-matrix"]) if "build-matrix" in nodes else None
    return BatchSpec(fast_fail, build_list, build_graph, matrix, "build-fanout" in nodes)


def _tasks(reader: Reader, node: yaml.Node, kind: str) -> tuple[BatchTask, ...]:
    if not isinstance(node, yaml.SequenceNode):
        reader.report(node, f"`{kind}` must be a list of builds, not {describe(node)}")
        return ()
    tasks: list[BatchTask] = []
    seen: set[str] = set()
    for item in node.value:
        task = _task(reader, item, kind)
        if task is None:
            continue
        if task.identifier in seen:
            reader.report(item, f"duplicate identifier `{task.identifier}` in `{kind}`")
        seen.add(task.identifier)
        tasks.append(task)
    return tuple(tasks)


def _task(reader: Reader, node: yaml.Node, kind: str, *, static: bool = False) -> BatchTask | None:
    where = "`build-matrix.static`" if static else f"a build of `{kind}`"
    entries = reader.entries(node, where)
    if entries is None:
        return None
    allowed = tuple(k for k in _TASK_KEYS if k not in ("identifier", "depend-on")) if static else _TASK_KEYS
    nodes = reader.known(entries, allowed, where)
    identifier = ""
    if not static:
        if "identifier" in nodes:
            identifier = reader.text(nodes["identifier"], f"`identifier` of {where}", required=True) or ""
        else:
            reader.report(node, f"{where} has no `identifier`", "add `identifier: <name>`")
        where = f"build `{identifier}`" if identifier else where
    if "depend-on" in nodes and kind != "build-graph":
        reader.report(
            nodes["depend-on"], f"`depend-on` in {where} of `{kind}`", "only `build-graph` has dependencies"
        )
    depend_on = reader.texts(nodes["depend-on"], f"`depend-on` of {where}") if "depend-on" in nodes else ()
    return BatchTask(
        identifier=identifier,
        buildspec=reader.text(nodes["buildspec"], f"`buildspec` of {where}")
        if "buildspec" in nodes
        else None,
        debug_session="debug-session" in nodes
        and bool(reader.boolean(nodes["debug-session"], "`debug-session`")),
        depend_on=depend_on,
        ignore_failure="ignore-failure" in nodes
        and bool(reader.boolean(nodes["ignore-failure"], "`ignore-failure`")),
        env=_env(reader, nodes["env"], where) if "env" in nodes else None,
    )


def _env(reader: Reader, node: yaml.Node, where: str) -> BatchEnv | None:
    entries = reader.entries(node, f"`env` of {where}")
    if entries is None:
        return None
    nodes = reader.known(entries, _ENV_KEYS, f"`env` of {where}")
    variables: dict[str, str] = {}
    if "variables" in nodes:
        for name, _, value in reader.entries(nodes["variables"], f"`env.variables` of {where}") or []:
            variables[name] = reader.text(value, f"the value of `{name}`") or ""
    privileged = nodes.get("privileged-mode")
    return BatchEnv(
        compute_type=reader.text(nodes["compute-type"], "`compute-type`")
        if "compute-type" in nodes
        else None,
        image=reader.text(nodes["image"], "`image`") if "image" in nodes else None,
        privileged_mode=reader.boolean(privileged, "`privileged-mode`") if privileged is not None else None,
        type=reader.text(nodes["type"], "`type`") if "type" in nodes else None,
        variables=variables,
        fleet=reader.text(nodes["fleet"], "`fleet`") if "fleet" in nodes else None,
    )


def _check_graph(reader: Reader, node: yaml.Node, tasks: tuple[BatchTask, ...]) -> None:
    known = {task.identifier for task in tasks}
    items = list(node.value) if isinstance(node, yaml.SequenceNode) else []
    sorter: graphlib.TopologicalSorter[str] = graphlib.TopologicalSorter()
    for task, item in zip(tasks, items, strict=False):
        for dependency in task.depend_on:
            if dependency not in known:
                reader.report(
                    item,
                    f"build `{task.identifier}` depends on `{dependency}`, which is not in `build-graph`",
                )
        sorter.add(task.identifier, *(d for d in task.depend_on if d in known))
    try:
        sorter.prepare()
    except graphlib.CycleError as error:
        cycle = " -> ".join(error.args[1])
        reader.report(node, f"`build-graph` has a dependency cycle: {cycle}", "remove one of the `depend-on`")


def _matrix(reader: Reader, node: yaml.Node) -> BatchMatrix | None:
    nodes = reader.known(
        reader.entries(node, "`build-matrix`") or [], ("static", "dynamic"), "`build-matrix`"
    )
    static = _task(reader, nodes["static"], "build-matrix", static=True) if "static" in nodes else None
    dynamic = BatchMatrixDynamic()
    if "dynamic" in nodes:
        dynamic = _dynamic(reader, nodes["dynamic"])
    else:
        reader.report(
            node, "`build-matrix` has no `dynamic` part", "list the values to combine under `dynamic`"
        )
    return BatchMatrix(static, dynamic)


def _dynamic(reader: Reader, node: yaml.Node) -> BatchMatrixDynamic:
    where = "`build-matrix.dynamic`"
    nodes = reader.known(reader.entries(node, where) or [], ("buildspec", "env"), where)
    buildspecs = reader.texts(nodes["buildspec"], f"`buildspec` of {where}") if "buildspec" in nodes else ()
    env: dict[str, yaml.Node] = {}
    if "env" in nodes:
        env = reader.known(
            reader.entries(nodes["env"], f"`env` of {where}") or [],
            ("compute-type", "image", "variables"),
            f"`env` of {where}",
        )
    variables: dict[str, tuple[str, ...]] = {}
    if "variables" in env:
        for name, _, value in reader.entries(env["variables"], f"`env.variables` of {where}") or []:
            variables[name] = reader.texts(value, f"the values of `{name}`")
    return BatchMatrixDynamic(
        buildspec=buildspecs,
        compute_type=reader.texts(env["compute-type"], "`compute-type`") if "compute-type" in env else (),
        image=reader.texts(env["image"], "`image`") if "image" in env else (),
        variables=variables,
    )
