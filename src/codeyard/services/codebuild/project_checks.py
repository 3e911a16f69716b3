"""The input rules of a project definition beyond the model: sources, artifacts, environment,
cache, logs and limits, each refused with AWS's InvalidInputException."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from codeyard.accounts import RequestContext
from codeyard.services.codebuild.errors import InvalidInputException

SUPPORTED_SOURCES = ("CODECOMMIT", "CODEPIPELINE", "NO_SOURCE", "S3")
RESERVED_VARIABLE_PREFIX = "CODEBUILD_"
MAX_AUTO_RETRY = 10
_REPOSITORY_NAME = re.compile(r"[\w.-]{1,100}", re.ASCII)
_AWS_CODECOMMIT = re.compile(r"https://git-codecommit\.([a-z0-9-]+)\.amazonaws\.com/v1/repos/([^/]+)")
_BUCKET = re.compile(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")
_IDENTIFIER = re.compile(r"[A-Za-z0-9_]{1,128}")
_LAMBDA_ENVIRONMENTS = ("LINUX_LAMBDA_CONTAINER", "ARM_LAMBDA_CONTAINER")
_CONFIGURED_COMPUTE = ("ATTRIBUTE_BASED_COMPUTE", "CUSTOM_INSTANCE_TYPE")


def codecommit_repository(location: str, ctx: RequestContext, clone_url_base: str) -> str | None:
    """The repository name of a CODECOMMIT source location: AWS's clone URL of the caller's region
    or this server's own (`<base>/v1/repos/<name>`); None for anything else."""
    name: str | None = None
    aws = _AWS_CODECOMMIT.fullmatch(location)
    if aws is not None:
        name = aws.group(2) if aws.group(1) == ctx.region else None
    elif clone_url_base and location.startswith(clone_url_base + "/v1/repos/"):
        name = location[len(clone_url_base) + len("/v1/repos/") :]
    if name is None or not _REPOSITORY_NAME.fullmatch(name) or name.lower().endswith(".git"):
        return None
    return name


def _refuse(message: str) -> InvalidInputException:
    return InvalidInputException(message)


def _s3_object(location: str) -> bool:
    bucket, _, key = location.removeprefix("arn:aws:s3:::").partition("/")
    return bool(_BUCKET.fullmatch(bucket) and key and not key.endswith("/"))


def _s3_bucket_and_prefix(location: str) -> bool:
    bucket = location.removeprefix("arn:aws:s3:::").partition("/")[0]
    return bool(_BUCKET.fullmatch(bucket))


def check_source(source: Mapping[str, Any], ctx: RequestContext, clone_url_base: str, *, kind: str) -> None:
    """One source; `kind` is "source" or "secondary source" for the messages."""
    source_type = source["type"]
    location = source.get("location") or ""
    if source_type not in SUPPORTED_SOURCES:
        raise _refuse(
            f"Invalid {kind} type: {source_type} is not supported by Codeyard; "
            f"use one of {', '.join(SUPPORTED_SOURCES)}"
        )
    if source_type == "CODECOMMIT":
        if not location:
            raise _refuse(f"Invalid {kind}: location must be specified for source type CODECOMMIT")
        if codecommit_repository(location, ctx, clone_url_base) is None:
            raise _refuse(f"Invalid {kind} location: {location}")
    elif source_type == "S3":
        if not location:
            raise _refuse(f"Invalid {kind}: location must be specified for source type S3")
        if not _s3_object(location):
            raise _refuse(f"Invalid {kind} location: {location}; expected <bucket-name>/<object-key>")
    elif source_type == "NO_SOURCE":
        if location:
            raise _refuse(f"Invalid {kind}: location must not be specified for source type NO_SOURCE")
        if kind != "source":
            raise _refuse("Invalid secondary source: type NO_SOURCE cannot be a secondary source")
        if not (source.get("buildspec") or "").strip():
            raise _refuse("Invalid source: buildspec must be specified for source type NO_SOURCE")


def check_sources(definition: Mapping[str, Any], ctx: RequestContext, clone_url_base: str) -> None:
    check_source(definition["source"], ctx, clone_url_base, kind="source")
    identifiers: set[str] = set()
    for secondary in definition.get("secondarySources", ()):
        check_source(secondary, ctx, clone_url_base, kind="secondary source")
        identifier = secondary.get("sourceIdentifier") or ""
        _check_identifier(identifier, identifiers, "sourceIdentifier", "secondary source")
    for version in definition.get("secondarySourceVersions", ()):
        if version["sourceIdentifier"] not in identifiers:
            raise _refuse(
                f"Invalid secondary source version: no secondary source has the identifier "
                f"{version['sourceIdentifier']}"
            )


def _check_identifier(identifier: str, seen: set[str], member: str, kind: str) -> None:
    if not identifier:
        raise _refuse(f"Invalid {kind}: {member} must be specified")
    if not _IDENTIFIER.fullmatch(identifier):
        raise _refuse(
            f"Invalid {kind} {member}: {identifier}; it may contain only alphanumeric characters and "
            "underscores and be at most 128 characters long"
        )
    if identifier in seen:
        raise _refuse(f"Invalid {kind}: duplicate {member} {identifier}")
    seen.add(identifier)


