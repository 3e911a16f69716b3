"""The docker SDK is imported only by a build that runs in a container, never at start-up."""

from __future__ import annotations

import subprocess
import sys

MODULES = (
    "codeyard.cli.main",
    "codeyard.cli.build",
    "codeyard.cli.runner",
    "codeyard.runner.loop",
    "codeyard.runner.executor_choice",
    "codeyard.runner.engine.container",
)


def _imports_docker(code: str) -> str:
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return result.stdout.strip()


def test_no_start_up_module_imports_docker() -> None:
    imports = "; ".join(f"import {module}" for module in MODULES)
    assert _imports_docker(f"import sys; {imports}; print('docker' in sys.modules)") == "False"


def test_the_container_engine_imports_it_when_first_used() -> None:
    code = (
        "import sys; from codeyard.runner.engine.container_engine import _docker; "
        "_docker(); print('docker' in sys.modules)"
    )
    assert _imports_docker(code) == "True"
