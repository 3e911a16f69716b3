"""AWS managed policies that users attach by ARN (`arn:aws:iam::aws:policy/...`).

The documents are our own short restatements of what each policy grants.
"""

from __future__ import annotations

import json
from dataclasses import dataclass


@dataclass(frozen=True)
class AwsManagedPolicy:
    name: str
    description: str
    statements: tuple[dict[str, object], ...]
    path: str = "/"

    @property
    def arn(self) -> str:
        return f"arn:aws:iam::aws:policy{self.path}{self.name}"

    @property
    def document(self) -> str:
        return json.dumps({"Version": "2012-10-17", "Statement": list(self.statements)})


def _allow(actions: list[str], resource: str = "*") -> dict[str, object]:
    return {"Effect": "Allow", "Action": actions, "Resource": resource}


_READ = ["Get*", "List*", "Describe*", "BatchGet*"]


def _read(prefix: str) -> list[str]:
    return [f"{prefix}:{verb}" for verb in _READ]


POLICIES = (
    AwsManagedPolicy(
        "AdministratorAccess", "Provides full access to AWS services and resources.", (_allow(["*"]),), "/"
    ),
    AwsManagedPolicy(
        "PowerUserAccess",
        "Full access to AWS services and resources, but no management of users and groups.",
        (
            {"Effect": "Allow", "NotAction": ["iam:*", "organizations:*", "account:*"], "Resource": "*"},
            _allow(["iam:CreateServiceLinkedRole", "iam:DeleteServiceLinkedRole", "iam:ListRoles"]),
        ),
        "/",
    ),
    AwsManagedPolicy(
        "ReadOnlyAccess",
        "Read-only access to AWS services and resources.",
        (_allow(["*:" + v for v in _READ]),),
        "/",
    ),
    AwsManagedPolicy("IAMFullAccess", "Full access to IAM.", (_allow(["iam:*"]),), "/"),
    AwsManagedPolicy(
        "IAMReadOnlyAccess",
        "Read-only access to IAM.",
        (_allow(["iam:Get*", "iam:List*", "iam:Generate*"]),),
        "/",
    ),
    AwsManagedPolicy("AmazonSSMFullAccess", "Full access to Systems Manager.", (_allow(["ssm:*"]),), "/"),
    AwsManagedPolicy(
        "AmazonSSMReadOnlyAccess",
        "Read-only access to Systems Manager.",
        (_allow(["ssm:Describe*", "ssm:Get*", "ssm:List*"]),),
        "/",
    ),
    AwsManagedPolicy(
        "SecretsManagerReadWrite",
        "Read and write access to Secrets Manager.",
        (_allow(["secretsmanager:*"]),),
        "/",
    ),
    AwsManagedPolicy(
        "AWSCodeCommitFullAccess", "Full access to CodeCommit.", (_allow(["codecommit:*"]),), "/"
    ),
    AwsManagedPolicy(
        "AWSCodeCommitPowerUser",
        "Full use of CodeCommit repositories, but not repository deletion.",
        (
            _allow(["codecommit:*"]),
            {"Effect": "Deny", "Action": ["codecommit:DeleteRepository"], "Resource": "*"},
        ),
        "/",
    ),
    AwsManagedPolicy(
        "AWSCodeCommitReadOnly",
        "Read-only access to CodeCommit.",
        (_allow([*_read("codecommit"), "codecommit:GitPull"]),),
        "/",
    ),
    AwsManagedPolicy(
        "AWSCodeBuildAdminAccess", "Full access to CodeBuild.", (_allow(["codebuild:*", "logs:*"]),), "/"
    ),
    AwsManagedPolicy(
        "AWSCodeBuildDeveloperAccess",
        "Use of CodeBuild without project deletion.",
        (
            _allow(["codebuild:*", "logs:GetLogEvents"]),
            {"Effect": "Deny", "Action": ["codebuild:DeleteProject"], "Resource": "*"},
        ),
        "/",
    ),
    AwsManagedPolicy(
        "AWSCodeBuildReadOnlyAccess",
        "Read-only access to CodeBuild.",
        (_allow([*_read("codebuild"), "logs:GetLogEvents"]),),
        "/",
    ),
    AwsManagedPolicy(
        "AWSCodePipeline_FullAccess", "Full access to CodePipeline.", (_allow(["codepipeline:*"]),), "/"
    ),
    AwsManagedPolicy(
        "AWSCodePipeline_ReadOnlyAccess",
        "Read-only access to CodePipeline.",
        (_allow(_read("codepipeline")),),
        "/",
    ),
    AwsManagedPolicy(
        "AWSCodeDeployFullAccess", "Full access to CodeDeploy.", (_allow(["codedeploy:*"]),), "/"
    ),
    AwsManagedPolicy(
        "AWSCodeDeployReadOnlyAccess", "Read-only access to CodeDeploy.", (_allow(_read("codedeploy")),), "/"
    ),
)

_BY_ARN = {policy.arn: policy for policy in POLICIES}


def aws_managed_policy(arn: str) -> AwsManagedPolicy | None:
    return _BY_ARN.get(arn)


def aws_managed_document(arn: str) -> str | None:
    policy = _BY_ARN.get(arn)
    return None if policy is None else policy.document
