"""The demo `make up` starts with: a few parameters, a secret, a read-only team and a CodeCommit
repository with a first commit and a developer allowed to use it, made once."""

from __future__ import annotations

from codeyard.accounts import RequestContext
from codeyard.errors import CodeyardError
from codeyard.services.codecommit.api import CodeCommitApi
from codeyard.services.iam.api import IamApi
from codeyard.services.secretsmanager.api import SecretsManagerApi
from codeyard.services.ssm.api import SsmApi

MARKER = "/demo/app/greeting"


REPOSITORY = "demo-app"
DEVELOPER_POLICY = """{"Version": "2012-10-17", "Statement": [
  {"Effect": "Allow", "Action": "codecommit:*", "Resource": "*"}]}"""
README = """# demo-app

A repository made by Codeyard's demo. Clone it with the git credentials of `demo-developer`.
"""
BUILDSPEC = """version: 0.2
phases:
  build:
    commands:
      - echo "Hello from demo-app"
"""


def seed(
    ctx: RequestContext, iam: IamApi, ssm: SsmApi, secrets: SecretsManagerApi, codecommit: CodeCommitApi
) -> bool:
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
    iam.create_user(ctx, user_name="demo-developer")
    iam.put_user_policy(
        ctx, user_name="demo-developer", policy_name="codecommit", policy_document=DEVELOPER_POLICY
    )
    codecommit.create_repository(
        ctx, repository_name=REPOSITORY, repository_description="Codeyard's demo repository"
    )
    codecommit.create_commit(
        ctx,
        repository_name=REPOSITORY,
        branch_name="main",
        commit_message="First commit",
        author_name="Codeyard demo",
        put_files=[
            {"filePath": "README.md", "fileContent": README.encode()},
            {"filePath": "buildspec.yml", "fileContent": BUILDSPEC.encode()},
        ],
    )
    return True


def commands(endpoint: str) -> list[str]:
    """What to try against the demo, printed by `codeyard up --demo`."""
    return [
        "Demo resources are in place. Try (with the exports above):",
        "  aws ssm get-parameters-by-path --path /demo --recursive --with-decryption",
        "  aws secretsmanager get-secret-value --secret-id demo/app/api-token",
        "  aws iam get-group --group-name demo-readers",
        "  aws iam create-access-key --user-name demo-reader   # then call as that read-only user",
        f"  aws codecommit get-file --repository-name {REPOSITORY} --file-path README.md",
        "  aws iam create-service-specific-credential --user-name demo-developer \\",
        "      --service-name codecommit.amazonaws.com       # git user name and password, shown once",
        f"  git clone {endpoint}/v1/repos/{REPOSITORY}",
        f"  (every command takes --endpoint-url {endpoint} unless AWS_ENDPOINT_URL is set)",
    ]
