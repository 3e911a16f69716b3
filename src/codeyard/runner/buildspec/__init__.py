"""Buildspec files: the typed model, the parser with file/line/column errors, and the linter."""
