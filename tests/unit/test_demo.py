"""The demo resources: made once through the services, usable through the API."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from codeyard import demo
from codeyard.accounts import RequestContext
from codeyard.app import build
from codeyard.bootstrap import banner
from codeyard.config import Settings
from codeyard.services.iam.arns import root_principal


def test_demo_is_seeded_once_and_readable(tmp_path: Path) -> None:
    settings = Settings(
        data_dir=tmp_path, demo=True, root_access_key_id="AKIADEMO", root_secret_access_key="s"
    )
    first = build(settings)
    first.close()
    again = build(settings)  # a second start must not fail on what the first one made
    try:
        services = again.services
        ctx = RequestContext(root_principal("000000000000"), "us-east-1", "000000000000", "r")
        found = services["ssm"].get_parameters_by_path(
            ctx, path="/demo", recursive=True, with_decryption=True
        )  # type: ignore[attr-defined]
        values = {p["Name"]: p["Value"] for p in found["Parameters"]}
        assert values["/demo/app/db-password"] == "demo-only-s3cr3t"
        assert values[demo.MARKER] == "Hello from Codeyard"
        group = services["iam"].get_group(ctx, group_name="demo-readers")  # type: ignore[attr-defined]
        assert [u["UserName"] for u in group["Users"]] == ["demo-reader"]
        secret = services["secretsmanager"].get_secret_value(ctx, secret_id="demo/app/api-token")  # type: ignore[attr-defined]
        assert "demo-token-123" in secret["SecretString"]
        readme = services["codecommit"].get_file(ctx, repository_name=demo.REPOSITORY, file_path="README.md")  # type: ignore[attr-defined]
        assert readme["fileContent"] == demo.README.encode()
        policy = services["iam"].get_user_policy(ctx, user_name="demo-developer", policy_name="codecommit")  # type: ignore[attr-defined]
        assert "codecommit%3A%2A" in policy["PolicyDocument"]  # IAM answers policies URL-encoded
        assert (
            demo.seed(
                ctx,
                services["iam"],  # type: ignore[arg-type]
                services["ssm"],  # type: ignore[arg-type]
                services["secretsmanager"],  # type: ignore[arg-type]
                services["codecommit"],  # type: ignore[arg-type]
            )
            is False
        )
    finally:
        again.close()
    text = banner(settings, replace(again.root, created=False))
    assert "get-parameters-by-path --path /demo" in text
    assert f"/v1/repos/{demo.REPOSITORY}" in text
