"""The arguments of `codeyard build`, kept apart so that other commands start without the engine."""

from __future__ import annotations

import argparse
import re
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from codeyard.runner.engine.environment import EnvironmentVariable

DEFAULT_TIMEOUT_MINUTES = 60
_VARIABLE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """The `build` subcommand and its arguments."""
    build = commands.add_parser(
        "build", help="run a buildspec in the current directory with the real engine (no server, no Docker)"
    )
    build.add_argument(
        "-b", "--buildspec", type=Path, help="the buildspec (default: buildspec.yml in the source)"
    )
    build.add_argument("--source", type=Path, help="the source directory (default: the current directory)")
    build.add_argument(
        "--in-place", action="store_true", help="run in the source directory itself instead of a copy of it"
    )
    build.add_argument(
        "--env",
        action="append",
        default=[],
        type=_variable,
        metavar="K=V",
        help="a PLAINTEXT variable (repeatable)",
    )
    build.add_argument("--executor", choices=("host", "sandbox", "container"), default="host")
    build.add_argument(
        "--image", help="the build image (CODEBUILD_BUILD_IMAGE; the container executor's image)"
    )
    build.add_argument("--artifacts", type=Path, metavar="DIR", help="write the artifacts into DIR")
    build.add_argument(
        "--packaging", choices=("ZIP", "NONE"), default="ZIP", help="artifacts as ZIPs or directories"
    )
    build.add_argument(
        "--reports", type=Path, metavar="DIR", help="write each report group's report as JSON into DIR"
    )
    build.add_argument("--timeout", type=_minutes, default=DEFAULT_TIMEOUT_MINUTES, metavar="MINUTES")
    build.add_argument(
        "--endpoint-url",
        help="a Codeyard server that resolves parameter-store and secrets-manager references "
        "(AWS_ENDPOINT_URL; credentials from AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY)",
    )
    build.add_argument("-q", "--quiet", action="store_true", help="print only the summary")


def _variable(text: str) -> EnvironmentVariable:
    # Imported here: other commands start without the engine.
    from codeyard.runner.engine.environment import EnvironmentVariable

    name, equals, value = text.partition("=")
    if not equals or not _VARIABLE.fullmatch(name):
        raise argparse.ArgumentTypeError(f"expected NAME=VALUE, not {text!r}")
    return EnvironmentVariable(name, value)


def _minutes(text: str) -> float:
    try:
        minutes = float(text)
    except ValueError:
        minutes = 0.0
    if minutes <= 0:
        raise argparse.ArgumentTypeError(f"expected a positive number of minutes, not {text!r}")
    return minutes
