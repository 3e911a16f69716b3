"""The build cache in server builds, run by the runner process `codeyard up` starts: S3-type caches
in the server's artifact store (key, fallback keys), LOCAL caches on the runner's host."""

from __future__ import annotations

from typing import Any

from codeyard.runner.local_cache import directory_name
from tests.integration.runner.builds_support import finished, log_text, no_source_project, until
from tests.support.server import Server

KEYED_SPEC = """version: 0.2
phases:
  build:
    commands:
      - if [ -f deps/stamp ]; then echo "restored=$(cat deps/stamp)"; else echo "cold"; fi
      - mkdir -p deps && echo "$CODEBUILD_BUILD_NUMBER" > deps/stamp
cache:
  key: deps-$(printf %s "$SUFFIX")
  fallback-keys:
    - deps-
  paths:
    - deps/**/*
"""

PLAIN_SPEC = """version: 0.2
phases:
  build:
    commands:
      - if [ -f deps/stamp ]; then echo "restored=$(cat deps/stamp)"; else echo "cold"; fi
      - mkdir -p deps && echo "$CODEBUILD_BUILD_NUMBER" > deps/stamp
      - test "${FAIL:-0}" = 0
cache:
  paths:
    - deps/**/*
"""

LOCAL_SPEC = """version: 0.2
phases:
  build:
    commands:
      - if [ -f deps/stamp ]; then echo "restored=$(cat deps/stamp)"; else echo "cold"; fi
      - mkdir -p deps && echo "$CODEBUILD_BUILD_NUMBER" > deps/stamp
      - if [ -d .git ]; then echo "git=$(git log --format=%s)"; else echo "no-git"; fi
      - git init -q 2>/dev/null; git -c user.name=b -c user.email=b@x commit -q --allow-empty -m "build $CODEBUILD_BUILD_NUMBER"
cache:
  paths:
    - deps/**/*
"""


def _run(server: Server, project: str, **overrides: Any) -> str:
    """Starts a build, waits for its end and answers its log; fails unless it ended as expected."""
    expected = overrides.pop("expected", "SUCCEEDED")
    build_id = server.client("codebuild").start_build(projectName=project, **overrides)["build"]["id"]
    done = finished(server, build_id)
    assert done["buildStatus"] == expected, done["phases"]
    return log_text(server, build_id)


def _suffix(value: str) -> dict[str, Any]:
    return {"environmentVariablesOverride": [{"name": "SUFFIX", "value": value, "type": "PLAINTEXT"}]}


def test_an_s3_cache_is_restored_by_key_then_by_fallback_key(server: Server) -> None:
    cache = {"type": "S3", "location": "cache-bucket/deps"}
    no_source_project(server, "keyed", KEYED_SPEC, cache=cache)

    first = _run(server, "keyed", **_suffix("one"))
    by_fallback = _run(server, "keyed", **_suffix("two"))
    by_key = _run(server, "keyed", **_suffix("one"))

    assert "cold" in first
    assert "S3 cache miss" in first
    assert "S3 cache with key deps-one saved" in first
    assert "restored=1" in by_fallback  # deps-two missed; the fallback prefix deps- found deps-one
    assert "S3 cache restored from key deps-one" in by_fallback
    assert "S3 cache with key deps-two saved" in by_fallback
    assert "restored=1" in by_key  # a keyed archive is never replaced
    assert "S3 cache with key deps-one exists already" in by_key
    kept = sorted(p.name for p in (server.data_dir / "artifacts" / "cache-bucket" / "deps").iterdir())
    assert kept == ["key%2Fdeps-one", "key%2Fdeps-two"]


def test_a_failed_build_saves_nothing_and_no_cache_override_disables_the_cache(server: Server) -> None:
    no_source_project(server, "plain", PLAIN_SPEC, cache={"type": "S3", "location": "cache-bucket/plain"})
    fail = {"environmentVariablesOverride": [{"name": "FAIL", "value": "1", "type": "PLAINTEXT"}]}

    failed = _run(server, "plain", expected="FAILED", **fail)
    after_failure = _run(server, "plain")
    without_cache = _run(server, "plain", cacheOverride={"type": "NO_CACHE"})
    with_cache = _run(server, "plain")

    assert "cold" in failed
    assert "The build is failing: the cache is not saved" in failed
    assert "cold" in after_failure
    assert "S3 cache of the project saved" in after_failure
    assert "cold" in without_cache
    assert "S3 cache" not in without_cache
    assert "restored=2" in with_cache  # the build without a cache saved nothing over build 2's files


