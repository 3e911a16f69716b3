"""A keyed S3-type cache shared by two projects: a host build restores only the absolute entries its
own cache paths select, whatever the archive another build saved holds."""

from __future__ import annotations

from pathlib import Path

from tests.integration.runner.builds_support import finished, log_text, no_source_project
from tests.support.server import Server


def _spec(paths: list[str], commands: list[str]) -> str:
    lines = "".join(f"      - {command}\n" for command in commands)
    listed = "".join(f"    - {path}\n" for path in paths)
    return f"version: 0.2\nphases:\n  build:\n    commands:\n{lines}cache:\n  key: shared\n  paths:\n{listed}"


def test_a_host_build_restores_only_the_absolute_entries_its_cache_paths_name(
    server: Server, tmp_path: Path
) -> None:
    wanted, other = tmp_path / "wanted", tmp_path / "other"
    cache = {"type": "S3", "location": "cache-bucket/shared"}
    saver = _spec(
        [f"{wanted}/**/*", f"{other}/**/*"],
        [f"mkdir -p {wanted} {other}", f"echo jar > {wanted}/lib.jar", f"echo planted > {other}/planted"],
    )
    no_source_project(server, "saver", saver, cache=cache)
    no_source_project(server, "reader", _spec([f"{wanted}/**/*"], ["echo reading"]), cache=cache)
    codebuild = server.client("codebuild")
    saved = finished(server, codebuild.start_build(projectName="saver")["build"]["id"])
    assert saved["buildStatus"] == "SUCCEEDED", saved["phases"]
    assert "S3 cache with key shared saved" in log_text(server, saved["id"])
    (wanted / "lib.jar").unlink()
    (other / "planted").unlink()

    read = finished(server, codebuild.start_build(projectName="reader")["build"]["id"])

    assert read["buildStatus"] == "SUCCEEDED", read["phases"]
    assert (wanted / "lib.jar").read_text() == "jar\n"
    assert list(other.iterdir()) == []
    text = log_text(server, read["id"])
    assert "S3 cache restored from key shared" in text
    assert (
        f"Cache entry {other}/planted is not restored: no cache path of this build selects it inside "
        "the build's own directories"
    ) in text
