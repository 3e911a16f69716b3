"""Allow `python -m codeyard`."""

import gc

# Off while the modules load (they make many objects and free almost none); main() turns it back on.
gc.disable()

from codeyard.cli.main import main  # noqa: E402

raise SystemExit(main())
