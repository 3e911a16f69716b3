"""Which buildspec values name an S3 object or a secondary source's file."""

from __future__ import annotations

import pytest

from codeyard.execution.buildspec_location import is_s3_arn, secondary_path


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("arn:aws:s3:::bucket/buildspec.yml", True),
        ("arn:aws:s3:::bucket/deep/key with space.yml", True),
        ("  arn:aws:s3:::bucket/key\n", True),
        ("arn:aws:s3:::bucket", False),  # a bucket, no object
        ("arn:aws:s3:::bucket/key\nphases: {}", False),  # YAML text
        ("config/buildspec.yml", False),
        ("version: 0.2\nphases:\n  build:\n    commands: [x]\n", False),
    ],
)
def test_s3_arns(text: str, expected: bool) -> None:
    assert is_s3_arn(text) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("${CODEBUILD_SRC_DIR_tools}/ci/buildspec.yml", ("tools", "ci/buildspec.yml")),
        ("$CODEBUILD_SRC_DIR_src_2/buildspec.yml", ("src_2", "buildspec.yml")),
        ("${CODEBUILD_SRC_DIR}/buildspec.yml", None),  # the primary source
        ("${CODEBUILD_SRC_DIR_tools}", None),  # no file
        ("ci/${CODEBUILD_SRC_DIR_tools}/buildspec.yml", None),
        ("buildspec.yml", None),
    ],
)
def test_secondary_paths(text: str, expected: tuple[str, str] | None) -> None:
    assert secondary_path(text) == expected
