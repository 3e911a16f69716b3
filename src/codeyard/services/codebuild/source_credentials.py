"""Source credentials: one token per source provider (server type) and region, sealed at rest, never answered."""

from __future__ import annotations

from typing import Any

from codeyard.accounts import RequestContext
from codeyard.services.codebuild.base import CodeBuildBase
from codeyard.services.codebuild.errors import (
    InvalidInputException,
    ResourceAlreadyExistsException,
    ResourceNotFoundException,
)
from codeyard.store.ports import Conflict
from codeyard.store.ports.codebuild_access import SourceCredentialRecord

# authTypes whose token is an ARN (a connection's, a secret's), answered as the credentials' resource
_RESOURCE_TYPES = {"CODECONNECTIONS": ":codeconnections:", "SECRETS_MANAGER": ":secretsmanager:"}
_PREFIX = "token/"
# the longest username and connection or secret ARN kept (the store's columns; AWS states no limit)
MAX_USERNAME = 1024
MAX_RESOURCE = 2048
# transactions an import may take: a second one when another import added the row first
_ATTEMPTS = 3


def _arn(ctx: RequestContext, server_type: str) -> str:
    return ctx.arn("codebuild", _PREFIX + server_type.lower())


def _sealing_context(arn: str) -> str:
    return f"cb_source_credentials:{arn}"


class SourceCredentialsMixin(CodeBuildBase):
    def import_source_credentials(
        self,
        ctx: RequestContext,
        *,
        token: str,
        server_type: str,
        auth_type: str,
        username: str | None = None,
        should_overwrite: bool | None = None,
    ) -> dict[str, Any]:
        _check(server_type, auth_type, username, token)
        if self._box is None:
            raise InvalidInputException("This server keeps no source credentials: it has no master key")
        arn = _arn(ctx, server_type)
        record = SourceCredentialRecord(
            region=ctx.region,
            server_type=server_type,
            arn=arn,
            auth_type=auth_type,
            created_at=self._clock.now(),
            sealed_token=self._box.seal_text(token, _sealing_context(arn)),
            username=username,
            resource=token if auth_type in _RESOURCE_TYPES else None,
        )
        exists = ResourceAlreadyExistsException(
            f"Access token with server type {server_type} already exists. Delete its source credential "
            "and try again, or import it with shouldOverwrite."
        )
        for _ in range(_ATTEMPTS):
            with self._store.unit_of_work() as uow:
                current = uow.source_credentials.get(
                    region=ctx.region, server_type=server_type, for_update=True
                )
                if current is not None and should_overwrite is False:
                    raise exists
                try:
                    if current is None:
                        uow.source_credentials.add(record)
                    else:
                        uow.source_credentials.update(record)
                except Conflict:
                    if should_overwrite is False:
                        raise exists from None
                    # another call added the server type's credentials meanwhile: overwritten in a
                    # new transaction (this one is spoilt), as if it had come first
                    continue
                uow.commit()
                return {"arn": arn}
        raise exists

    def list_source_credentials(self, ctx: RequestContext) -> dict[str, Any]:
        with self._reading() as uow:
            records = uow.source_credentials.find(region=ctx.region, order_by="server_type")
        infos = []
        for record in records:
            info = {"arn": record.arn, "serverType": record.server_type, "authType": record.auth_type}
            if record.resource is not None:
                info["resource"] = record.resource
            infos.append(info)
        return {"sourceCredentialsInfos": infos}

    def delete_source_credentials(self, ctx: RequestContext, *, arn: str) -> dict[str, Any]:
        with self._store.unit_of_work() as uow:
            found = [r for r in uow.source_credentials.find(region=ctx.region) if r.arn == arn]
            if not found:
                raise ResourceNotFoundException(f"Source credentials not found: {arn}")
            uow.source_credentials.remove(region=ctx.region, server_type=found[0].server_type)
            uow.commit()
        return {"arn": arn}


def _check(server_type: str, auth_type: str, username: str | None, token: str) -> None:
    """The combinations AWS accepts: no OAUTH through the API, a username with BASIC_AUTH alone
    (Bitbucket's app passwords), an ARN as the token of a connection or a secret."""
    if auth_type == "OAUTH":
        raise InvalidInputException(
            "OAUTH source credentials cannot be imported through the API: use a personal access token"
        )
    if auth_type == "BASIC_AUTH":
        if server_type != "BITBUCKET":
            raise InvalidInputException(f"authType BASIC_AUTH is only valid for BITBUCKET, not {server_type}")
        if not username:
            raise InvalidInputException("A username is required for authType BASIC_AUTH")
    elif username is not None:
        raise InvalidInputException(f"A username is only valid for authType BASIC_AUTH, not {auth_type}")
    if username is not None and len(username) > MAX_USERNAME:
        raise InvalidInputException(f"The username is at most {MAX_USERNAME} characters long")
    service = _RESOURCE_TYPES.get(auth_type)
    if service is not None and not (token.startswith("arn:") and service in token):
        raise InvalidInputException(
            f"For authType {auth_type} the token must be an ARN of {service.strip(':')}"
        )
    if service is not None and len(token) > MAX_RESOURCE:
        raise InvalidInputException(
            f"For authType {auth_type} the token is an ARN of at most {MAX_RESOURCE} characters"
        )
