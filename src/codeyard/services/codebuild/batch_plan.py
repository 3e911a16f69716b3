"""DOWNLOAD_BATCHSPEC: a buildspec's `batch` expanded into the batch's build groups, checked
against the batch's restrictions.

Each group holds its identifier, dependsOn, ignoreFailure and the StartBuild request of its builds
(the batch's overrides with the task's buildspec, image, compute type, environment type, privileged
mode, fleet and variables); builds are started later, by the batch's scheduler (batch_scheduler.py)."""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from codeyard.execution.buildspec_location import is_s3_arn, secondary_path
from codeyard.runner.buildspec.model_batch import BatchEnv, BatchMatrix, BatchSpec, BatchTask
from codeyard.runner.buildspec.parser import parse
from codeyard.runner.buildspec.problems import BuildspecError

# StartBuildBatch members that are the batch's own, not its builds'.
BATCH_ONLY = ("reportBuildBatchStatusOverride", "buildTimeoutInMinutesOverride", "buildBatchConfigOverride")

# The most builds one batch may have on this server, whatever its restrictions: a matrix's
# combinations are counted before they are made, so a few short lists cannot ask for millions.
MAX_BATCH_BUILDS = 1000


@dataclass(frozen=True)
class BatchspecSource:
    """The buildspec text read for a batch and the commit it was read at ("" when none)."""

    text: str
    commit: str


class BatchspecUnavailable(Exception):
    """The batch's buildspec cannot be read or used (the message says why)."""


# (region, source, version, buildspec path) -> the buildspec text and resolved commit
BatchspecRead = Callable[[str, dict[str, Any], str, str], BatchspecSource]


def read_batchspec_file(
    read: BatchspecRead, region: str, details: dict[str, Any], path: str
) -> BatchspecSource:
    """The buildspec file a batch names: an S3 object's ARN, a path in a secondary source
    (`${CODEBUILD_SRC_DIR_<id>}/...`, read at that source's version; no commit is answered, the
    primary source's is resolved by its builds), or a path in the primary source."""
    source = details["source"]
    if is_s3_arn(path):
        return read(region, source, "", path)
    secondary = secondary_path(path)
    if secondary is not None:
        identifier, inner = secondary
        sources = {s.get("sourceIdentifier"): s for s in details.get("secondarySources") or ()}
        if identifier not in sources:
            raise BatchspecUnavailable(f"YAML_FILE_ERROR: the buildspec {path} names no secondary source")
        versions = {
            v["sourceIdentifier"]: v.get("sourceVersion") or ""
            for v in details.get("secondarySourceVersions") or ()
        }
        found = read(region, sources[identifier], versions.get(identifier, ""), inner)
        return BatchspecSource(found.text, "")
    if source.get("type") == "NO_SOURCE":
        raise BatchspecUnavailable(f"YAML_FILE_ERROR: the buildspec {path} cannot be read")
    return read(region, source, details.get("sourceVersion", ""), path)


def batch_of(text: str, file: str) -> BatchSpec:
    """The `batch` section of a buildspec; BatchspecUnavailable when it has none or is invalid."""
    try:
        spec = parse(text, file)
    except BuildspecError as error:
        first = error.errors[0] if error.errors else None
        raise BatchspecUnavailable(f"YAML_FILE_ERROR: {first or error}") from None
    if spec.batch is None:
        raise BatchspecUnavailable(f"YAML_FILE_ERROR: the buildspec {file} has no batch section")
    if spec.batch.build_fanout:
        raise BatchspecUnavailable("build-fanout batches are not supported by this server")
    return spec.batch


def build_groups(batch: BatchSpec, request: dict[str, Any]) -> list[dict[str, Any]]:
    """The groups of the batch, each with its builds' StartBuild request (from the batch's
    `request`, its batch-only members left out)."""
    base = {key: value for key, value in request.items() if key not in BATCH_ONLY}
    if request.get("buildTimeoutInMinutesOverride"):
        base["timeoutInMinutesOverride"] = request["buildTimeoutInMinutesOverride"]
    tasks: list[BatchTask] = list(batch.build_list or batch.build_graph)
    count = len(tasks) if batch.build_matrix is None else math.prod(len(a) for a in _axes(batch.build_matrix))
    if count > MAX_BATCH_BUILDS:
        raise BatchspecUnavailable(
            f"Batch build has {count} builds, more than this server runs in one batch ({MAX_BATCH_BUILDS})"
        )
    if count == 0:
        raise BatchspecUnavailable("Batch build has no builds: its batchspec names none")
    if batch.build_matrix is not None:
        tasks = _matrix_tasks(batch)
    for task in tasks:
        if task.identifier in (".", "..") or "/" in task.identifier or "\\" in task.identifier:
            # It names the member's artifact folder (and its combined artifact).
            raise BatchspecUnavailable(
                f"YAML_FILE_ERROR: build identifier {task.identifier!r} cannot name a folder: "
                "no '/' or '\\', and not '.' or '..'"
            )
    return [
        {
            "identifier": task.identifier,
            "dependsOn": list(task.depend_on),
            "ignoreFailure": task.ignore_failure,
            "request": _member_request(base, task),
            "build": None,
            "prior": [],
        }
        for task in tasks
    ]


