"""The sandbox tests' shared parts: the check that sandboxes run here, and a sandbox executor."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from codeyard.runner.engine.executors import Executor
from codeyard.runner.engine.sandbox import SandboxExecutor, sandbox_problem


@pytest.fixture(scope="module")
def sandbox_runs() -> None:
    """Skips loudly where bwrap cannot run (no user namespaces for a non-root runner); fails in CI,
    whose `make test` installs bubblewrap."""
    problem = sandbox_problem()
    if problem is not None:
        if os.environ.get("CI"):
            pytest.fail(f"the sandbox executor cannot run on this CI machine: {problem}")
        pytest.skip(f"SANDBOX UNAVAILABLE, its tests did not run: {problem}")


def sandbox(tmp_path: Path) -> Executor:
    """A sandbox executor with the default options, its workspaces under `tmp_path`."""
    return SandboxExecutor(tmp_path / "builds")
