"""Access keys and STS session credentials resolved for signature checks; the root key."""

from __future__ import annotations

from dataclasses import replace

from codeyard.accounts import Credential, Principal, PrincipalKind
from codeyard.clock import Clock
from codeyard.crypto import SecretBox
from codeyard.ids import IdGenerator
from codeyard.services.iam.arns import root_principal, user_principal
from codeyard.services.iam.epoch import EpochCache, IamEpoch, bump_epoch
from codeyard.store.ports import Store, UnitOfWork
from codeyard.store.ports.iam import AccessKeyRecord, SessionCredentialRecord

ACTIVE = "Active"


def access_key_context(access_key_id: str) -> str:
    return f"iam:access-key:{access_key_id}"


def session_token_context(access_key_id: str) -> str:
    return f"sts:session-token:{access_key_id}"


class IamCredentials:
    """The CredentialResolver of the server: long-term keys first, then STS sessions.

    Resolved credentials are kept until the next IAM change (the epoch token); sessions never
    change once made, and their expiry is checked on every request by the authenticator.
    """

    def __init__(
        self,
        store: Store,
        box: SecretBox,
        clock: Clock,
        account_id: str,
        epoch: IamEpoch,
        ids: IdGenerator | None = None,
    ) -> None:
        self._store = store
        self._box = box
        self._clock = clock
        self._account_id = account_id
        self._epoch = epoch
        self._ids = ids or IdGenerator()
        self._cache: EpochCache[str, Credential] = EpochCache()

    def resolve(self, access_key_id: str) -> Credential | None:
        epoch = self._epoch.current()
        cached = self._cache.get(epoch, access_key_id)
        if cached is not None:
            return cached
        with self._store.reader() as uow:
            credential = self._load(uow, access_key_id)
        if credential is not None:
            self._cache.put(epoch, access_key_id, credential)
        return credential

    def _load(self, uow: UnitOfWork, access_key_id: str) -> Credential | None:
        key = uow.access_keys.get(access_key_id=access_key_id)
        if key is not None:
            if key.status != ACTIVE:
                return None
            principal = self._key_principal(uow, key)
            if principal is None:
                return None
            secret = self._box.open_text(key.secret_sealed, access_key_context(access_key_id))
            return Credential(access_key_id, secret, principal, last_used_at=key.last_used_at)
        session = uow.session_credentials.get(access_key_id=access_key_id)
        return None if session is None else self._session_credential(session)

    def _session_credential(self, session: SessionCredentialRecord) -> Credential:
        key_id = session.access_key_id
        principal = Principal(
            kind=PrincipalKind(session.principal_kind),
            arn=session.principal_arn,
            account_id=self._account_id,
            user_id=session.principal_id,
            name=session.principal_name,
            access_key_id=key_id,
            role_name=session.role_name,
        )
        return Credential(
            access_key_id=key_id,
            secret_access_key=self._box.open_text(session.secret_sealed, access_key_context(key_id)),
            principal=principal,
            session_token=self._box.open_text(session.session_token_sealed, session_token_context(key_id)),
            expires_at=session.expires_at,
            # Session use is not recorded: a far-future value keeps the authenticator from trying.
            last_used_at=session.expires_at,
        )

    def _key_principal(self, uow: UnitOfWork, key: AccessKeyRecord) -> Principal | None:
        if key.user_name is None:
            return root_principal(self._account_id, key.access_key_id)
        user = uow.users.get(user_name=key.user_name)
        if user is None:
            return None
        return user_principal(self._account_id, user.arn, user.user_id, user.user_name, key.access_key_id)

    def note_use(self, access_key_id: str, service: str, region: str) -> None:
        now = self._clock.now()
        with self._store.unit_of_work() as uow:
            key = uow.access_keys.get(access_key_id=access_key_id)
            if key is None:
                return
            uow.access_keys.update(
                replace(key, last_used_at=now, last_used_service=service, last_used_region=region)
            )
            uow.commit()
        cached = self._cache.get(self._cache.epoch, access_key_id)
        if cached is not None:
            self._cache.replace(self._cache.epoch, access_key_id, replace(cached, last_used_at=now))

    def ensure_root_key(self, access_key_id: str, secret_access_key: str) -> bool:
        """Make `access_key_id` an active root key with this secret; True when it was new."""
        sealed = self._box.seal_text(secret_access_key, access_key_context(access_key_id))
        with self._store.unit_of_work() as uow:
            existing = uow.access_keys.get(access_key_id=access_key_id)
            record = AccessKeyRecord(
                access_key_id=access_key_id,
                user_name=None,
                secret_sealed=sealed,
                status=ACTIVE,
                created_at=existing.created_at if existing else self._clock.now(),
            )
            if existing is None:
                uow.access_keys.add(record)
            else:
                uow.access_keys.update(record)
            token = bump_epoch(uow, self._ids)
            uow.commit()
        self._epoch.committed(token)
        return existing is None
