"""The linter on files: UTF-8 with or without a byte-order mark, other encodings, errors or warnings."""

from __future__ import annotations

from pathlib import Path

import pytest

from codeyard.runner.buildspec.lint import has_errors, lint_file

CLEAN = "version: 0.2\nphases:\n  build:\n    commands:\n      - make\n"


def test_a_clean_file_and_one_with_a_byte_order_mark(tmp_path: Path) -> None:
    plain, marked = tmp_path / "plain.yml", tmp_path / "marked.yml"
    plain.write_text(CLEAN, encoding="utf-8")
    marked.write_bytes(b"\xef\xbb\xbf" + CLEAN.encode())
    assert lint_file(plain) == []
    assert lint_file(marked) == []


def test_problems_carry_the_name_given(tmp_path: Path) -> None:
    path = tmp_path / "bs.yml"
    path.write_text(CLEAN + "      - 7\n")
    [problem] = lint_file(path, "bs.yml")
    assert (
        str(problem)
        == "bs.yml:6:9: error: YAML reads this command in `commands` of phase `build` as a number, not text (quote it: - '7')"
    )
    assert has_errors([problem])


def test_warnings_are_not_errors(tmp_path: Path) -> None:
    path = tmp_path / "bs.yml"
    path.write_text(CLEAN + "      -\n")
    problems = lint_file(path)
    assert [p.severity for p in problems] == ["warning"]
    assert not has_errors(problems)


def test_latin1_is_a_problem_and_a_missing_file_an_oserror(tmp_path: Path) -> None:
    path = tmp_path / "bs.yml"
    path.write_bytes(b"version: 0.2\nenv:\n  variables:\n    CITY: M\xfcnchen\n")
    [problem] = lint_file(path, "bs.yml")
    assert (problem.line, problem.message) == (4, "not UTF-8 text")
    with pytest.raises(OSError, match="No such file"):
        lint_file(tmp_path / "missing.yml")
