"""The runner tests' fixtures: one Podman API service per test session, for the container executor."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from tests.support.podman import PodmanService, podman_problem


@pytest.fixture(scope="session")
def podman() -> Iterator[PodmanService]:
    """A running Podman service with the base image. Skips loudly only where podman is not installed
    (fails in CI, whose `make test` installs it); a missing base image is a failure."""
    problem = podman_problem()
    if problem is not None:
        if os.environ.get("CI"):
            pytest.fail(f"the container executor cannot run on this CI machine: {problem}")
        pytest.skip(f"PODMAN UNAVAILABLE, the container tests did not run: {problem}")
    service = PodmanService().start()
    try:
        if not service.engine.has_image(service.image):
            pytest.fail(f"the base image {service.image} is missing: run scripts/base-image.sh as root")
        yield service
    finally:
        service.stop()
