"""IAM and STS services over a real SQLite store, a fake clock and seeded ids."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from codeyard.accounts import Principal, RequestContext
from codeyard.clock import FakeClock
from codeyard.crypto import SecretBox
from codeyard.ids import IdGenerator, SeededRandomness
from codeyard.services.iam.api import IamApi
from codeyard.services.iam.arns import root_principal, user_principal
from codeyard.services.iam.authorizer import IamAuthorizer
from codeyard.services.iam.credentials import IamCredentials
from codeyard.services.iam.epoch import IamEpoch
from codeyard.services.sts.api import StsApi
from codeyard.store.sql.engine import make_engine
from codeyard.store.sql.schema import upgrade
from codeyard.store.sql.unit_of_work import SqlStore

ACCOUNT = "000000000000"


@dataclass
class World:
    iam: IamApi
    sts: StsApi
    authorizer: IamAuthorizer
    credentials: IamCredentials
    store: SqlStore
    clock: FakeClock

    def ctx(self, principal: Principal | None = None) -> RequestContext:
        return RequestContext(
            principal=principal or root_principal(ACCOUNT),
            region="us-east-1",
            account_id=ACCOUNT,
            request_id="r",
        )

    def user(self, name: str) -> Principal:
        """Create a user and answer its principal, as a key of it would sign."""
        created = self.iam.create_user(self.ctx(), user_name=name)["User"]
        return user_principal(ACCOUNT, created["Arn"], created["UserId"], name)


def make_world(tmp_path: Path) -> World:
    engine = make_engine("sqlite:///" + str(tmp_path / "codeyard.sqlite"))
    upgrade(engine)
    store = SqlStore(engine)
    clock = FakeClock()
    ids = IdGenerator(SeededRandomness(1))
    box = SecretBox(bytes(32))
    epoch = IamEpoch(store, clock)
    credentials = IamCredentials(store, box, clock, ACCOUNT, epoch, ids)
    return World(
        iam=IamApi(store, box, clock, ids, ACCOUNT, epoch),
        sts=StsApi(store, box, clock, ids, ACCOUNT),
        authorizer=IamAuthorizer(store, clock, epoch),
        credentials=credentials,
        store=store,
        clock=clock,
    )


@pytest.fixture
def world(tmp_path: Path) -> Iterator[World]:
    built = make_world(tmp_path)
    yield built
    built.store.dispose()