def check_restrictions(
    groups: list[dict[str, Any]], restrictions: dict[str, Any] | None, default_compute: str
) -> None:
    """Raises BatchspecUnavailable when the groups break maximumBuildsAllowed or computeTypesAllowed."""
    if not restrictions:
        return
    limit = restrictions.get("maximumBuildsAllowed")
    if limit is not None and len(groups) > int(limit):
        raise BatchspecUnavailable(
            f"Batch build has {len(groups)} builds, more than the maximum builds allowed ({limit})"
        )
    allowed = restrictions.get("computeTypesAllowed")
    if allowed:
        for group in groups:
            compute = group["request"].get("computeTypeOverride") or default_compute
            if compute not in allowed:
                raise BatchspecUnavailable(
                    f"Build {group['identifier']} uses compute type {compute}, which is not in the "
                    f"compute types allowed: {', '.join(allowed)}"
                )


def _member_request(base: dict[str, Any], task: BatchTask) -> dict[str, Any]:
    request = dict(base)
    if task.buildspec:
        request["buildspecOverride"] = task.buildspec
    env = task.env or BatchEnv()
    for value, member in (
        (env.image, "imageOverride"),
        (env.compute_type, "computeTypeOverride"),
        (env.type, "environmentTypeOverride"),
        (env.privileged_mode, "privilegedModeOverride"),
    ):
        if value is not None:
            request[member] = value
    if env.fleet is not None:
        request["fleetOverride"] = {"fleetArn": env.fleet}
    if env.variables:
        given = [
            v for v in request.get("environmentVariablesOverride") or [] if v["name"] not in env.variables
        ]
        request["environmentVariablesOverride"] = [
            *given,
            *({"name": name, "value": value, "type": "PLAINTEXT"} for name, value in env.variables.items()),
        ]
    return request


def _matrix_tasks(batch: BatchSpec) -> list[BatchTask]:
    """One task per combination of the dynamic values (buildspec by image by compute type by each
    variable's values, in that order), each over the static settings; named build1, build2…"""
    matrix = batch.build_matrix
    assert matrix is not None
    static = matrix.static or BatchTask(identifier="")
    base_env = static.env or BatchEnv()
    names = list(matrix.dynamic.variables)
    tasks = []
    for number, (buildspec, image, compute, *values) in enumerate(itertools.product(*_axes(matrix)), start=1):
        env = BatchEnv(
            compute_type=compute or base_env.compute_type,
            image=image or base_env.image,
            privileged_mode=base_env.privileged_mode,
            type=base_env.type,
            variables={**base_env.variables, **dict(zip(names, values, strict=True))},
            fleet=base_env.fleet,
        )
        tasks.append(
            BatchTask(
                identifier=f"build{number}",
                buildspec=buildspec or static.buildspec,
                ignore_failure=static.ignore_failure,
                env=env,
            )
        )
    return tasks


def _axes(matrix: BatchMatrix) -> list[tuple[Any, ...]]:
    """The matrix's dynamic values to combine: buildspec, image, compute type, each variable's."""
    dynamic = matrix.dynamic
    return [
        dynamic.buildspec or (None,),
        dynamic.image or (None,),
        dynamic.compute_type or (None,),
        *dynamic.variables.values(),
    ]


def member_artifacts(
    definition: dict[str, Any], identifier: str, combine: bool, batch_uuid: str
) -> dict[str, Any]:
    """Where a member's primary S3 artifact goes. Combined: `<path>/<name>/<identifier>` (one
    artifact, a subfolder per build; BUILD_ID namespaces put the batch's uuid before the name);
    apart: `<path>/<identifier>/[build uuid/]<name>`, each build its own artifact."""
    parts = [str(definition.get("path") or "").strip("/")]
    if combine:
        if definition.get("namespaceType") == "BUILD_ID":
            parts.append(batch_uuid)
        parts.append(str(definition.get("name") or "artifacts"))
        return {
            **definition,
            "path": "/".join(p for p in parts if p),
            "name": identifier,
            "namespaceType": "NONE",
            "overrideArtifactName": False,
        }
    parts.append(identifier)
    return {**definition, "path": "/".join(p for p in parts if p)}


def combined_location(definition: dict[str, Any], batch_uuid: str) -> str:
    """The batch's artifact location when its members' artifacts are combined."""
    parts = [str(definition.get("location", "")), str(definition.get("path") or "").strip("/")]
    if definition.get("namespaceType") == "BUILD_ID":
        parts.append(batch_uuid)
    parts.append(str(definition.get("name") or "artifacts"))
    return "arn:aws:s3:::" + "/".join(p for p in parts if p)
