"""codebuild-hash-files: one SHA-256 over the files that glob patterns select, as a function and a command."""

from __future__ import annotations

import os
import stat
import sys
from collections.abc import Sequence
from pathlib import Path

COMMAND = "codebuild-hash-files"
_CHUNK = 1 << 20
# the command runs inside the build environment, which has Python but not always Codeyard (a container
# has not): there it is a zipapp of this module and the glob matcher, the only modules it needs
_APP_MODULES = ("globs.py", "hash_files.py")
_APP_MAIN = b"import sys\nfrom codeyard.runner.hash_files import main\nsys.exit(main())\n"


class HashFilesError(Exception):
    """No file matches, or a pattern cannot be used."""


def hash_files(patterns: Sequence[str], root: Path, *, filesystem_root: Path = Path("/")) -> str:
    """The hex SHA-256 of the lines '<sha256 of the content>  <path>' of every selected file, by path.

    Paths are relative to root (absolute patterns: below the filesystem root), so the value changes
    when a file's content, name or presence changes, and nothing else.
    """
    # Imported here, not above: every build writes the command (write_command), few run it.
    import hashlib

    from codeyard.runner.globs import GlobError, compile_glob, select, select_absolute

    try:
        globs = [compile_glob(p) for p in patterns]
    except GlobError as error:
        raise HashFilesError(str(error)) from error
    files = {
        f.relative: f.real for f in select(root, [g for g in globs if not g.absolute]).found if not f.is_dir
    }
    for glob in (g for g in globs if g.absolute):
        files.update(
            {"/" + f.relative: f.real for f in select_absolute(filesystem_root, glob).found if not f.is_dir}
        )
    if not files:
        raise HashFilesError(f"no files match {' '.join(patterns)}")
    digest = hashlib.sha256()
    for name in sorted(files):
        content = hashlib.sha256()
        with open(files[name], "rb") as source:
            while chunk := source.read(_CHUNK):
                content.update(chunk)
        digest.update(f"{content.hexdigest()}  {name}\n".encode())
    return digest.hexdigest()


def main(argv: Sequence[str] | None = None) -> int:
    """The command: patterns as arguments, relative to $CODEBUILD_SRC_DIR (else the current directory)."""
    patterns = list(sys.argv[1:] if argv is None else argv)
    if not patterns:
        print(f"usage: {COMMAND} <glob>...", file=sys.stderr)
        return 2
    root = Path(os.environ.get("CODEBUILD_SRC_DIR") or os.getcwd())
    try:
        print(hash_files(patterns, root))
    except HashFilesError as error:
        print(f"{COMMAND}: {error}", file=sys.stderr)
        return 1
    return 0


def write_command(directory: Path, *, python: str | None = None) -> Path:
    """Write the executable command into a directory the engine puts on PATH; returns its path.

    With `python`, an interpreter of this host that has Codeyard (builds that run on the host), the
    command is a script that it runs, isolated from the build's PYTHON* variables; else, or when that
    path cannot stand in a script's first line, a zipapp that any python3 runs."""
    directory.mkdir(parents=True, exist_ok=True)
    target = directory / COMMAND
    if python is not None and _fits_a_shebang(python):
        target.write_bytes(f"#!{python} -I\n".encode() + _APP_MAIN)
    else:
        _write_zipapp(target)
    target.chmod(stat.S_IRWXU | stat.S_IRGRP | stat.S_IXGRP | stat.S_IROTH | stat.S_IXOTH)
    return target


def _fits_a_shebang(path: str) -> bool:
    """An absolute path the kernel reads whole from a `#!` line: no whitespace, well under its limit."""
    return os.path.isabs(path) and len(path) <= 200 and not any(c.isspace() for c in path)


def _write_zipapp(target: Path) -> None:
    # Imported here: a build on the host (codeyard build) writes the script instead, without zipfile.
    import zipfile

    here = Path(__file__).parent
    entries = [
        ("__main__.py", _APP_MAIN),
        ("codeyard/__init__.py", b""),
        ("codeyard/runner/__init__.py", b""),
        *((f"codeyard/runner/{module}", (here / module).read_bytes()) for module in _APP_MODULES),
    ]
    with open(target, "wb") as out:
        out.write(b"#!/usr/bin/env python3\n")
        with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as app:
            for name, data in entries:
                info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
                info.compress_type = zipfile.ZIP_DEFLATED
                app.writestr(info, data)
