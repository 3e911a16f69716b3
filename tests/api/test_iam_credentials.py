"""Service-specific credentials, SSH public keys and login profiles through boto3."""

from __future__ import annotations

import base64
import hashlib

import pytest
from botocore.exceptions import ClientError
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519

from tests.support.iam import allow, client, make_user, rsa_public_key
from tests.support.server import Server

CODECOMMIT = "codecommit.amazonaws.com"


def test_service_specific_credential_lifecycle(server: Server) -> None:
    iam = client(server, "iam")
    iam.create_user(UserName="alice")
    first = iam.create_service_specific_credential(UserName="alice", ServiceName=CODECOMMIT)
    credential = first["ServiceSpecificCredential"]
    assert credential["ServiceUserName"] == "alice-at-000000000000"
    assert credential["ServiceSpecificCredentialId"].startswith("ACCA")
    assert len(credential["ServicePassword"]) == 44
    assert credential["Status"] == "Active"
    second = iam.create_service_specific_credential(UserName="alice", ServiceName=CODECOMMIT)
    assert second["ServiceSpecificCredential"]["ServiceUserName"] == "alice+1-at-000000000000"
    with pytest.raises(ClientError) as caught:
        iam.create_service_specific_credential(UserName="alice", ServiceName=CODECOMMIT)
    assert caught.value.response["Error"]["Code"] == "LimitExceeded"
    keyspaces = iam.create_service_specific_credential(
        UserName="alice", ServiceName="cassandra.amazonaws.com"
    )
    assert keyspaces["ServiceSpecificCredential"]["ServiceUserName"] == "alice-at-000000000000"

    listed = iam.list_service_specific_credentials(UserName="alice", ServiceName=CODECOMMIT)
    assert len(listed["ServiceSpecificCredentials"]) == 2
    assert all("ServicePassword" not in c for c in listed["ServiceSpecificCredentials"])
    everything = iam.list_service_specific_credentials(UserName="alice")["ServiceSpecificCredentials"]
    assert len(everything) == 3

    credential_id = credential["ServiceSpecificCredentialId"]
    reset = iam.reset_service_specific_credential(UserName="alice", ServiceSpecificCredentialId=credential_id)
    assert reset["ServiceSpecificCredential"]["ServicePassword"] != credential["ServicePassword"]
    iam.update_service_specific_credential(
        UserName="alice", ServiceSpecificCredentialId=credential_id, Status="Inactive"
    )
    statuses = {
        c["ServiceSpecificCredentialId"]: c["Status"]
        for c in iam.list_service_specific_credentials(UserName="alice")["ServiceSpecificCredentials"]
    }
    assert statuses[credential_id] == "Inactive"
    iam.delete_service_specific_credential(UserName="alice", ServiceSpecificCredentialId=credential_id)
    assert len(iam.list_service_specific_credentials(UserName="alice")["ServiceSpecificCredentials"]) == 2
    with pytest.raises(ClientError) as caught:
        iam.delete_service_specific_credential(UserName="alice", ServiceSpecificCredentialId=credential_id)
    assert caught.value.response["Error"]["Code"] == "NoSuchEntity"


def test_service_specific_credential_errors(server: Server) -> None:
    iam = client(server, "iam")
    iam.create_user(UserName="alice")
    with pytest.raises(ClientError) as caught:
        iam.create_service_specific_credential(UserName="alice", ServiceName="s3.amazonaws.com")
    assert caught.value.response["Error"]["Code"] == "NotSupportedService"
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404
    with pytest.raises(ClientError) as caught:
        iam.create_service_specific_credential(UserName="alice", ServiceName="bedrock.amazonaws.com")
    assert caught.value.response["Error"]["Code"] == "NotSupportedService"
    with pytest.raises(ClientError) as caught:
        iam.create_service_specific_credential(UserName="alice", ServiceName=CODECOMMIT, CredentialAgeDays=30)
    assert caught.value.response["Error"]["Code"] == "InvalidInput"
    with pytest.raises(ClientError) as caught:
        iam.create_service_specific_credential(UserName="ghost", ServiceName=CODECOMMIT)
    assert caught.value.response["Error"]["Code"] == "NoSuchEntity"
    with pytest.raises(ClientError) as caught:
        iam.reset_service_specific_credential(ServiceSpecificCredentialId="ACCAAAAAAAAAAAAAAAAAAA")
    assert caught.value.response["Error"]["Code"] == "NoSuchEntity"


