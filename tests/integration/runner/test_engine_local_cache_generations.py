"""A LOCAL cache and InvalidateProjectCache on the runner: a build started before the project's cache
was reset saves nothing over the newer cache, and its log says why."""

from __future__ import annotations

from pathlib import Path

from codeyard.runner.build_cache import CUSTOM_MODE, SOURCE_MODE, BuildCache
from codeyard.runner.engine.executors import HostExecutor
from codeyard.runner.engine.hooks import BuildHooks
from codeyard.runner.local_cache import LocalCache
from tests.integration.runner.build_helper import run_build
from tests.integration.runner.test_engine_sandbox_absolute_paths import _loader

ARN = "arn:aws:codebuild:us-east-1:000000000000:project/demo"
SPEC = """
version: 0.2
phases:
  build:
    commands:
      - git init -q . && mkdir -p deps && echo stale > deps/a.txt
cache:
  paths: ['deps/**/*']
"""


def test_a_build_of_an_older_generation_says_it_saves_nothing(tmp_path: Path) -> None:
    root = tmp_path / "cache"
    newer = tmp_path / "newer"
    (newer / "deps").mkdir(parents=True)
    (newer / "deps" / "a.txt").write_text("new\n")
    assert LocalCache(root, ARN, generation=2).save_custom(["deps/**/*"], newer)
    notes: list[str] = []

    async def note(line: str) -> None:
        notes.append(line)

    cache = BuildCache(
        "LOCAL",
        [SOURCE_MODE, CUSTOM_MODE],
        "demo",
        local_root=root,
        remote=None,
        note=note,
        generation=1,
        project_arn=ARN,
    )
    hooks = BuildHooks(load_buildspec=_loader(SPEC), upload_artifacts=cache.save)
    build = run_build(tmp_path, None, hooks, executor=HostExecutor(tmp_path / "builds"))

    assert str(build.ended.status) == "SUCCEEDED", build.log
    assert notes == [
        "LOCAL cache: nothing saved, the project's cache was reset (InvalidateProjectCache) after this build started"
    ]
    restored = tmp_path / "restored"
    restored.mkdir()
    assert LocalCache(root, ARN, generation=2).restore_custom(restored)
    assert (restored / "deps" / "a.txt").read_text() == "new\n"
    assert not LocalCache(root, ARN, generation=2).restore_source(restored)  # no .git was saved either
