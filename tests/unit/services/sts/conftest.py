"""STS unit tests share the IAM world: a real SQLite store, a fake clock and seeded ids."""

from __future__ import annotations

from tests.unit.services.iam.conftest import World, world

__all__ = ["World", "world"]
