"""Secrets and their versions in the store: lookups, sealed values, new versions and purges."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from codeyard.accounts import RequestContext
from codeyard.clock import Clock
from codeyard.crypto import SecretBox
from codeyard.ids import IdGenerator
from codeyard.services.secretsmanager import stages
from codeyard.services.secretsmanager.errors import (
    LimitExceeded,
    MarkedForDeletion,
    ResourceExists,
    ResourceNotFound,
)
from codeyard.services.secretsmanager.identifiers import parse_secret_id
from codeyard.store.ports import Conflict, Store, UnitOfWork
from codeyard.store.ports.secrets import SecretRecord, SecretVersionRecord

MAX_VERSIONS = 100
# AWS removes versions without labels once a secret has more than 100, but never younger ones.
DEPRECATED_GRACE = timedelta(hours=24)


@dataclass(frozen=True, slots=True)
class SecretValue:
    string: str | None = None
    binary: bytes | None = None


def day_of(moment: datetime) -> datetime:
    """LastAccessedDate has a resolution of one day: midnight UTC of the access."""
    return moment.replace(hour=0, minute=0, second=0, microsecond=0)


class Session:
    """One unit of work seen as secrets of the caller's Region."""

    def __init__(self, vault: Vault, uow: UnitOfWork, ctx: RequestContext, *, writing: bool) -> None:
        self._vault = vault
        self.uow = uow
        self.ctx = ctx
        self._writing = writing
        self.expired: list[str] = []

    def commit(self) -> None:
        self.uow.commit()

    def find(self, secret_id: str) -> SecretRecord | None:
        """The secret named by a name, a full ARN or a partial ARN; None when there is none."""
        ref = parse_secret_id(self.ctx, secret_id)
        secret = None
        # Writers lock the secret's row, so concurrent changes to one secret queue up.
        if ref.arn is not None:
            secret = self.uow.secrets.get(arn=ref.arn, for_update=self._writing)
        if secret is None and ref.name is not None:
            secret = self.uow.secrets.get(region=self.ctx.region, name=ref.name, for_update=self._writing)
        if secret is None or secret.region != self.ctx.region:
            return None
        if self._vault.expired(secret):
            self.expired.append(secret.arn)
            if self._writing:
                self.uow.secrets.remove(arn=secret.arn)
            return None
        return secret

    def secret(self, secret_id: str) -> SecretRecord:
        secret = self.find(secret_id)
        if secret is None:
            raise ResourceNotFound()
        return secret

    def live(self, secret_id: str) -> SecretRecord:
        """A secret that is not scheduled for deletion."""
        secret = self.secret(secret_id)
        if secret.deleted_at is not None:
            raise MarkedForDeletion()
        return secret

    def all_secrets(self) -> tuple[list[SecretRecord], dict[str, list[SecretVersionRecord]]]:
        """Every secret of the Region that is not past its recovery window, with its labelled
        versions."""
        secrets = []
        for secret in self.uow.secrets.find(region=self.ctx.region):
            if self._vault.expired(secret):
                self.expired.append(secret.arn)
            else:
                secrets.append(secret)
        versions: dict[str, list[SecretVersionRecord]] = {}
        if secrets:
            prefix = self.ctx.arn("secretsmanager", "secret:")
            for version in self.uow.secret_versions.find(prefix={"secret_arn": prefix}, labelled=True):
                versions.setdefault(version.secret_arn, []).append(version)
        return secrets, versions

    def versions(self, secret: SecretRecord, *, deprecated: bool = False) -> list[SecretVersionRecord]:
        """The versions that carry staging labels, and the deprecated ones too when asked."""
        if deprecated:
            return self.uow.secret_versions.find(secret_arn=secret.arn)
        return self.uow.secret_versions.find(secret_arn=secret.arn, labelled=True)

    def version(self, secret: SecretRecord, version_id: str) -> SecretVersionRecord | None:
        return self.uow.secret_versions.get(secret_arn=secret.arn, version_id=version_id)

    def open(self, version: SecretVersionRecord) -> SecretValue:
        return self._vault.open(version)

    def save(self, secret: SecretRecord, **changes: Any) -> SecretRecord:
        """Store changed fields of a secret; every change counts for LastChangedDate."""
        updated = replace(secret, last_changed_at=self._vault.now(), **changes)
        self.uow.secrets.update(updated)
        return updated

    def add_secret(self, secret: SecretRecord) -> None:
        try:
            self.uow.secrets.add(secret)
        except Conflict:
            raise ResourceExists(
                f"The operation failed because the secret {secret.name} already exists."
            ) from None

    def relabel(self, versions: Sequence[SecretVersionRecord], labels: stages.Labels) -> None:
        """Store the labels of the versions whose labels changed."""
        before = {v.version_id: v.stages for v in versions}
        by_id = {v.version_id: v for v in versions}
        for version_id, attached in stages.changed(before, labels).items():
            if version_id in by_id:
                relabelled = replace(by_id[version_id], stages=attached, labelled=bool(attached))
                self.uow.secret_versions.update(relabelled)

    def add_version(
        self, secret: SecretRecord, version_id: str, value: SecretValue, wanted: Sequence[str]
    ) -> tuple[SecretVersionRecord, bool]:
        """A new version with `wanted` labels; (the version, False) when the token was used for
        the same value already (an idempotent retry)."""
        used = self.version(secret, version_id)
        if used is not None:
            if self.open(used) == value:
                return used, False
            raise ResourceExists(
                f"You can't use ClientRequestToken {version_id} because that value is already in use "
                f"for a version of secret {secret.arn}."
            )
        versions = self.versions(secret)
        labels = stages.attach({v.version_id: v.stages for v in versions}, version_id, wanted)
        self.relabel(versions, labels)
        now = self._vault.now()
        sealed_string, sealed_binary = self._vault.seal(secret.arn, version_id, value)
        created = SecretVersionRecord(
            secret_arn=secret.arn,
            version_id=version_id,
            created_at=now,
            stages=labels[version_id],
            labelled=bool(labels[version_id]),
            sealed_string=sealed_string,
            sealed_binary=sealed_binary,
        )
        try:
            self.uow.secret_versions.add(created)
        except Conflict:
            raise ResourceExists(
                f"You can't use ClientRequestToken {version_id} because that value is already in use "
                f"for a version of secret {secret.arn}."
            ) from None
        self._keep_quota(secret, now)
        return created, True

    def _keep_quota(self, secret: SecretRecord, now: datetime) -> None:
        count = self.uow.secret_versions.count(secret_arn=secret.arn)
        if count <= MAX_VERSIONS:
            return
        deprecated = self.uow.secret_versions.find(secret_arn=secret.arn, labelled=False)
        removable = sorted(
            (v for v in deprecated if v.created_at <= now - DEPRECATED_GRACE), key=lambda v: v.created_at
        )
        for version in removable[: count - MAX_VERSIONS]:
            self.uow.secret_versions.remove(secret_arn=secret.arn, version_id=version.version_id)
            count -= 1
        if count > MAX_VERSIONS:
            raise LimitExceeded(
                "The request failed because it would exceed one of the Secrets Manager quotas: "
                f"a secret can have at most {MAX_VERSIONS} versions, and versions without staging "
                "labels are only removed after 24 hours."
            )


