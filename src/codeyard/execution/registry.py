"""Runners: registration with the registration token, and their bearer tokens checked on every call.

Each start of a runner registers it anew, so the rows of runners gone for good are forgotten: a runner
that has not polled for `forget_seconds` (a day unless configured) and holds no build is deleted by the
scheduler's sweep. Should it come back, its token is no longer valid: its calls are answered 401
`Unauthorized`, upon which a runner registers again (runner/loop.py)."""

from __future__ import annotations

import hashlib
import hmac
import os
from datetime import datetime, timedelta
from pathlib import Path

from codeyard.clock import Clock
from codeyard.execution.messages import Registration
from codeyard.execution.queue import LEASED
from codeyard.ids import IdGenerator
from codeyard.services.codebuild.errors import InvalidInputException
from codeyard.services.codebuild.fleet_pool import fleet_anywhere
from codeyard.store.ports import Store
from codeyard.store.ports.work import RunnerRecord

RUNNER_TOKEN_PREFIX = "cyr_"
FORGET_SECONDS = 24 * 3600  # after its last poll, a runner holding no build is forgotten


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class RunnerRegistry:
    def __init__(
        self,
        store: Store,
        clock: Clock,
        ids: IdGenerator,
        registration_token: str,
        forget_seconds: int = FORGET_SECONDS,
    ) -> None:
        self._store = store
        self._clock = clock
        self._ids = ids
        self._registration_token = registration_token
        self._forget_after = timedelta(seconds=forget_seconds)

    def register(self, registration_token: str, name: str, fleet: str = "") -> Registration | None:
        """A new runner's credentials; None when the registration token is wrong. A runner of a
        fleet (its name, unique across regions, or ARN) takes only that fleet's builds; an unknown
        fleet is refused with InvalidInputException."""
        if not self._registration_token or not hmac.compare_digest(
            registration_token.encode(), self._registration_token.encode()
        ):
            return None
        runner_id = "runner-" + self._ids.hex(16)
        token = RUNNER_TOKEN_PREFIX + self._ids.secret(40)
        with self._store.unit_of_work() as uow:
            served = fleet_anywhere(uow, fleet) if fleet else None
            if fleet and served is None:
                raise InvalidInputException(f"Fleet {fleet} does not exist")
            arn = served.arn if served is not None else None
            now = self._clock.now()
            uow.runners.add(RunnerRecord(runner_id, name[:255] or runner_id, _digest(token), now, now, arn))
            uow.commit()
        return Registration(runner_id, token, arn or "")

    def authenticate(self, token: str) -> str | None:
        """The runner id of a bearer token, or None."""
        if not token.startswith(RUNNER_TOKEN_PREFIX):
            return None
        with self._store.reader() as uow:
            record = uow.runners.get(token_hash=_digest(token))
        return record.runner_id if record is not None else None

    def forget_quiet(self) -> int:
        """Deletes the runners that have not polled for `forget_seconds` and hold no build (a
        build's lease outlives no heartbeat: once it expired, its runner may go too); answers how
        many. Each is checked again under its row lock, so one polling meanwhile stays."""
        cutoff = self._clock.now() - self._forget_after
        with self._store.reader() as uow:
            quiet = [r.runner_id for r in uow.runners.find() if _last_seen(r) < cutoff]
        forgotten = 0
        for runner_id in quiet:
            with self._store.unit_of_work() as uow:
                record = uow.runners.get(runner_id=runner_id, for_update=True)
                if record is None or _last_seen(record) >= cutoff:
                    continue
                if uow.jobs.find(state=LEASED, runner_id=runner_id, limit=1):
                    continue
                forgotten += uow.runners.remove(runner_id=runner_id)
                uow.commit()
        return forgotten


def _last_seen(record: RunnerRecord) -> datetime:
    return record.last_seen_at or record.created_at


REGISTRATION_TOKEN_FILE = "runner-registration-token"


def registration_token(data_dir: Path, ids: IdGenerator) -> str:
    """The registration token kept in the data directory, made (private to the user) on first use."""
    path = data_dir / REGISTRATION_TOKEN_FILE
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        token = "cyreg_" + ids.secret(40)
        try:
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another process made it in between
            return path.read_text().strip()
        with os.fdopen(descriptor, "w") as handle:
            handle.write(token + "\n")
        return token