def _check_artifact(artifact: Mapping[str, Any], kind: str) -> None:
    if artifact["type"] == "S3":
        location = artifact.get("location") or ""
        if not location:
            raise _refuse(f"Invalid {kind}: location must be specified for artifacts type S3")
        if not _s3_bucket_and_prefix(location):
            raise _refuse(f"Invalid {kind} location: {location}; expected a bucket name")


def check_artifacts(definition: Mapping[str, Any]) -> None:
    source_type = definition["source"]["type"]
    artifacts = definition["artifacts"]
    _check_artifact(artifacts, "artifacts")
    if source_type == "CODEPIPELINE" and artifacts["type"] != "CODEPIPELINE":
        raise _refuse(
            "Invalid artifacts: when source type is CODEPIPELINE, artifacts type must be CODEPIPELINE"
        )
    if artifacts["type"] == "CODEPIPELINE" and source_type != "CODEPIPELINE":
        raise _refuse("Invalid source: when artifacts type is CODEPIPELINE, source type must be CODEPIPELINE")
    identifiers: set[str] = set()
    for secondary in definition.get("secondaryArtifacts", ()):
        _check_artifact(secondary, "secondary artifacts")
        if secondary["type"] == "CODEPIPELINE" and source_type != "CODEPIPELINE":
            raise _refuse("Invalid secondary artifacts: type CODEPIPELINE needs source type CODEPIPELINE")
        identifier = secondary.get("artifactIdentifier") or ""
        _check_identifier(identifier, identifiers, "artifactIdentifier", "secondary artifacts")


def check_environment(environment: Mapping[str, Any]) -> None:
    environment_type, compute = environment["type"], environment["computeType"]
    lambda_compute = compute.startswith("BUILD_LAMBDA_")
    if lambda_compute != (environment_type in _LAMBDA_ENVIRONMENTS):
        raise _refuse(f"Invalid compute type {compute} for environment type {environment_type}")
    if environment_type in _LAMBDA_ENVIRONMENTS and environment.get("privilegedMode"):
        raise _refuse(f"Invalid environment: privilegedMode is not supported for {environment_type}")
    if compute in _CONFIGURED_COMPUTE and not environment.get("computeConfiguration"):
        raise _refuse(
            f"Invalid environment: computeConfiguration must be specified for compute type {compute}"
        )
    _check_variables(environment.get("environmentVariables", ()))


def _check_variables(variables: Sequence[Mapping[str, Any]]) -> None:
    for variable in variables:
        name, kind = variable["name"], variable.get("type") or "PLAINTEXT"
        if name.upper().startswith(RESERVED_VARIABLE_PREFIX):
            raise _refuse(
                f"Invalid environment variable name: {name}; names starting with "
                f"{RESERVED_VARIABLE_PREFIX} are reserved"
            )
        if kind != "PLAINTEXT" and not variable["value"]:
            raise _refuse(
                f"Invalid environment variable {name}: a {kind} variable needs the name of what it reads "
                "as its value"
            )


def check_cache(cache: Mapping[str, Any]) -> None:
    if cache["type"] == "S3":
        location = cache.get("location") or ""
        if not location:
            raise _refuse("Invalid cache: location must be specified for cache type S3")
        if not _s3_bucket_and_prefix(location):
            raise _refuse(f"Invalid cache location: {location}")
    elif cache["type"] == "LOCAL" and not cache.get("modes"):
        raise _refuse("Invalid cache: modes must be specified for cache type LOCAL")
    elif cache["type"] == "NO_CACHE" and (cache.get("location") or cache.get("modes")):
        raise _refuse("Invalid cache: location and modes must not be specified for cache type NO_CACHE")


def check_logs(logs: Mapping[str, Any]) -> None:
    s3 = logs.get("s3Logs") or {}
    if s3.get("status") == "ENABLED":
        location = s3.get("location") or ""
        if not location:
            raise _refuse("Invalid logsConfig: s3Logs location must be specified when s3Logs is ENABLED")
        if not _s3_bucket_and_prefix(location):
            raise _refuse(f"Invalid logsConfig: s3Logs location {location}")


def check_limits(definition: Mapping[str, Any]) -> None:
    limit = definition.get("concurrentBuildLimit")
    if limit is not None and limit < 1:
        raise _refuse(f"Invalid concurrentBuildLimit: {limit}; it must be at least 1")
    retries = definition.get("autoRetryLimit")
    if retries is not None and not 0 <= retries <= MAX_AUTO_RETRY:
        raise _refuse(f"Invalid autoRetryLimit: {retries}; it must be between 0 and {MAX_AUTO_RETRY}")


def check_tags(tags: Sequence[Mapping[str, str]]) -> None:
    seen: set[str] = set()
    for tag in tags:
        key = tag.get("key")
        if not key:
            raise _refuse("Invalid tag: a tag needs a key")
        if key.lower().startswith("aws:"):
            raise _refuse(f"Invalid tag key: {key}; the prefix aws: is reserved for system use")
        if key in seen:
            raise _refuse(f"Invalid tags: duplicate tag key {key}")
        seen.add(key)


def check_definition(definition: Mapping[str, Any], ctx: RequestContext, clone_url_base: str) -> None:
    """Every rule, on a whole definition (after an update merged its changes in)."""
    check_sources(definition, ctx, clone_url_base)
    check_artifacts(definition)
    check_environment(definition["environment"])
    check_cache(definition["cache"])
    check_logs(definition["logsConfig"])
    check_limits(definition)
