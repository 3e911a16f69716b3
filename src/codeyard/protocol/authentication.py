"""Who signed a request: SigV4 checked against the credential store, session tokens, test mode."""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from datetime import timedelta

from codeyard.accounts import Credential, CredentialResolver, Principal
from codeyard.clock import Clock
from codeyard.errors import ExpiredToken, InvalidSignature, UnrecognizedClient
from codeyard.protocol.sigv4 import HttpRequest, Signature, SigningKeys, check_time, parse_signature, verify

SIGNATURE_MISMATCH = (
    "The request signature we calculated does not match the signature you provided. "
    "Check your AWS Secret Access Key and signing method. Consult the service documentation for details."
)

# AWS records an access key's last use coarsely; so do we, saving a write on most calls.
LAST_USED_GRANULARITY = timedelta(seconds=60)


@dataclass(frozen=True, slots=True)
class Authenticated:
    principal: Principal
    signature: Signature


class Authenticator:
    """Checks signatures. In test mode an unknown access key signs as the root user, unchecked."""

    def __init__(
        self,
        resolver: CredentialResolver,
        clock: Clock,
        root: Principal,
        *,
        test_mode: bool = False,
        signing_clock: Clock | None = None,
    ) -> None:
        """`signing_clock` is the one a signature's time is checked against (the clients' wall
        clock, when a test-mode server's own clock has been moved); `clock` by default."""
        self._resolver = resolver
        self._clock = clock
        self._signing_clock = signing_clock or clock
        self._root = root
        self._test_mode = test_mode
        self._keys = SigningKeys()

    def authenticate(self, request: HttpRequest) -> Authenticated:
        signature = parse_signature(request)
        now = self._clock.now()
        check_time(signature, self._signing_clock.now())
        credential = self._resolver.resolve(signature.access_key_id)
        if credential is None:
            if self._test_mode:
                return Authenticated(self._root, signature)
            raise UnrecognizedClient("The security token included in the request is invalid.")
        self._check_session(credential, signature)
        if not verify(request, signature, credential.secret_access_key, self._keys):
            raise InvalidSignature(SIGNATURE_MISMATCH)
        last_used = credential.last_used_at
        if last_used is None or now - last_used > LAST_USED_GRANULARITY:
            self._resolver.note_use(signature.access_key_id, signature.service, signature.region)
        return Authenticated(credential.principal, signature)

    def _check_session(self, credential: Credential, signature: Signature) -> None:
        if credential.session_token is None:
            if signature.session_token is not None:
                # A long-term key signed with a session token: AWS refuses the token.
                raise UnrecognizedClient("The security token included in the request is invalid.")
            return
        given = (signature.session_token or "").encode()
        if not hmac.compare_digest(given, credential.session_token.encode()):
            raise UnrecognizedClient("The security token included in the request is invalid.")
        if credential.expires_at is not None and credential.expires_at <= self._clock.now():
            raise ExpiredToken("The security token included in the request is expired")