def test_a_local_cache_keeps_custom_paths_and_the_git_state_on_the_runner(server: Server) -> None:
    modes = ["LOCAL_SOURCE_CACHE", "LOCAL_CUSTOM_CACHE", "LOCAL_DOCKER_LAYER_CACHE"]
    no_source_project(server, "local", LOCAL_SPEC, cache={"type": "LOCAL", "modes": modes})

    first = _run(server, "local")
    second = _run(server, "local")
    custom_only = _run(server, "local", cacheOverride={"type": "LOCAL", "modes": ["LOCAL_CUSTOM_CACHE"]})

    assert "cold" in first
    assert "no-git" in first
    assert "restored=1" in second
    assert "git=build 1" in second
    assert (
        "LOCAL_DOCKER_LAYER_CACHE: only container builds keep Docker layers; the mode is ignored here"
        in second
    )
    assert "restored=2" in custom_only
    assert "no-git" in custom_only
    arn = server.client("codebuild").batch_get_projects(names=["local"])["projects"][0]["arn"]
    cache_dir = server.data_dir / "builds" / "local-cache" / directory_name(arn)
    assert cache_dir.name.endswith("-local")
    assert sorted(p.name for p in cache_dir.iterdir()) == ["custom", "source"]


def test_projects_of_one_name_in_two_regions_keep_their_own_local_caches(server: Server) -> None:
    cache = {"type": "LOCAL", "modes": ["LOCAL_CUSTOM_CACHE"]}
    no_source_project(server, "twin", LOCAL_SPEC, cache=cache)
    east = server.client("codebuild")
    west = server.client("codebuild", region_name="eu-west-1")
    project = east.batch_get_projects(names=["twin"])["projects"][0]
    west.create_project(
        name="twin",
        source=project["source"],
        artifacts={"type": "NO_ARTIFACTS"},
        environment=project["environment"],
        serviceRole=project["serviceRole"],
        cache=cache,
    )

    def run(client: Any) -> str:
        build_id = client.start_build(projectName="twin")["build"]["id"]
        done = until(
            lambda: (b := client.batch_get_builds(ids=[build_id])["builds"][0])["buildComplete"] and b,
            what=f"the end of {build_id}",
        )
        assert done["buildStatus"] == "SUCCEEDED", done["phases"]
        logs = done["logs"]
        events = server.client("logs", region_name=client.meta.region_name).get_log_events(
            logGroupName=logs["groupName"], logStreamName=logs["streamName"], startFromHead=True
        )["events"]
        return "\n".join(event["message"] for event in events)

    assert "cold" in run(east)
    assert "restored=1" in run(east)
    assert "cold" in run(west)  # not the cache of us-east-1's twin
    assert "restored=1" in run(west)
    assert "restored=2" in run(east)
    arns = {project["arn"], west.batch_get_projects(names=["twin"])["projects"][0]["arn"]}
    kept = {
        p.name for p in (server.data_dir / "builds" / "local-cache").iterdir() if p.name.endswith("-twin")
    }
    assert kept == {directory_name(arn) for arn in arns}


def test_invalidate_project_cache_makes_the_next_build_start_cold(server: Server) -> None:
    no_source_project(server, "s3-reset", PLAIN_SPEC, cache={"type": "S3", "location": "cache-bucket/reset"})
    no_source_project(
        server, "keyed-reset", KEYED_SPEC, cache={"type": "S3", "location": "cache-bucket/keys"}
    )
    modes = ["LOCAL_SOURCE_CACHE", "LOCAL_CUSTOM_CACHE"]
    no_source_project(server, "local-reset", LOCAL_SPEC, cache={"type": "LOCAL", "modes": modes})
    codebuild = server.client("codebuild")
    names = ("s3-reset", "keyed-reset", "local-reset")
    warm = {}
    for name in names:
        _run(server, name, **_suffix("one"))
        warm[name] = _run(server, name, **_suffix("one"))
        codebuild.invalidate_project_cache(projectName=name)
    left = sorted(p.name for p in (server.data_dir / "artifacts" / "cache-bucket").rglob("*") if p.is_file())
    cold = {name: _run(server, name, **_suffix("one")) for name in names}
    again = {name: _run(server, name, **_suffix("one")) for name in names}

    assert "restored=1" in warm["s3-reset"]
    assert "restored=1" in warm["keyed-reset"]
    assert "restored=1" in warm["local-reset"]
    assert "git=build 1" in warm["local-reset"]
    assert left == []  # the project's archive and the location's keyed ones are gone
    assert "cold" in cold["s3-reset"]
    assert "S3 cache miss" in cold["s3-reset"]
    assert "cold" in cold["keyed-reset"]
    assert "S3 cache miss" in cold["keyed-reset"]
    assert "cold" in cold["local-reset"]
    assert "no-git" in cold["local-reset"]
    assert "restored=3" in again["s3-reset"]
    assert "restored=3" in again["keyed-reset"]
    assert "restored=3" in again["local-reset"]
    assert "git=build 3" in again["local-reset"]
