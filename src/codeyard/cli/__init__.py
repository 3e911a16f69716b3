"""The `codeyard` command."""
