"""The demo `make up` starts with: a few parameters, a secret and a read-only team, made once."""

from __future__ import annotations

from codeyard.accounts import RequestContext
from codeyard.errors import CodeyardError
from codeyard.services.iam.api import IamApi
from codeyard.services.secretsmanager.api import SecretsManagerApi
from codeyard.services.ssm.api import SsmApi

MARKER = "/demo/app/greeting"


def seed(ctx: RequestContext, iam: IamApi, ssm: SsmApi, secrets: SecretsManagerApi) -> bool:
    """Make the demo resources through the services' own operations; False when they exist already."""
    try:
        ssm.put_parameter(ctx, name=MARKER, value="Hello from Codeyard", type="String")
    except CodeyardError as error:
        if error.code == "ParameterAlreadyExists":
            return False
        raise
    ssm.put_parameter(ctx, name="/demo/app/db-password", value="demo-only-s3cr3t", type="SecureString")
    ssm.put_parameter(ctx, name="/demo/app/features", value="search,export", type="StringList")
    secrets.create_secret(ctx, name="demo/app/api-token", secret_string='{"token": "demo-token-123"}')
    iam.create_group(ctx, group_name="demo-readers")
    iam.attach_group_policy(
        ctx, group_name="demo-readers", policy_arn="arn:aws:iam::aws:policy/ReadOnlyAccess"
    )
    iam.create_user(ctx, user_name="demo-reader")
    iam.add_user_to_group(ctx, group_name="demo-readers", user_name="demo-reader")
    return True


def commands(endpoint: str) -> list[str]:
    """What to try against the demo, printed by `codeyard up --demo`."""
    return [
        "Demo resources are in place. Try (with the exports above):",
        "  aws ssm get-parameters-by-path --path /demo --recursive --with-decryption",
        "  aws secretsmanager get-secret-value --secret-id demo/app/api-token",
        "  aws iam get-group --group-name demo-readers",
        "  aws iam create-access-key --user-name demo-reader   # then call as that read-only user",
        f"  (every command takes --endpoint-url {endpoint} unless AWS_ENDPOINT_URL is set)",
    ]
