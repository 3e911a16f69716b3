"""ListCuratedEnvironmentImages: the curated images Codeyard's runners accept, by platform and language."""

from __future__ import annotations

from typing import Any

from codeyard.accounts import RequestContext
from codeyard.execution.curated_images import CURATED_IMAGES
from codeyard.services.codebuild.base import CodeBuildBase


class EnvironmentImagesMixin(CodeBuildBase):
    def list_curated_environment_images(self, ctx: RequestContext) -> dict[str, Any]:
        platforms: dict[str, dict[str, list[dict[str, Any]]]] = {}
        for image in CURATED_IMAGES:
            languages = platforms.setdefault(image.platform, {})
            languages.setdefault(image.language, []).append(
                {"name": image.name, "description": image.description, "versions": []}
            )
        return {
            "platforms": [
                {
                    "platform": platform,
                    "languages": [
                        {"language": language, "images": images} for language, images in languages.items()
                    ],
                }
                for platform, languages in platforms.items()
            ]
        }
