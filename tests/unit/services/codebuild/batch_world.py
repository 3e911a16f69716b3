"""A batch builds world for in-process tests: the CodeBuild service over a real store (SQLite or
PostgreSQL), a fake clock and the batch part of the scheduler tick."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine

from codeyard.accounts import RequestContext
from codeyard.clock import FakeClock
from codeyard.ids import IdGenerator, SeededRandomness
from codeyard.services.codebuild.api import CodeBuildApi
from codeyard.services.codebuild.batch_scheduler import BatchScheduler
from codeyard.services.codebuild.build_shapes import BuildEvents
from codeyard.services.iam.arns import root_principal
from codeyard.store.sql.engine import make_engine
from codeyard.store.sql.schema import upgrade
from codeyard.store.sql.unit_of_work import SqlStore

ACCOUNT = "000000000000"
NOW = datetime(2026, 3, 1, tzinfo=UTC)
SPEC = (
    "version: 0.2\nbatch:\n  fast-fail: true\n  build-list:\n    - identifier: first\n"
    "    - identifier: second\nphases:\n  build:\n    commands:\n      - echo\n"
)


@dataclass
class Batches:
    engine: Engine
    store: SqlStore
    api: CodeBuildApi
    scheduler: BatchScheduler
    clock: FakeClock
    ctx: RequestContext

    def start(self, **config: Any) -> tuple[str, str, str]:
        """A fast-fail batch of two members, both queued (`config`: more of the batch
        configuration): the batch id and the two builds' ids."""
        self.api.create_project(
            self.ctx,
            name="p",
            source={"type": "NO_SOURCE", "buildspec": SPEC},
            artifacts={"type": "NO_ARTIFACTS"},
            environment={"type": "LINUX_CONTAINER", "image": "img", "computeType": "BUILD_GENERAL1_SMALL"},
            service_role=f"arn:aws:iam::{ACCOUNT}:role/cb",
            build_batch_config={"serviceRole": f"arn:aws:iam::{ACCOUNT}:role/batch", **config},
        )
        batch = self.api.start_build_batch(self.ctx, project_name="p")["buildBatch"]
        first, second = (g["currentBuildSummary"]["arn"].rpartition("/")[2] for g in batch["buildGroups"])
        return batch["id"], first, second

    def tick(self) -> int:
        """The batch part of the scheduler tick (WorkQueue.expire): how many batches it changed."""
        with self.store.unit_of_work() as uow:
            changed = self.scheduler.expire(uow, self.clock.now())
            uow.commit()
        return changed

    def batch(self, batch_id: str) -> dict[str, Any]:
        found: dict[str, Any] = self.api.batch_get_build_batches(self.ctx, ids=[batch_id])["buildBatches"][0]
        return found

    def status(self, build_id: str) -> str:
        found: str = self.api.batch_get_builds(self.ctx, ids=[build_id])["builds"][0]["buildStatus"]
        return found


def batches(url: str) -> Iterator[Batches]:
    engine = make_engine(url)
    upgrade(engine)
    store = SqlStore(engine)
    clock = FakeClock(NOW)
    ids = IdGenerator(SeededRandomness(5))
    api = CodeBuildApi(store, clock, ids, clone_url_base="http://h")
    scheduler = BatchScheduler(BuildEvents(clock, ids), ids)
    yield Batches(
        engine,
        store,
        api,
        scheduler,
        clock,
        RequestContext(root_principal(ACCOUNT), "us-east-1", ACCOUNT, "r"),
    )
    store.dispose()
