"""The credential resolver and the non-API checks of git and console passwords."""

from __future__ import annotations

from datetime import timedelta

import pytest
from botocore.awsrequest import AWSRequest

from codeyard.accounts import PrincipalKind
from codeyard.errors import ExpiredToken, UnrecognizedClient
from codeyard.protocol.authentication import Authenticator
from codeyard.protocol.sigv4 import HttpRequest
from codeyard.services.iam.arns import root_principal
from codeyard.services.iam.epoch import read_epoch
from tests.support.signing import form_request, sign
from tests.unit.services.iam.conftest import ACCOUNT, World


def _signed(world: World, key: str, secret: str, token: str | None) -> HttpRequest:
    request: AWSRequest = form_request("http://127.0.0.1:1", "Action=GetCallerIdentity&Version=2011-06-15")
    sign(request, service="sts", key=key, secret=secret, token=token, when=world.clock.now())
    prepared = request.prepare()
    return HttpRequest(
        method="POST",
        raw_path="/",
        query_string="",
        headers=[("host", "127.0.0.1:1"), *((k.lower(), v) for k, v in prepared.headers.items())],
        body=prepared.body if isinstance(prepared.body, bytes) else str(prepared.body or "").encode(),
    )


def test_user_keys_resolve_until_deactivated(world: World) -> None:
    world.user("ann")
    key = world.iam.create_access_key(world.ctx(), user_name="ann")["AccessKey"]
    credential = world.credentials.resolve(key["AccessKeyId"])
    assert credential is not None
    assert credential.secret_access_key == key["SecretAccessKey"]
    assert credential.principal.kind is PrincipalKind.USER
    assert credential.principal.name == "ann"
    assert world.credentials.resolve(key["AccessKeyId"]) is credential  # cached in this epoch
    world.iam.update_access_key(
        world.ctx(), user_name="ann", access_key_id=key["AccessKeyId"], status="Inactive"
    )
    assert world.credentials.resolve(key["AccessKeyId"]) is None
    assert world.credentials.resolve("AKIANOTAKEY000000000") is None


def test_note_use_records_last_use(world: World) -> None:
    world.user("ann")
    key_id = world.iam.create_access_key(world.ctx(), user_name="ann")["AccessKey"]["AccessKeyId"]
    world.credentials.resolve(key_id)
    world.clock.advance(30)
    world.credentials.note_use(key_id, "iam", "eu-west-1")
    used = world.iam.get_access_key_last_used(world.ctx(), access_key_id=key_id)["AccessKeyLastUsed"]
    assert used == {"LastUsedDate": world.clock.now(), "ServiceName": "iam", "Region": "eu-west-1"}
    credential = world.credentials.resolve(key_id)
    assert credential is not None
    assert credential.last_used_at == world.clock.now()


def test_expired_session_tokens_answer_expired_token(world: World) -> None:
    world.user("ann")
    key = world.iam.create_access_key(world.ctx(), user_name="ann")["AccessKey"]
    ann = world.credentials.resolve(key["AccessKeyId"])
    assert ann is not None
    session = world.sts.get_session_token(world.ctx(ann.principal), duration_seconds=900)["Credentials"]
    authenticator = Authenticator(world.credentials, world.clock, root_principal(ACCOUNT))
    signed = _signed(world, session["AccessKeyId"], session["SecretAccessKey"], session["SessionToken"])
    assert authenticator.authenticate(signed).principal.arn == ann.principal.arn
    world.clock.advance(901)
    late = _signed(world, session["AccessKeyId"], session["SecretAccessKey"], session["SessionToken"])
    with pytest.raises(ExpiredToken) as caught:
        authenticator.authenticate(late)
    assert caught.value.message == "The security token included in the request is expired"
    wrong = _signed(world, session["AccessKeyId"], session["SecretAccessKey"], "forged")
    with pytest.raises(UnrecognizedClient):
        authenticator.authenticate(wrong)


def test_session_expiry_follows_the_requested_duration(world: World) -> None:
    now = world.clock.now()
    root = world.sts.get_session_token(world.ctx(), duration_seconds=7200)["Credentials"]
    assert root["Expiration"] == now + timedelta(hours=1)
    ann = world.user("ann")
    user = world.sts.get_session_token(world.ctx(ann))["Credentials"]
    assert user["Expiration"] == now + timedelta(hours=12)


def test_root_key_bootstrap_replaces_the_epoch(world: World) -> None:
    with world.store.reader() as uow:
        before = read_epoch(uow)
    assert world.credentials.ensure_root_key("AKIAROOT000000000000", "secret") is True
    assert world.credentials.ensure_root_key("AKIAROOT000000000000", "other") is False
    with world.store.reader() as uow:
        after = read_epoch(uow)
    assert after is not None
    assert after != before
    credential = world.credentials.resolve("AKIAROOT000000000000")
    assert credential is not None
    assert credential.secret_access_key == "other"
    assert credential.principal.is_root


def test_verify_service_password(world: World) -> None:
    world.user("ann")
    made = world.iam.create_service_specific_credential(
        world.ctx(), user_name="ann", service_name="codecommit.amazonaws.com"
    )["ServiceSpecificCredential"]
    name, password = made["ServiceUserName"], made["ServicePassword"]
    principal = world.iam.verify_service_password(name, password)
    assert principal is not None
    assert principal.arn == "arn:aws:iam::000000000000:user/ann"
    assert world.iam.verify_service_password(name, password + "x") is None
    assert world.iam.verify_service_password("bob-at-000000000000", password) is None
    assert world.iam.verify_service_password(name, password, "cassandra.amazonaws.com") is None
    with world.store.reader() as uow:
        stored = uow.service_credentials.get(service_user_name=name)
    assert stored is not None
    assert password not in stored.password_digest
    world.iam.update_service_specific_credential(
        world.ctx(), service_specific_credential_id=made["ServiceSpecificCredentialId"], status="Inactive"
    )
    assert world.iam.verify_service_password(name, password) is None


def test_verify_console_password(world: World) -> None:
    world.user("ann")
    world.iam.create_login_profile(world.ctx(), user_name="ann", password="Corr3ct-Horse")
    principal = world.iam.verify_console_password("ann", "Corr3ct-Horse")
    assert principal is not None
    assert principal.name == "ann"
    assert world.iam.verify_console_password("ann", "wrong") is None
    assert world.iam.verify_console_password("bob", "Corr3ct-Horse") is None
    with world.store.reader() as uow:
        profile = uow.login_profiles.get(user_name="ann")
    assert profile is not None
    assert "Corr3ct-Horse" not in profile.password_hash
