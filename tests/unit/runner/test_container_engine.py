"""The container engine's connection: an address nothing answers on, or one the SDK cannot read, is a
ContainerError saying so (PROVISIONING and `codeyard build` report it), never the SDK's own error."""

from __future__ import annotations

import socket

import pytest

from codeyard.runner.engine.container import container_problem
from codeyard.runner.engine.container_engine import ContainerError, Engine


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])  # nothing listens once it is closed


@pytest.mark.parametrize("kind", ["refused", "unreadable"])
def test_an_engine_address_that_does_not_answer_is_a_container_error(
    kind: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"tcp://127.0.0.1:{_closed_port()}" if kind == "refused" else "bogus:::address"
    with pytest.raises(ContainerError, match=f"the container engine at {url} does not answer: "):
        Engine(url)
    monkeypatch.setenv("DOCKER_HOST", url)
    problem = container_problem()
    assert problem is not None
    assert problem.startswith(f"the container engine at {url} does not answer: ")
