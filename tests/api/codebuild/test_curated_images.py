"""ListCuratedEnvironmentImages answers the curated images the runners accept, from their one list."""

from __future__ import annotations

import json

from codeyard.execution.curated_images import CURATED_IMAGES, PREFIX
from tests.support.server import Server


def test_the_answer_is_the_runners_list_by_platform_and_language(server: Server) -> None:
    platforms = server.client("codebuild").list_curated_environment_images()["platforms"]
    answered = [
        (p["platform"], language["language"], image["name"])
        for p in platforms
        for language in p["languages"]
        for image in language["images"]
    ]
    assert sorted(answered) == sorted((i.platform, i.language, i.name) for i in CURATED_IMAGES)
    names = {name for _, _, name in answered}
    assert {"aws/codebuild/standard:7.0", "aws/codebuild/amazonlinux-x86_64-standard:5.0"} <= names
    assert all(name.startswith(PREFIX) for name in names)


def test_through_the_aws_cli(server: Server) -> None:
    answer = json.loads(server.aws("codebuild", "list-curated-environment-images").stdout)
    ubuntu = next(p for p in answer["platforms"] if p["platform"] == "UBUNTU")
    assert "aws/codebuild/standard:7.0" in [i["name"] for lang in ubuntu["languages"] for i in lang["images"]]
