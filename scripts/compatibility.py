"""Print docs/compatibility.md: the operations of every spoken service, implemented or not.

    .venv/bin/python scripts/compatibility.py > docs/compatibility.md     (or: make docs)

It reads the botocore models and the service classes; it starts no server and opens no database.
"""

from __future__ import annotations

import sys

from codeyard.cli.compatibility import render


def main() -> int:
    sys.stdout.write(render())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
