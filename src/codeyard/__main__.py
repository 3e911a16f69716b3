"""Allow `python -m codeyard`."""

from codeyard.cli.main import main

raise SystemExit(main())
