"""InvalidateProjectCache: who may be reset, and the generation the next builds carry."""

from __future__ import annotations

import json

from tests.api.codebuild.support import arn, create, refused, stored_rows
from tests.support.server import Server


def test_a_project_without_a_cache_or_no_project_is_refused(server: Server) -> None:
    codebuild = server.client("codebuild")
    create(server, "cold")

    missing = refused(codebuild.invalidate_project_cache, projectName="missing")
    no_cache = refused(codebuild.invalidate_project_cache, projectName="cold")

    assert missing == ("ResourceNotFoundException", f"Project cannot be found: {arn('missing')}")
    assert no_cache[0] == "InvalidInputException"
    assert "NO_CACHE" in no_cache[1]


def test_each_reset_counts_and_builds_carry_the_count(server: Server) -> None:
    codebuild = server.client("codebuild")
    create(server, "warm", cache={"type": "LOCAL", "modes": ["LOCAL_CUSTOM_CACHE"]})
    create(server, "other", cache={"type": "S3", "location": "bucket/other"})

    answer = codebuild.invalidate_project_cache(projectName="warm")
    assert {k: v for k, v in answer.items() if k != "ResponseMetadata"} == {}
    codebuild.invalidate_project_cache(projectName=arn("warm"))
    codebuild.invalidate_project_cache(projectName="other")

    started = codebuild.start_build(projectName="warm")["build"]["id"]

    generations = dict(stored_rows(server, "SELECT project_name, generation FROM cb_cache_resets"))
    assert generations == {"warm": 2, "other": 1}
    [(payload,)] = stored_rows(server, f"SELECT payload FROM work_jobs WHERE id = '{started}'")
    job = json.loads(payload) if isinstance(payload, str) else payload
    assert job["cache_generation"] == 2  # the job the runner gets carries the project's resets


def test_through_the_aws_cli(server: Server) -> None:
    create(server, "cli-cache", cache={"type": "S3", "location": "bucket/cli"})
    done = server.aws("codebuild", "invalidate-project-cache", "--project-name", "cli-cache")
    assert done.stdout.strip() in ("", "{}")
    failed = server.aws("codebuild", "invalidate-project-cache", "--project-name", "nope", check=False)
    assert failed.returncode != 0
    assert "ResourceNotFoundException" in failed.stderr
