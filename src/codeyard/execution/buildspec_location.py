"""Where a buildspec named by a project's `source.buildspec` (or `buildspecOverride`) lives when it
is not inline: an S3 object ARN, a path in a secondary source, or a path in the primary source."""

from __future__ import annotations

import re

S3_PREFIX = "arn:aws:s3:::"
# The largest buildspec read from an object or a file (CodeBuild's own limit is not documented).
MAX_BUILDSPEC_BYTES = 1 << 20
_S3_ARN = re.compile(r"arn:aws:s3:::[^/\n]+/[^\n]+")
# ${CODEBUILD_SRC_DIR_<id>}/path or $CODEBUILD_SRC_DIR_<id>/path
_SECONDARY = re.compile(r"\$(?:\{CODEBUILD_SRC_DIR_(\w+)\}|CODEBUILD_SRC_DIR_(\w+))/(.+)")


def is_s3_arn(text: str) -> bool:
    """True when the buildspec is named by an S3 object's ARN (arn:aws:s3:::bucket/key)."""
    return _S3_ARN.fullmatch(text.strip()) is not None


def secondary_path(text: str) -> tuple[str, str] | None:
    """(source identifier, path inside that source) when the buildspec is named by a path in a
    secondary source; None otherwise."""
    found = _SECONDARY.fullmatch(text.strip())
    if found is None:
        return None
    return found.group(1) or found.group(2), found.group(3)
