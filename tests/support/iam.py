"""Helpers for IAM tests: policy documents and users with their own keys."""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from typing import Any

from tests.support.server import ROOT_KEY, ROOT_SECRET, Server


@functools.cache
def _session() -> Any:
    import boto3

    return boto3.session.Session()


@functools.lru_cache(maxsize=256)
def _client(endpoint: str, service: str, key: str, secret: str, token: str | None, region: str) -> Any:
    from botocore.config import Config

    return _session().client(
        service,
        endpoint_url=endpoint,
        region_name=region,
        aws_access_key_id=key,
        aws_secret_access_key=secret,
        aws_session_token=token,
        config=Config(retries={"max_attempts": 1, "mode": "standard"}),
    )


def client(
    server: Server,
    service: str,
    key: str = ROOT_KEY,
    secret: str = ROOT_SECRET,
    token: str | None = None,
    region: str = "us-east-1",
) -> Any:
    """A boto3 client like `server.client`, made once per identity: building one costs ~0.3 s."""
    return _client(server.endpoint, service, key, secret, token, region)


def document(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def allow(action: str | list[str], resource: str | list[str] = "*", **extra: Any) -> dict[str, Any]:
    return {"Effect": "Allow", "Action": action, "Resource": resource, **extra}


def deny(action: str | list[str], resource: str | list[str] = "*", **extra: Any) -> dict[str, Any]:
    return {"Effect": "Deny", "Action": action, "Resource": resource, **extra}


def trust(principal: str | list[str], **extra: Any) -> str:
    """A role trust policy letting the given AWS principals assume the role."""
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {"Effect": "Allow", "Principal": {"AWS": principal}, "Action": "sts:AssumeRole", **extra}
            ],
        }
    )


@dataclass
class Identity:
    """An IAM user with an access key, and clients that sign as it."""

    server: Server
    name: str
    arn: str
    key: str
    secret: str

    def client(self, service: str, region: str = "us-east-1") -> Any:
        return client(self.server, service, self.key, self.secret, region=region)


def make_user(server: Server, name: str, *statements: dict[str, Any], path: str = "/") -> Identity:
    """A user with a key and, when statements are given, an inline policy holding them."""
    iam = client(server, "iam")
    user = iam.create_user(UserName=name, Path=path)["User"]
    if statements:
        iam.put_user_policy(UserName=name, PolicyName="inline", PolicyDocument=document(*statements))
    key = iam.create_access_key(UserName=name)["AccessKey"]
    return Identity(server, name, user["Arn"], key["AccessKeyId"], key["SecretAccessKey"])


def rsa_public_key(bits: int = 2048, comment: str = "alice@laptop") -> str:
    """A fresh OpenSSH `ssh-rsa` public key line."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=bits).public_key()
    line = key.public_bytes(serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH).decode()
    return f"{line} {comment}"