class Vault:
    """Hands out sessions over the store and seals values bound to their secret and version."""

    def __init__(self, store: Store, box: SecretBox, clock: Clock, ids: IdGenerator) -> None:
        self._store = store
        self._box = box
        self._clock = clock
        self._ids = ids

    def now(self) -> datetime:
        return self._clock.now()

    def expired(self, secret: SecretRecord) -> bool:
        return secret.purge_at is not None and secret.purge_at <= self._clock.now()

    @contextmanager
    def reading(self, ctx: RequestContext) -> Iterator[Session]:
        session: Session | None = None
        try:
            with self._store.reader() as uow:
                session = Session(self, uow, ctx, writing=False)
                yield session
        finally:
            if session is not None and session.expired:
                self.purge(session.expired)

    @contextmanager
    def writing(self, ctx: RequestContext) -> Iterator[Session]:
        """A session that changes state; nothing is kept unless the caller commits."""
        session: Session | None = None
        try:
            with self._store.unit_of_work() as uow:
                session = Session(self, uow, ctx, writing=True)
                yield session
        finally:
            if session is not None and session.expired:
                self.purge(session.expired)

    def purge(self, arns: Sequence[str]) -> None:
        """Remove secrets whose recovery window has passed (found lazily, when read or listed)."""
        with self._store.unit_of_work() as uow:
            for arn in arns:
                secret = uow.secrets.get(arn=arn)
                if secret is not None and self.expired(secret):
                    uow.secrets.remove(arn=arn)
            uow.commit()

    def touch(
        self, ctx: RequestContext, accessed: Sequence[tuple[SecretRecord, SecretVersionRecord]]
    ) -> None:
        """Record the day of access on secrets and versions that do not show it yet."""
        day = day_of(self._clock.now())
        stale = [(s, v) for s, v in accessed if s.last_accessed_at != day or v.last_accessed_at != day]
        if not stale:
            return
        with self._store.unit_of_work() as uow:
            for secret, version in stale:
                current = uow.secrets.get(arn=secret.arn)
                if current is not None and current.last_accessed_at != day:
                    uow.secrets.update(replace(current, last_accessed_at=day))
                found = uow.secret_versions.get(secret_arn=secret.arn, version_id=version.version_id)
                if found is not None and found.last_accessed_at != day:
                    uow.secret_versions.update(replace(found, last_accessed_at=day))
            uow.commit()

    def new_suffix(self) -> str:
        return self._ids.alnum(6)

    def new_version_id(self) -> str:
        return self._ids.uuid()

    @staticmethod
    def _context(arn: str, version_id: str, kind: str) -> str:
        return f"secretsmanager:{arn}:{version_id}:{kind}"

    def seal(self, arn: str, version_id: str, value: SecretValue) -> tuple[bytes | None, bytes | None]:
        sealed_string = None
        sealed_binary = None
        if value.string is not None:
            sealed_string = self._box.seal_text(value.string, self._context(arn, version_id, "string"))
        if value.binary is not None:
            sealed_binary = self._box.seal(value.binary, self._context(arn, version_id, "binary"))
        return sealed_string, sealed_binary

    def open(self, version: SecretVersionRecord) -> SecretValue:
        arn, version_id = version.secret_arn, version.version_id
        string = binary = None
        if version.sealed_string is not None:
            string = self._box.open_text(version.sealed_string, self._context(arn, version_id, "string"))
        if version.sealed_binary is not None:
            binary = self._box.open(version.sealed_binary, self._context(arn, version_id, "binary"))
        return SecretValue(string, binary)
