"""Tests of the buildspec model, parser and linter."""
