"""The layer rules of DESIGN.md, enforced on the import statements of every module."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "src" / "codeyard"

# package prefix -> module prefixes it must never import
FORBIDDEN: dict[str, tuple[str, ...]] = {
    "codeyard.services": (
        "sqlalchemy",
        "alembic",
        "botocore",
        "boto3",
        "starlette",
        "uvicorn",
        "httpx",
        "codeyard.protocol",
        "codeyard.store.sql",
        "codeyard.web",
        "codeyard.git",
        "codeyard.http",
        "codeyard.app",
        "codeyard.cli",
        "codeyard.router",
        "codeyard.admin",
    ),
    "codeyard.protocol": (
        "codeyard.services",
        "codeyard.store",
        "sqlalchemy",
        "codeyard.app",
        "codeyard.cli",
    ),
    "codeyard.http": (
        "codeyard.services",
        "codeyard.store",
        "codeyard.protocol",
        "codeyard.app",
        "codeyard.cli",
    ),
    "codeyard.store": ("codeyard.services", "codeyard.protocol", "codeyard.app", "codeyard.cli", "botocore"),
    "codeyard.store.ports": ("sqlalchemy", "alembic"),
    "codeyard.execution": (
        "codeyard.protocol",
        "codeyard.web",
        "codeyard.app",
        "codeyard.cli",
        "codeyard.runner",
        "botocore",
        "boto3",
    ),
    # The wire messages are imported by the runner and agent: the standard library only.
    "codeyard.execution.messages": ("codeyard", "sqlalchemy", "anyio", "httpx", "yaml"),
    # The curated image list is the runner's too (its executor choice).
    "codeyard.execution.curated_images": ("codeyard", "sqlalchemy", "anyio", "httpx", "yaml"),
    # The lock files' rule is the runner's too (its containers' owners).
    "codeyard.execution.file_locks": ("codeyard", "sqlalchemy", "anyio", "httpx", "yaml"),
    # Where a job's buildspec lives (an S3 ARN, a secondary source's path): the runner reads it too.
    "codeyard.execution.buildspec_location": ("codeyard", "sqlalchemy", "anyio", "httpx", "yaml"),
}
ALLOWED_IN_WORKERS = (
    "codeyard.execution.messages",
    "codeyard.execution.curated_images",
    "codeyard.execution.file_locks",
    "codeyard.execution.buildspec_location",
)


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
    return names


MODULES = sorted(PACKAGE.rglob("*.py"))


@pytest.mark.parametrize("path", MODULES, ids=_module_name)
def test_module_respects_layers(path: Path) -> None:
    module = _module_name(path)
    broken = []
    for imported in _imports(path):
        for layer, forbidden in FORBIDDEN.items():
            if module == layer or module.startswith(layer + "."):
                broken += [imported for f in forbidden if imported == f or imported.startswith(f + ".")]
        if module.startswith(("codeyard.runner", "codeyard.agent")) and imported.startswith("codeyard."):
            own = module.split(".")[1]
            if not imported.startswith(f"codeyard.{own}") and imported not in ALLOWED_IN_WORKERS:
                broken.append(imported)
    assert not broken, f"{module} imports {sorted(set(broken))}, which its layer must not"


def test_every_module_has_a_docstring() -> None:
    missing = [_module_name(p) for p in MODULES if ast.get_docstring(ast.parse(p.read_text())) is None]
    missing = [m for m in missing if not m.endswith("migrations.versions")]
    assert not missing, f"modules without a one-line docstring: {missing}"
