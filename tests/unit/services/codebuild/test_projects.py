"""CodeBuild projects over a real SQLite store: the account limit and the location forms."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from codeyard.accounts import RequestContext
from codeyard.clock import FakeClock
from codeyard.ids import IdGenerator, SeededRandomness
from codeyard.services.codebuild.api import CodeBuildApi
from codeyard.services.codebuild.base import project_arn
from codeyard.services.codebuild.errors import AccountLimitExceededException
from codeyard.services.codebuild.project_checks import codecommit_repository
from codeyard.services.codebuild.projects import MAX_PROJECTS
from codeyard.services.iam.arns import root_principal
from codeyard.store.ports.codebuild import ProjectRecord
from codeyard.store.sql.engine import make_engine
from codeyard.store.sql.schema import upgrade
from codeyard.store.sql.unit_of_work import SqlStore

ACCOUNT = "000000000000"
BASE = "http://codeyard.test:4567"


@dataclass
class World:
    api: CodeBuildApi
    store: SqlStore

    def ctx(self, region: str = "us-east-1") -> RequestContext:
        return RequestContext(
            principal=root_principal(ACCOUNT), region=region, account_id=ACCOUNT, request_id="r"
        )

    def create(self, name: str, region: str = "us-east-1") -> dict[str, Any]:
        return self.api.create_project(
            self.ctx(region),
            name=name,
            source={"type": "NO_SOURCE", "buildspec": "version: 0.2"},
            artifacts={"type": "NO_ARTIFACTS"},
            environment={"type": "LINUX_CONTAINER", "image": "img", "computeType": "BUILD_GENERAL1_SMALL"},
            service_role=f"arn:aws:iam::{ACCOUNT}:role/cb",
        )


@pytest.fixture
def world(tmp_path: Path) -> Iterator[World]:
    engine = make_engine("sqlite:///" + str(tmp_path / "codeyard.sqlite"))
    upgrade(engine)
    store = SqlStore(engine)
    yield World(
        CodeBuildApi(store, FakeClock(), IdGenerator(SeededRandomness(1)), clone_url_base=BASE), store
    )
    store.dispose()


def test_the_account_limit_is_5000_projects_per_region(world: World) -> None:
    ctx = world.ctx()
    now = FakeClock().now()
    with world.store.unit_of_work() as uow:
        for i in range(MAX_PROJECTS - 1):
            name = f"p{i}"
            uow.projects.add(ProjectRecord(ctx.region, name, project_arn(ctx, name), now, now, {}, []))
        uow.commit()
    assert world.create("last")["project"]["name"] == "last"
    with pytest.raises(AccountLimitExceededException):
        world.create("one-too-many")
    assert world.create("elsewhere", region="eu-west-1")["project"]["name"] == "elsewhere"
    with world.store.reader() as uow:
        assert uow.projects.count(region=ctx.region) == MAX_PROJECTS


@pytest.mark.parametrize(
    ("location", "repository"),
    [
        ("https://git-codecommit.us-east-1.amazonaws.com/v1/repos/app", "app"),
        ("https://git-codecommit.us-east-1.amazonaws.com/v1/repos/my.lib-2", "my.lib-2"),
        (f"{BASE}/v1/repos/app", "app"),
        ("https://git-codecommit.eu-west-1.amazonaws.com/v1/repos/app", None),
        ("https://git-codecommit.us-east-1.amazonaws.com/v1/repos/app/extra", None),
        ("https://git-codecommit.us-east-1.amazonaws.com/v1/repos/app.git", None),
        (f"{BASE}/v1/repos/", None),
        ("http://elsewhere:4567/v1/repos/app", None),
        ("app", None),
    ],
)
def test_codecommit_locations(world: World, location: str, repository: str | None) -> None:
    assert codecommit_repository(location, world.ctx(), BASE) == repository
