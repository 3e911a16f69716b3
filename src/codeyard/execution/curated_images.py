"""The curated images: CodeBuild's own images (aws/codebuild/...) that Codeyard's runners accept.

They only exist in AWS, so a runner runs a build of any `aws/codebuild/` image (PREFIX) on its
default executor (a container of its base image when that is `container`): the listed ones, and the
older or newer ones a project may still name. ListCuratedEnvironmentImages answers this list.
Standard library only: the runner imports it."""

from __future__ import annotations

from dataclasses import dataclass

PREFIX = "aws/codebuild/"


@dataclass(frozen=True)
class CuratedImage:
    platform: str  # the API's PlatformType
    language: str  # the API's LanguageType
    name: str
    description: str


CURATED_IMAGES: tuple[CuratedImage, ...] = (
    CuratedImage("UBUNTU", "BASE", "aws/codebuild/standard:5.0", "Ubuntu 20.04, standard 5.0"),
    CuratedImage("UBUNTU", "BASE", "aws/codebuild/standard:6.0", "Ubuntu 22.04, standard 6.0"),
    CuratedImage("UBUNTU", "BASE", "aws/codebuild/standard:7.0", "Ubuntu 22.04, standard 7.0"),
    CuratedImage(
        "AMAZON_LINUX",
        "BASE",
        "aws/codebuild/amazonlinux2-x86_64-standard:4.0",
        "Amazon Linux 2 x86_64, standard 4.0",
    ),
    CuratedImage(
        "AMAZON_LINUX",
        "BASE",
        "aws/codebuild/amazonlinux2-x86_64-standard:5.0",
        "Amazon Linux x86_64, standard 5.0",
    ),
    CuratedImage(
        "AMAZON_LINUX",
        "BASE",
        "aws/codebuild/amazonlinux-x86_64-standard:5.0",
        "Amazon Linux 2023 x86_64, standard 5.0",
    ),
    CuratedImage(
        "AMAZON_LINUX",
        "BASE",
        "aws/codebuild/amazonlinux2-aarch64-standard:2.0",
        "Amazon Linux 2 aarch64, standard 2.0",
    ),
    CuratedImage(
        "AMAZON_LINUX",
        "BASE",
        "aws/codebuild/amazonlinux2-aarch64-standard:3.0",
        "Amazon Linux 2 aarch64, standard 3.0",
    ),
    CuratedImage(
        "AMAZON_LINUX",
        "BASE",
        "aws/codebuild/amazonlinux-aarch64-standard:3.0",
        "Amazon Linux 2023 aarch64, standard 3.0",
    ),
)
