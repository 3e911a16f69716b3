"""The runner's SigV4 signer gives botocore's Authorization for the same request, time and keys."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from botocore.awsrequest import AWSRequest

from codeyard.runner.sigv4 import Credentials, signed_headers
from tests.support.signing import sign

WHEN = datetime(2026, 11, 29, 9, 30, 1, tzinfo=UTC)
KEY, SECRET = "AKIDEXAMPLE0000000001", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"


@pytest.mark.parametrize(
    ("url", "body", "token"),
    [
        ("http://127.0.0.1:4567/", b'{"Name": "/ci/token", "WithDecryption": true}', None),
        ("https://ssm.eu-west-1.amazonaws.com/", b"{}", "session/token+with=odd chars"),
        ("http://localhost:9000/a%20path/x?b=2&a=1&c=with%20space", b"", None),
    ],
)
def test_same_signature_as_botocore(url: str, body: bytes, token: str | None) -> None:
    headers = {"Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": "AmazonSSM.GetParameter"}
    ours = signed_headers(
        "POST",
        url,
        headers,
        body,
        credentials=Credentials(KEY, SECRET, token),
        region="eu-west-1",
        service="ssm",
        now=WHEN,
    )
    theirs = sign(
        AWSRequest(method="POST", url=url, data=body, headers=headers),
        service="ssm",
        region="eu-west-1",
        key=KEY,
        secret=SECRET,
        token=token,
        when=WHEN,
    )
    assert ours["Authorization"] == theirs.headers["Authorization"]
    assert ours["X-Amz-Date"] == "20261129T093001Z"
    assert ours.get("X-Amz-Security-Token") == token
