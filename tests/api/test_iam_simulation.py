"""SimulatePrincipalPolicy and SimulateCustomPolicy through boto3."""

from __future__ import annotations

import json

from tests.support.iam import allow, client, deny, document
from tests.support.server import Server


def _decisions(results: list[dict[str, object]]) -> dict[tuple[object, object], object]:
    return {(r["EvalActionName"], r["EvalResourceName"]): r["EvalDecision"] for r in results}


def test_simulate_principal_policy_of_a_user_with_groups(server: Server) -> None:
    iam = client(server, "iam")
    user = iam.create_user(UserName="alice")["User"]
    iam.put_user_policy(UserName="alice", PolicyName="mine", PolicyDocument=document(allow("s3:*")))
    iam.create_group(GroupName="careful")
    iam.add_user_to_group(GroupName="careful", UserName="alice")
    iam.put_group_policy(
        GroupName="careful", PolicyName="no-delete", PolicyDocument=document(deny("s3:DeleteBucket"))
    )
    results = iam.simulate_principal_policy(
        PolicySourceArn=user["Arn"],
        ActionNames=["s3:GetObject", "s3:DeleteBucket", "sqs:SendMessage"],
        ResourceArns=["arn:aws:s3:::data"],
    )["EvaluationResults"]
    assert _decisions(results) == {
        ("s3:GetObject", "arn:aws:s3:::data"): "allowed",
        ("s3:DeleteBucket", "arn:aws:s3:::data"): "explicitDeny",
        ("sqs:SendMessage", "arn:aws:s3:::data"): "implicitDeny",
    }
    matched = {r["EvalActionName"]: r["MatchedStatements"] for r in results}
    assert matched["s3:GetObject"] == [{"SourcePolicyId": "mine", "SourcePolicyType": "user"}]
    assert matched["s3:DeleteBucket"] == [{"SourcePolicyId": "no-delete", "SourcePolicyType": "group"}]
    excluded = iam.simulate_principal_policy(
        PolicySourceArn=user["Arn"],
        ActionNames=["s3:DeleteBucket"],
        PolicyExclusionList=[
            {
                "InlinePolicyIdentifier": {
                    "PolicyName": "no-delete",
                    "AttachmentType": "group",
                    "AttachmentName": "careful",
                }
            }
        ],
    )["EvaluationResults"]
    assert excluded[0]["EvalDecision"] == "allowed"
    no_inline = iam.simulate_principal_policy(
        PolicySourceArn=user["Arn"],
        ActionNames=["s3:GetObject"],
        PolicyExclusionList=[{"PolicyType": "inline"}],
    )["EvaluationResults"]
    assert no_inline[0]["EvalDecision"] == "implicitDeny"


def test_simulate_principal_policy_of_a_role_with_boundary_and_context(server: Server) -> None:
    iam = client(server, "iam")
    trust = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {"Effect": "Allow", "Principal": {"AWS": "000000000000"}, "Action": "sts:AssumeRole"}
            ],
        }
    )
    role = iam.create_role(RoleName="r", AssumeRolePolicyDocument=trust)["Role"]
    conditional = allow("ssm:GetParameter", Condition={"StringEquals": {"aws:RequestedRegion": "eu-west-1"}})
    iam.put_role_policy(RoleName="r", PolicyName="p", PolicyDocument=document(allow("iam:*"), conditional))
    iam.put_role_permissions_boundary(
        RoleName="r", PermissionsBoundary="arn:aws:iam::aws:policy/IAMReadOnlyAccess"
    )
    results = iam.simulate_principal_policy(
        PolicySourceArn=role["Arn"],
        ActionNames=["iam:ListUsers", "iam:CreateUser", "ssm:GetParameter"],
    )["EvaluationResults"]
    by_action = {r["EvalActionName"]: r for r in results}
    assert by_action["iam:ListUsers"]["EvalDecision"] == "allowed"
    assert by_action["iam:CreateUser"]["EvalDecision"] == "implicitDeny"
    assert by_action["iam:CreateUser"]["PermissionsBoundaryDecisionDetail"] == {
        "AllowedByPermissionsBoundary": False
    }
    assert by_action["ssm:GetParameter"]["MissingContextValues"] == ["aws:RequestedRegion"]
    with_context = iam.simulate_principal_policy(
        PolicySourceArn=role["Arn"],
        ActionNames=["ssm:GetParameter"],
        PermissionsBoundaryPolicyInputList=[document(allow("*"))],
        ContextEntries=[
            {
                "ContextKeyName": "aws:RequestedRegion",
                "ContextKeyValues": ["eu-west-1"],
                "ContextKeyType": "string",
            }
        ],
    )["EvaluationResults"]
    assert with_context[0]["EvalDecision"] == "allowed"


def test_simulate_custom_policy_with_pages(server: Server) -> None:
    iam = client(server, "iam")
    policy = document(
        allow("s3:Get*", "arn:aws:s3:::data/*"), deny("s3:GetObject", "arn:aws:s3:::data/secret/*")
    )
    first = iam.simulate_custom_policy(
        PolicyInputList=[policy],
        ActionNames=["s3:GetObject", "s3:GetObjectAcl"],
        ResourceArns=["arn:aws:s3:::data/a", "arn:aws:s3:::data/secret/b"],
        MaxItems=3,
    )
    assert first["IsTruncated"] is True
    rest = iam.simulate_custom_policy(
        PolicyInputList=[policy],
        ActionNames=["s3:GetObject", "s3:GetObjectAcl"],
        ResourceArns=["arn:aws:s3:::data/a", "arn:aws:s3:::data/secret/b"],
        Marker=first["Marker"],
    )
    assert _decisions(first["EvaluationResults"] + rest["EvaluationResults"]) == {
        ("s3:GetObject", "arn:aws:s3:::data/a"): "allowed",
        ("s3:GetObject", "arn:aws:s3:::data/secret/b"): "explicitDeny",
        ("s3:GetObjectAcl", "arn:aws:s3:::data/a"): "allowed",
        ("s3:GetObjectAcl", "arn:aws:s3:::data/secret/b"): "allowed",
    }
    assert first["EvaluationResults"][0]["MatchedStatements"][0]["SourcePolicyId"] == "PolicyInputList.1"


def test_simulate_principal_policy_errors(server: Server) -> None:
    import pytest
    from botocore.exceptions import ClientError

    iam = client(server, "iam")
    with pytest.raises(ClientError) as caught:
        iam.simulate_principal_policy(
            PolicySourceArn="arn:aws:iam::000000000000:user/ghost", ActionNames=["s3:GetObject"]
        )
    assert caught.value.response["Error"]["Code"] == "NoSuchEntity"
    with pytest.raises(ClientError) as caught:
        iam.simulate_principal_policy(
            PolicySourceArn="arn:aws:s3:::some-bucket", ActionNames=["s3:GetObject"]
        )
    assert caught.value.response["Error"]["Code"] == "InvalidInput"
    with pytest.raises(ClientError) as caught:
        iam.simulate_custom_policy(PolicyInputList=["{"], ActionNames=["s3:GetObject"])
    assert caught.value.response["Error"]["Code"] == "MalformedPolicyDocument"
