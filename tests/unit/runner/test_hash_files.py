"""codebuild-hash-files: stable, sensitive to what it hashes, and the same as a command."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from codeyard.runner.hash_files import HashFilesError, hash_files, main, write_command


@pytest.fixture
def source(tmp_path: Path) -> Path:
    root = tmp_path / "src"
    (root / "app").mkdir(parents=True)
    (root / "package-lock.json").write_text('{"lockfileVersion": 3}')
    (root / "app" / "requirements.txt").write_text("httpx==0.27\n")
    (root / "app" / "main.py").write_text("print()\n")
    return root


def test_hash_is_stable_and_ordered_by_path(source: Path) -> None:
    first = hash_files(["package-lock.json", "**/requirements.txt"], source)
    assert len(first) == 64
    assert hash_files(["**/requirements.txt", "package-lock.json"], source) == first
    os.utime(source / "package-lock.json", (1_000, 1_000))
    assert hash_files(["package-lock.json", "**/requirements.txt"], source) == first


def test_hash_changes_with_content_names_and_presence(source: Path) -> None:
    before = hash_files(["app/*"], source)
    (source / "app" / "main.py").write_text("print(1)\n")
    after_content = hash_files(["app/*"], source)
    assert after_content != before
    (source / "app" / "main.py").rename(source / "app" / "other.py")
    after_name = hash_files(["app/*"], source)
    assert after_name not in (before, after_content)
    (source / "app" / "new.py").write_text("")
    assert hash_files(["app/*"], source) != after_name


def test_no_matching_file_is_an_error(source: Path) -> None:
    with pytest.raises(HashFilesError, match="no files match"):
        hash_files(["yarn.lock"], source)


def test_main_prints_the_hash_of_the_source_dir(
    source: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("CODEBUILD_SRC_DIR", str(source))
    assert main(["package-lock.json"]) == 0
    assert capsys.readouterr().out.strip() == hash_files(["package-lock.json"], source)
    assert main(["missing"]) == 1
    assert "no files match missing" in capsys.readouterr().err
    assert main([]) == 2


@pytest.mark.parametrize("python", [None, sys.executable], ids=["zipapp", "script"])
def test_command_on_path_gives_the_same_hash(source: Path, tmp_path: Path, python: str | None) -> None:
    command = write_command(tmp_path / "bin", python=python)
    assert command.name == "codebuild-hash-files"
    assert os.access(command, os.X_OK)
    assert zipfile.is_zipfile(command) is (python is None)
    environment = {
        "PATH": f"{command.parent}{os.pathsep}{Path(sys.executable).parent}{os.pathsep}/usr/bin:/bin",
        "CODEBUILD_SRC_DIR": str(source),
        # the build's own Python settings do not reach the script's interpreter
        "PYTHONPATH": str(tmp_path / "elsewhere"),
    }
    (tmp_path / "elsewhere" / "codeyard").mkdir(parents=True)
    (tmp_path / "elsewhere" / "codeyard" / "__init__.py").write_text("raise SystemExit('wrong codeyard')\n")
    result = subprocess.run(
        ["sh", "-c", "echo npm-$(codebuild-hash-files package-lock.json 'app/**/*')"],
        env=environment,
        capture_output=True,
        text=True,
        check=True,
        cwd=tmp_path,
    )
    assert result.stdout.strip() == "npm-" + hash_files(["package-lock.json", "app/**/*"], source)
    assert write_command(tmp_path / "again", python=python).read_bytes() == command.read_bytes()


def test_an_interpreter_path_a_script_cannot_name_gets_the_zipapp(tmp_path: Path) -> None:
    for python in ("/opt/my python/bin/python3", "python3", "/" + "p" * 300):
        assert zipfile.is_zipfile(write_command(tmp_path / "bin", python=python)), python
