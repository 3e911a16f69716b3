"""The build environment: CODEBUILD_* built-ins from a BuildContext, then buildspec and project variables."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from enum import StrEnum
from types import MappingProxyType
from typing import NamedTuple

RESERVED_PREFIX = "CODEBUILD_"


class VariableType(StrEnum):
    """The model's `EnvironmentVariableType`."""

    PLAINTEXT = "PLAINTEXT"
    PARAMETER_STORE = "PARAMETER_STORE"
    SECRETS_MANAGER = "SECRETS_MANAGER"


class EnvironmentVariable(NamedTuple):
    """A project or StartBuild override variable; for the secret types `value` is the reference."""

    name: str
    value: str
    type: VariableType = VariableType.PLAINTEXT


class BuildContext(NamedTuple):
    """What the service knows of a build before it runs; the source of the CODEBUILD_* built-ins."""

    build_id: str
    build_arn: str
    build_number: int
    region: str
    start_time: datetime
    project_arn: str = ""
    image: str = ""
    initiator: str = ""
    source_version: str = ""
    source_repo_url: str = ""
    resolved_source_version: str | None = None
    kms_key_id: str = ""
    log_path: str = ""
    batch_identifier: str | None = None
    extra: Mapping[str, str] = MappingProxyType({})


def builtin_variables(context: BuildContext, src_dir: str) -> dict[str, str]:
    """The built-in variables of spec §10 (CODEBUILD_RESOLVED_SOURCE_VERSION only once it is known)."""
    values = {
        "AWS_REGION": context.region,
        "AWS_DEFAULT_REGION": context.region,
        "CODEBUILD_BUILD_ARN": context.build_arn,
        "CODEBUILD_BUILD_ID": context.build_id,
        "CODEBUILD_BUILD_IMAGE": context.image,
        "CODEBUILD_BUILD_NUMBER": str(context.build_number),
        "CODEBUILD_BUILD_SUCCEEDING": "1",
        "CODEBUILD_INITIATOR": context.initiator,
        "CODEBUILD_KMS_KEY_ID": context.kms_key_id,
        "CODEBUILD_LOG_PATH": context.log_path,
        "CODEBUILD_PROJECT_ARN": context.project_arn,
        "CODEBUILD_SOURCE_REPO_URL": context.source_repo_url,
        "CODEBUILD_SOURCE_VERSION": context.source_version,
        "CODEBUILD_SRC_DIR": src_dir,
        "CODEBUILD_START_TIME": str(int(context.start_time.timestamp() * 1000)),
    }
    if context.resolved_source_version is not None:
        values["CODEBUILD_RESOLVED_SOURCE_VERSION"] = context.resolved_source_version
    if context.batch_identifier is not None:
        values["CODEBUILD_BATCH_BUILD_IDENTIFIER"] = context.batch_identifier
    values.update(context.extra)
    return values


def layered(
    builtins: Mapping[str, str], layers: Sequence[Mapping[str, str]]
) -> tuple[dict[str, str], list[str]]:
    """The built-ins overlaid by each layer in turn (lowest precedence first), values taken literally.

    User variables named CODEBUILD_* are reserved and ignored; their names are answered for a warning."""
    environment = dict(builtins)
    ignored: list[str] = []
    for layer in layers:
        for name, value in layer.items():
            if name.startswith(RESERVED_PREFIX):
                ignored.append(name)
            else:
                environment[name] = value
    return environment, ignored
