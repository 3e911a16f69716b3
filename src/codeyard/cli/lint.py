"""`codeyard lint FILE…`: every problem of each buildspec as FILE:LINE:COL lines; the exit status says if any is an error."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

EXIT_CLEAN = 0
EXIT_ERRORS = 1
EXIT_UNREADABLE = 2


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """The `lint` subcommand and its arguments."""
    lint = commands.add_parser("lint", help="check buildspec files: every problem with its line and a hint")
    lint.add_argument("files", nargs="+", type=Path, metavar="FILE", help="buildspec files to check")


def run(files: list[Path]) -> int:
    """Lint every file; 0 when clean or only warnings, 1 on any error, 2 when a file cannot be read."""
    # Imported here: every other command starts without the parser and PyYAML.
    from codeyard.runner.buildspec.lint import has_errors, lint_file
    from codeyard.runner.buildspec.problems import Severity

    status = EXIT_CLEAN
    errors = warnings = 0
    for path in files:
        try:
            problems = lint_file(path)
        except OSError as error:
            print(f"{path}: error: cannot read: {error.strerror or error}", file=sys.stderr)
            status = EXIT_UNREADABLE
            continue
        for problem in problems:
            print(problem)
        errors += sum(problem.severity is Severity.ERROR for problem in problems)
        warnings += sum(problem.severity is Severity.WARNING for problem in problems)
        if has_errors(problems) and status == EXIT_CLEAN:
            status = EXIT_ERRORS
    print(f"{len(files)} file(s) checked: {errors} error(s), {warnings} warning(s)", file=sys.stderr)
    return status
