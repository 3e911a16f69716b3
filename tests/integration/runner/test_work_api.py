"""The work API's refusals, over HTTP: tokens, leases and malformed reports."""

from __future__ import annotations

import httpx

from tests.integration.runner.builds_support import TOKEN_FILE, buildspec, finished, no_source_project
from tests.support.server import Server

WORK = "/_codeyard/v1/work"


def _register(server: Server) -> str:
    token = (server.data_dir / TOKEN_FILE).read_text().strip()
    answer = httpx.post(
        f"{server.endpoint}{WORK}/register", json={"name": "t"}, headers={"authorization": f"Bearer {token}"}
    )
    assert answer.status_code == 200
    runner_token: str = answer.json()["token"]
    return runner_token


def test_tokens_are_required(server: Server) -> None:
    wrong = {"authorization": "Bearer wrong"}
    assert httpx.post(f"{server.endpoint}{WORK}/register", json={}, headers=wrong).status_code == 401
    assert httpx.post(f"{server.endpoint}{WORK}/poll?wait=0", headers=wrong).status_code == 401
    assert httpx.post(f"{server.endpoint}{WORK}/poll?wait=0").status_code == 401


def test_reports_on_a_build_not_leased_to_the_runner_are_refused(server: Server) -> None:
    no_source_project(server, "leased", buildspec("echo hi"))
    build_id = server.client("codebuild").start_build(projectName="leased")["build"]["id"]
    finished(server, build_id)  # run by the embedded runner
    headers = {"authorization": f"Bearer {_register(server)}"}
    jobs = f"{server.endpoint}{WORK}/jobs/{build_id}"

    phase = {"phase": "BUILD", "start_ms": 0}
    assert httpx.post(f"{jobs}/phase", json=phase, headers=headers).status_code == 409
    assert httpx.post(f"{jobs}/heartbeat", json={}, headers=headers).json() == {"leased": False, "stop": True}
    assert httpx.get(f"{jobs}/source", headers=headers).status_code == 409
    assert httpx.post(f"{jobs}/logs", content=b"not json", headers=headers).status_code == 400
    assert httpx.post(f"{server.endpoint}{WORK}/poll?wait=0", headers=headers).status_code == 204
