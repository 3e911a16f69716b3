"""The runner's executor choice takes CodeBuild's images from the curated list the API answers."""

from __future__ import annotations

from codeyard.execution.curated_images import CURATED_IMAGES
from codeyard.runner.engine.container import DEFAULT_IMAGE, container_image, managed_image


def test_every_listed_image_and_its_dated_versions_run_as_curated() -> None:
    for image in CURATED_IMAGES:
        assert managed_image(image.name)
        assert managed_image(f"{image.name}-24.10.29")
        assert container_image(image.name) == DEFAULT_IMAGE


def test_an_unlisted_image_runs_as_a_container_of_itself() -> None:
    for image in ("aws/codebuild/standard:1.0", "aws/codebuild/windows-base:2019-3.0", "node:20"):
        assert not managed_image(image)
        assert container_image(image) == image
