"""The AWS CLI v2 (Debian's `awscli`) for the commands the project's v1 lacks, such as `aws logs tail`."""

from __future__ import annotations

import functools
import os
import subprocess
from pathlib import Path


@functools.cache
def aws_v2() -> Path | None:
    """An AWS CLI v2 on PATH; None when there is none."""
    for folder in os.get_exec_path():
        candidate = Path(folder) / "aws"
        if not os.access(candidate, os.X_OK):
            continue
        try:
            version = subprocess.run(
                [str(candidate), "--version"], capture_output=True, text=True, timeout=60, check=False
            )
        except (OSError, subprocess.TimeoutExpired):
            continue
        if (version.stdout + version.stderr).startswith("aws-cli/2."):
            return candidate
    return None
