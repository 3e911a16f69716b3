"""Absolute cache paths follow the workspace's rules, as the artifacts' do: on the host any path, in a
sandbox only the build's own directories, in a container only its bound directories (by their container
paths); what is outside is left out with a note, and a restore writes nowhere else."""

from __future__ import annotations

import io
import shutil
import tarfile
from pathlib import Path

import pytest

from codeyard.runner.build_cache import CUSTOM_MODE, SOURCE_MODE, BuildCache
from codeyard.runner.cache import DirectoryCacheStore
from codeyard.runner.engine.container import ContainerExecutor
from codeyard.runner.engine.executors import Executor, HostExecutor
from codeyard.runner.engine.hooks import BuildHooks
from codeyard.runner.engine.sandbox import sandbox_problem
from codeyard.runner.local_cache import directory_name
from tests.integration.runner.build_helper import Build, run_build
from tests.integration.runner.sandbox_helper import sandbox
from tests.integration.runner.test_engine_sandbox_absolute_paths import _loader
from tests.support.podman import PodmanService


class Cached:
    """A LOCAL custom cache of project `demo` in `tmp_path/cache`, and the notes it logged."""

    def __init__(self, tmp_path: Path) -> None:
        self.root = tmp_path / "cache"
        self.notes: list[str] = []

    async def note(self, line: str) -> None:
        self.notes.append(line)

    def build(self, tmp_path: Path, text: str, executor: Executor) -> Build:
        cache = BuildCache("LOCAL", [CUSTOM_MODE], "demo", local_root=self.root, remote=None, note=self.note)
        hooks = BuildHooks(
            load_buildspec=_loader(text), restore_cache=cache.restore, upload_artifacts=cache.save
        )
        return run_build(tmp_path, None, hooks, executor=executor)

    def names(self) -> list[str]:
        stream = DirectoryCacheStore(self.root / directory_name("demo")).open("custom")
        assert stream is not None
        with stream, tarfile.open(fileobj=io.BytesIO(stream.read())) as archive:
            return archive.getnames()


def test_the_host_caches_and_restores_absolute_paths_anywhere(tmp_path: Path) -> None:
    deps = tmp_path / "host-deps"
    text = f"""
version: 0.2
phases:
  build:
    commands:
      - if [ -f {deps}/a.txt ]; then echo "restored $(cat {deps}/a.txt)"; else mkdir -p {deps} && echo one > {deps}/a.txt; fi
cache:
  paths: ['{deps}/**/*']
"""
    cached = Cached(tmp_path)
    first = cached.build(tmp_path, text, HostExecutor(tmp_path / "builds"))
    assert str(first.ended.status) == "SUCCEEDED", first.log
    assert cached.names() == [f"abs{deps}/a.txt"]
    shutil.rmtree(deps)
    second = cached.build(tmp_path, text, HostExecutor(tmp_path / "builds"))
    assert second.output == ["restored one"]
    assert not [note for note in cached.notes if "left out" in note]


def test_a_sandbox_caches_absolute_paths_of_its_own_directories_only(tmp_path: Path) -> None:
    problem = sandbox_problem()
    if problem is not None:
        pytest.skip(f"SANDBOX UNAVAILABLE: {problem}")
    text = """
version: 0.2
phases:
  build:
    commands:
      - ls deps 2>/dev/null || echo "no deps"
      - mkdir -p deps && echo one > deps/a.txt
cache:
  paths: ['{src}/deps/**/*', '/etc/hostname']
"""
    cached = Cached(tmp_path)
    first = cached.build(tmp_path, text, sandbox(tmp_path))
    assert str(first.ended.status) == "SUCCEEDED", first.log
    assert "Cache path /etc/hostname is left out: outside the build's own directories" in cached.notes
    [name] = cached.names()
    assert name.startswith("abs/")
    assert name.endswith("/src/deps/a.txt")
    # the next build has a workspace of its own: the first one's source directory is not among its
    # directories, so that entry is not restored (and nothing is written where it was)
    second = cached.build(tmp_path, text, sandbox(tmp_path))
    assert second.output[0] == "no deps"
    assert not Path(name[len("abs") :]).exists()


def test_a_container_caches_absolute_paths_of_its_bound_directories(
    podman: PodmanService, tmp_path: Path
) -> None:
    text = """
version: 0.2
phases:
  build:
    commands:
      - cat deps/a.txt /root/.m2/b.txt 2>/dev/null || echo "nothing cached"
      - mkdir -p deps /root/.m2 && echo one > deps/a.txt && echo two > /root/.m2/b.txt
cache:
  paths: [/codebuild/output/src/deps/**/*, /root/.m2/**/*]
"""
    cached = Cached(tmp_path)

    def executor() -> ContainerExecutor:
        return ContainerExecutor(tmp_path / "builds", podman.image, engine=podman.engine)

    first = cached.build(tmp_path, text, executor())
    assert str(first.ended.status) == "SUCCEEDED", first.log
    assert first.output == ["nothing cached"]
    assert cached.names() == ["abs/codebuild/output/src/deps/a.txt"]
    assert "Cache path /root/.m2/**/* is left out: outside the build's own directories" in cached.notes
    second = cached.build(tmp_path, text, executor())
    assert str(second.ended.status) == "SUCCEEDED", second.log
    assert second.output == ["one", "nothing cached"]  # deps restored through the view, .m2 not cached
    assert podman.containers_using(tmp_path) == []


def test_cache_paths_are_checked_only_when_they_are_archived(tmp_path: Path) -> None:
    problem = sandbox_problem()
    if problem is not None:
        pytest.skip(f"SANDBOX UNAVAILABLE: {problem}")
    # the source cache keeps .git whatever cache.paths say; they are looked at only by a custom save
    text = """
version: 0.2
phases:
  build:
    commands:
      - git init -q . && mkdir -p deps && echo one > deps/a.txt
cache:
  paths: ['/etc/hostname', '../beside/*']
"""
    cached = Cached(tmp_path)
    cache = BuildCache("LOCAL", [SOURCE_MODE], "demo", local_root=cached.root, remote=None, note=cached.note)
    hooks = BuildHooks(load_buildspec=_loader(text), upload_artifacts=cache.save)
    build = run_build(tmp_path, None, hooks, executor=sandbox(tmp_path))
    assert str(build.ended.status) == "SUCCEEDED", build.log
    assert cached.notes == ["LOCAL_SOURCE_CACHE: saved"]

    cached.notes.clear()
    both = BuildCache(
        "LOCAL", [SOURCE_MODE, CUSTOM_MODE], "demo", local_root=cached.root, remote=None, note=cached.note
    )
    hooks = BuildHooks(load_buildspec=_loader(text), upload_artifacts=both.save)
    build = run_build(tmp_path, None, hooks, executor=sandbox(tmp_path))
    assert str(build.ended.status) == "SUCCEEDED", build.log
    assert cached.notes == [
        "LOCAL_SOURCE_CACHE: saved",
        "Cannot save the cache: path pattern may not contain '..': '../beside/*'",
    ]
