"""The runner runs every CodeBuild image (aws/codebuild/..., the curated list and the rest) on its default executor."""

from __future__ import annotations

from codeyard.execution.curated_images import CURATED_IMAGES
from codeyard.runner.engine.container import DEFAULT_IMAGE, container_image, managed_image


def test_every_listed_image_and_its_dated_versions_run_as_codebuilds_own() -> None:
    for image in CURATED_IMAGES:
        assert managed_image(image.name)
        assert managed_image(f"{image.name}-24.10.29")
        assert container_image(image.name) == DEFAULT_IMAGE


def test_an_unlisted_codebuild_image_still_runs_as_codebuilds_own() -> None:
    for image in ("aws/codebuild/standard:4.0", "aws/codebuild/windows-base:2019-3.0"):
        assert managed_image(image)
        assert container_image(image) == DEFAULT_IMAGE


def test_any_other_image_runs_as_a_container_of_itself() -> None:
    for image in (
        "node:20",
        "public.ecr.aws/codebuild/amazonlinux2-x86_64-standard:5.0",
        "codebuild/standard:7.0",
    ):
        assert not managed_image(image)
        assert container_image(image) == image
