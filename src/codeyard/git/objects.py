"""Reading and writing git objects for the CodeCommit API: files, folders, blobs, commits, diffs."""

from __future__ import annotations

from codeyard.git.base import GitStorageBase


class ObjectStorage(GitStorageBase):
    """Implements store.ports.git_objects.GitObjects."""