def test_list_service_specific_credentials_of_caller_and_all_users(server: Server) -> None:
    alice = make_user(server, "alice", allow("iam:*ServiceSpecificCredential*"))
    iam = client(server, "iam")
    iam.create_user(UserName="bob")
    iam.create_service_specific_credential(UserName="bob", ServiceName=CODECOMMIT)
    alice.client("iam").create_service_specific_credential(UserName="alice", ServiceName=CODECOMMIT)
    own = alice.client("iam").list_service_specific_credentials()["ServiceSpecificCredentials"]
    assert [c["UserName"] for c in own] == ["alice"]
    everyone = iam.list_service_specific_credentials(AllUsers=True)["ServiceSpecificCredentials"]
    assert sorted(c["UserName"] for c in everyone) == ["alice", "bob"]


def _fingerprint(openssh: str) -> str:
    digest = hashlib.md5(base64.b64decode(openssh.split()[1]), usedforsecurity=False).hexdigest()
    return ":".join(digest[i : i + 2] for i in range(0, 32, 2))


def test_ssh_public_key_lifecycle(server: Server) -> None:
    iam = client(server, "iam")
    iam.create_user(UserName="alice")
    body = rsa_public_key()
    uploaded = iam.upload_ssh_public_key(UserName="alice", SSHPublicKeyBody=body)["SSHPublicKey"]
    key_id = uploaded["SSHPublicKeyId"]
    assert key_id.startswith("APKA")
    assert uploaded["Fingerprint"] == _fingerprint(body)
    assert uploaded["Status"] == "Active"
    assert (
        iam.get_ssh_public_key(UserName="alice", SSHPublicKeyId=key_id, Encoding="SSH")["SSHPublicKey"][
            "SSHPublicKeyBody"
        ]
        == body
    )
    pem = iam.get_ssh_public_key(UserName="alice", SSHPublicKeyId=key_id, Encoding="PEM")["SSHPublicKey"]
    assert pem["SSHPublicKeyBody"].startswith("-----BEGIN PUBLIC KEY-----")
    reloaded = serialization.load_pem_public_key(pem["SSHPublicKeyBody"].encode())
    assert (
        reloaded.public_bytes(serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH).decode()
        in body
    )
    listed = iam.list_ssh_public_keys(UserName="alice")["SSHPublicKeys"]
    assert [(k["SSHPublicKeyId"], k["Status"]) for k in listed] == [(key_id, "Active")]
    iam.update_ssh_public_key(UserName="alice", SSHPublicKeyId=key_id, Status="Inactive")
    assert iam.list_ssh_public_keys(UserName="alice")["SSHPublicKeys"][0]["Status"] == "Inactive"
    iam.delete_ssh_public_key(UserName="alice", SSHPublicKeyId=key_id)
    assert iam.list_ssh_public_keys(UserName="alice")["SSHPublicKeys"] == []
    with pytest.raises(ClientError) as caught:
        iam.get_ssh_public_key(UserName="alice", SSHPublicKeyId=key_id, Encoding="SSH")
    assert caught.value.response["Error"]["Code"] == "NoSuchEntity"
    assert caught.value.response["Error"]["Message"] == f"The Public Key with id {key_id} cannot be found."


def test_ssh_keys_of_other_algorithms_and_pem(server: Server) -> None:
    iam = client(server, "iam")
    iam.create_user(UserName="alice")
    ed = ed25519.Ed25519PrivateKey.generate().public_key()
    ed_line = ed.public_bytes(serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH).decode()
    ecdsa = ec.generate_private_key(ec.SECP256R1()).public_key()
    ecdsa_pem = ecdsa.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode()
    ecdsa_line = ecdsa.public_bytes(
        serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH
    ).decode()
    first = iam.upload_ssh_public_key(UserName="alice", SSHPublicKeyBody=ed_line)["SSHPublicKey"]
    assert first["Fingerprint"] == _fingerprint(ed_line)
    second = iam.upload_ssh_public_key(UserName="alice", SSHPublicKeyBody=ecdsa_pem)["SSHPublicKey"]
    assert second["Fingerprint"] == _fingerprint(ecdsa_line)
    as_ssh = iam.get_ssh_public_key(UserName="alice", SSHPublicKeyId=second["SSHPublicKeyId"], Encoding="SSH")
    assert as_ssh["SSHPublicKey"]["SSHPublicKeyBody"] == ecdsa_line


