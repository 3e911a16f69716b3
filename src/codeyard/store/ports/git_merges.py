"""Merges as the CodeCommit API asks for them (implemented in codeyard.git.merges)."""

from __future__ import annotations

from typing import Protocol


class GitMerges(Protocol):
    """Merge options, conflicts and merge commits of one repository at a time."""
