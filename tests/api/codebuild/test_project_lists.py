"""CodeBuild ListProjects: sort keys, orders and pages of 100 with checked tokens."""

from __future__ import annotations

from tests.api.codebuild.support import create, refused
from tests.support.server import Server


def test_list_sorting(server: Server) -> None:
    cb = server.client("codebuild")
    for name in ("charlie", "alpha", "bravo"):
        create(server, name)
    cb.update_project(name="charlie", description="touched")
    assert cb.list_projects()["projects"] == ["alpha", "bravo", "charlie"]
    assert cb.list_projects(sortBy="NAME", sortOrder="DESCENDING")["projects"] == [
        "charlie",
        "bravo",
        "alpha",
    ]
    # Ties on a time fall back to the names.
    created = cb.list_projects(sortBy="CREATED_TIME")["projects"]
    times = {p["name"]: p["created"] for p in cb.batch_get_projects(names=created)["projects"]}
    assert created == sorted(times, key=lambda n: (times[n], n))
    modified = cb.list_projects(sortBy="LAST_MODIFIED_TIME", sortOrder="DESCENDING")["projects"]
    assert modified[0] == "charlie"


def test_list_pages(server: Server) -> None:
    cb = server.client("codebuild")
    names = [f"p{i:03d}" for i in range(205)]
    for name in names:
        create(server, name)
    first = cb.list_projects(sortBy="NAME")
    assert first["projects"] == names[:100]
    second = cb.list_projects(sortBy="NAME", nextToken=first["nextToken"])
    assert second["projects"] == names[100:200]
    third = cb.list_projects(sortBy="NAME", nextToken=second["nextToken"])
    assert third["projects"] == names[200:]
    assert "nextToken" not in third
    paged = [
        n
        for page in cb.get_paginator("list_projects").paginate(sortOrder="DESCENDING")
        for n in page["projects"]
    ]
    assert paged == names[::-1]
    for token in ("garbage", first["nextToken"][:-4] + "AAAA"):
        code, _ = refused(cb.list_projects, sortBy="NAME", nextToken=token)
        assert code == "InvalidInputException"
    code, _ = refused(cb.list_projects, sortBy="CREATED_TIME", nextToken=first["nextToken"])
    assert code == "InvalidInputException"