def test_ssh_key_errors(server: Server) -> None:
    iam = client(server, "iam")
    iam.create_user(UserName="alice")
    body = rsa_public_key()
    iam.upload_ssh_public_key(UserName="alice", SSHPublicKeyBody=body)
    cases = [
        (body, "DuplicateSSHPublicKey"),
        ("ssh-rsa AAAAnot-base64-at-all", "InvalidPublicKey"),
        (rsa_public_key(1024), "InvalidPublicKey"),
        ("-----BEGIN PUBLIC KEY-----\nZm9v\n-----END PUBLIC KEY-----", "InvalidPublicKey"),
        ("ssh-dss AAAAB3NzaC1kc3MAAACBAP", "UnrecognizedPublicKeyEncoding"),
        ("hello world", "UnrecognizedPublicKeyEncoding"),
    ]
    for text, code in cases:
        with pytest.raises(ClientError) as caught:
            iam.upload_ssh_public_key(UserName="alice", SSHPublicKeyBody=text)
        assert caught.value.response["Error"]["Code"] == code, text
    with pytest.raises(ClientError) as caught:
        iam.upload_ssh_public_key(UserName="ghost", SSHPublicKeyBody=rsa_public_key())
    assert caught.value.response["Error"]["Code"] == "NoSuchEntity"
    for _ in range(4):
        iam.upload_ssh_public_key(UserName="alice", SSHPublicKeyBody=rsa_public_key())
    with pytest.raises(ClientError) as caught:
        iam.upload_ssh_public_key(UserName="alice", SSHPublicKeyBody=rsa_public_key())
    assert caught.value.response["Error"]["Code"] == "LimitExceeded"


def test_login_profile_lifecycle(server: Server) -> None:
    iam = client(server, "iam")
    iam.create_user(UserName="alice")
    created = iam.create_login_profile(UserName="alice", Password="Corr3ct-Horse", PasswordResetRequired=True)
    assert created["LoginProfile"]["UserName"] == "alice"
    assert created["LoginProfile"]["PasswordResetRequired"] is True
    fetched = iam.get_login_profile(UserName="alice")["LoginProfile"]
    assert fetched["CreateDate"] == created["LoginProfile"]["CreateDate"]
    iam.update_login_profile(UserName="alice", PasswordResetRequired=False)
    assert iam.get_login_profile(UserName="alice")["LoginProfile"]["PasswordResetRequired"] is False
    iam.update_login_profile(UserName="alice", Password="An0ther-Secret")
    with pytest.raises(ClientError) as caught:
        iam.create_login_profile(UserName="alice", Password="Corr3ct-Horse")
    assert caught.value.response["Error"]["Code"] == "EntityAlreadyExists"
    iam.delete_login_profile(UserName="alice")
    with pytest.raises(ClientError) as caught:
        iam.get_login_profile(UserName="alice")
    assert caught.value.response["Error"]["Code"] == "NoSuchEntity"
    assert caught.value.response["Error"]["Message"] == "Login Profile for User alice cannot be found."
    with pytest.raises(ClientError) as caught:
        iam.delete_login_profile(UserName="alice")
    assert caught.value.response["Error"]["Code"] == "NoSuchEntity"


def test_login_profile_password_policy(server: Server) -> None:
    iam = client(server, "iam")
    iam.create_user(UserName="alice")
    for weak in ("short1A", "alllowercase", "ALICE-ALICE", "12345678!"):
        with pytest.raises(ClientError) as caught:
            iam.create_login_profile(UserName="alice", Password=weak)
        assert caught.value.response["Error"]["Code"] == "PasswordPolicyViolation"
    with pytest.raises(ClientError) as caught:
        iam.create_login_profile(UserName="ghost", Password="Corr3ct-Horse")
    assert caught.value.response["Error"]["Code"] == "NoSuchEntity"
    iam.create_login_profile(UserName="alice", Password="Corr3ct-Horse")
    with pytest.raises(ClientError) as caught:
        iam.update_login_profile(UserName="alice", Password="weak")
    assert caught.value.response["Error"]["Code"] == "PasswordPolicyViolation"
