"""`codeyard lint` as a user runs it: output lines, exit status 0, 1 or 2."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

CODEYARD = [sys.executable, "-m", "codeyard"]
CLEAN = "version: 0.2\nphases:\n  build:\n    commands:\n      - make\n"


def lint(*files: Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*CODEYARD, "lint", *(str(f) for f in files)],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_a_clean_buildspec(tmp_path: Path) -> None:
    (tmp_path / "buildspec.yml").write_text(CLEAN)
    result = lint(Path("buildspec.yml"), cwd=tmp_path)
    assert (result.returncode, result.stdout) == (0, "")
    assert "1 file(s) checked: 0 error(s), 0 warning(s)" in result.stderr


def test_errors_and_warnings_of_several_files(tmp_path: Path) -> None:
    (tmp_path / "a.yml").write_text("version: 0.2\nphases:\n  build:\n    Commands:\n      - make\n")
    (tmp_path / "b.yml").write_text(CLEAN + "      -\n")
    result = lint(Path("a.yml"), Path("b.yml"), cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        "a.yml:4:5: error: unknown key `Commands` in phase `build` (did you mean `commands`?)",
        "b.yml:6:8: warning: empty command in `commands` of phase `build`; it is skipped (remove the bare `-`)",
    ]


def test_warnings_alone_exit_zero(tmp_path: Path) -> None:
    (tmp_path / "b.yml").write_text(CLEAN + "      -\n")
    result = lint(Path("b.yml"), cwd=tmp_path)
    assert result.returncode == 0
    assert result.stdout.startswith("b.yml:6:8: warning:")


def test_an_unreadable_file_exits_2(tmp_path: Path) -> None:
    (tmp_path / "a.yml").write_text("version: 0.2\n")
    result = lint(Path("a.yml"), Path("missing.yml"), cwd=tmp_path)
    assert result.returncode == 2
    assert "missing.yml: error: cannot read: No such file or directory" in result.stderr
    assert (
        result.stdout == "a.yml:1:1: error: `phases` is missing (a buildspec needs `phases` (or a `batch`))\n"
    )


def test_a_file_that_is_not_utf8(tmp_path: Path) -> None:
    (tmp_path / "a.yml").write_bytes(b"version: 0.2\n# caf\xe9\n")
    result = lint(Path("a.yml"), cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout == "a.yml:2:0: error: not UTF-8 text (save the file as UTF-8)\n"
