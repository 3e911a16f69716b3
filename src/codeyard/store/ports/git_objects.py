"""Git objects as the CodeCommit API reads and writes them (implemented in codeyard.git.objects)."""

from __future__ import annotations

from typing import Protocol


class GitObjects(Protocol):
    """Files, folders, blobs, commits and differences of one repository at a time."""
