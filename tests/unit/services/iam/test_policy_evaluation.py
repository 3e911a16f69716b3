"""Policy evaluation as a table: wildcards, NotAction/NotResource, Deny over Allow, several
policies, every condition operator family, policy variables; then the authorizer on a real
SQLite store (inline and managed, groups, boundaries, sessions, cache invalidation)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import pytest

from codeyard.accounts import AuthorizationRequest, Decision, Principal
from codeyard.services.iam.arns import user_principal
from codeyard.services.iam.conditions import ContextValue
from codeyard.services.iam.policy import evaluate, parse_policy
from tests.unit.services.iam.conftest import ACCOUNT, World

ALLOW, EXPLICIT, IMPLICIT = Decision.ALLOW, Decision.EXPLICIT_DENY, Decision.IMPLICIT_DENY
BUCKET = "arn:aws:s3:::bucket"
OBJECT = "arn:aws:s3:::bucket/key"


def doc(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def allow(action: Any = "s3:GetObject", resource: Any = "*", **extra: Any) -> dict[str, Any]:
    return {"Effect": "Allow", "Action": action, "Resource": resource, **extra}


def deny(action: Any = "s3:GetObject", resource: Any = "*", **extra: Any) -> dict[str, Any]:
    return {"Effect": "Deny", "Action": action, "Resource": resource, **extra}


def when(operator: str, key: str, value: Any) -> dict[str, Any]:
    return {"Condition": {operator: {key: value}}}


@dataclass(frozen=True)
class Case:
    name: str
    policies: tuple[str, ...]
    action: str
    resources: tuple[str, ...]
    expected: Decision
    context: dict[str, ContextValue] = field(default_factory=dict)


def case(
    name: str,
    policy: str | tuple[str, ...],
    action: str,
    resource: str | tuple[str, ...],
    expected: Decision,
    **context: ContextValue,
) -> Case:
    """One row. Context keys are given as keywords: `aws__username` is `aws:username`, and an
    underscore in an `s3__` key is a hyphen (`s3__max_keys` is `s3:max-keys`)."""
    policies = policy if isinstance(policy, tuple) else (policy,)
    resources = resource if isinstance(resource, tuple) else (resource,)
    keys: dict[str, ContextValue] = {}
    for keyword, value in context.items():
        service, _, key = keyword.partition("__")
        key = key.replace("_", "-") if service == "s3" else key
        # Condition keys are case-insensitive: the evaluator takes them lower-cased.
        keys[f"{service}:{key}".lower()] = value
    return Case(name, policies, action, resources, expected, keys)


# fmt: off
CASES = [
    # Actions: exact, wildcards, case-insensitive
    case("exact action", doc(allow("s3:GetObject")), "s3:GetObject", OBJECT, ALLOW),
    case("prefix wildcard", doc(allow("s3:Get*")), "s3:GetObjectAcl", OBJECT, ALLOW),
    case("prefix wildcard misses", doc(allow("s3:Get*")), "s3:PutObject", OBJECT, IMPLICIT),
    case("star allows all", doc(allow("*")), "iam:CreateUser", "*", ALLOW),
    case("inner wildcard", doc(allow("s3:*Object")), "s3:DeleteObject", OBJECT, ALLOW),
    case("question mark", doc(allow("s3:?etObject")), "s3:GetObject", OBJECT, ALLOW),
    case("question mark is one char", doc(allow("s3:?etObject")), "s3:GetGetObject", OBJECT, IMPLICIT),
    case("actions ignore case", doc(allow("S3:getobject")), "s3:GetObject", OBJECT, ALLOW),
    case("action list", doc(allow(["sqs:SendMessage", "s3:GetObject"])), "s3:GetObject", OBJECT, ALLOW),
    case("service wildcard", doc(allow("s3:*")), "sqs:SendMessage", "*", IMPLICIT),
    case("nothing matches", doc(allow("sqs:*")), "s3:GetObject", OBJECT, IMPLICIT),
    # Resources
    case("exact resource", doc(allow(resource=OBJECT)), "s3:GetObject", OBJECT, ALLOW),
    case("resource wildcard", doc(allow(resource=f"{BUCKET}/*")), "s3:GetObject", OBJECT, ALLOW),
    case("resource wildcard misses", doc(allow(resource=f"{BUCKET}/*")), "s3:GetObject", "arn:aws:s3:::other/k", IMPLICIT),
    case("resources are case-sensitive", doc(allow(resource="arn:aws:s3:::Bucket/key")), "s3:GetObject", OBJECT, IMPLICIT),
    case("every resource must be allowed", doc(allow(resource=OBJECT)), "s3:GetObject", (OBJECT, "arn:aws:s3:::bucket/other"), IMPLICIT),
    case("all resources allowed", doc(allow(resource=f"{BUCKET}/*")), "s3:GetObject", (OBJECT, f"{BUCKET}/k2"), ALLOW),
    case("resource question mark", doc(allow(resource=f"{BUCKET}/ke?")), "s3:GetObject", OBJECT, ALLOW),
    case("wildcard spans colons", doc(allow("iam:GetUser", "arn:aws:iam::*:user/*")), "iam:GetUser", "arn:aws:iam::000000000000:user/dev/ann", ALLOW),
    case("no resources means star", doc(allow("sts:GetCallerIdentity")), "sts:GetCallerIdentity", (), ALLOW),
    # NotAction / NotResource
    case("NotAction allows others", doc({"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}), "s3:GetObject", OBJECT, ALLOW),
    case("NotAction excludes its actions", doc({"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}), "iam:ListUsers", "*", IMPLICIT),
    case("Deny NotAction", doc(allow("*"), {"Effect": "Deny", "NotAction": "iam:Get*", "Resource": "*"}), "s3:GetObject", OBJECT, EXPLICIT),
    case("Deny NotAction spares", doc(allow("*"), {"Effect": "Deny", "NotAction": "iam:Get*", "Resource": "*"}), "iam:GetUser", "*", ALLOW),
    case("NotResource allows others", doc({"Effect": "Allow", "Action": "s3:*", "NotResource": "arn:aws:s3:::prod/*"}), "s3:GetObject", OBJECT, ALLOW),
    case("NotResource excludes", doc({"Effect": "Allow", "Action": "s3:*", "NotResource": "arn:aws:s3:::prod/*"}), "s3:GetObject", "arn:aws:s3:::prod/k", IMPLICIT),
    case("Deny NotResource", doc(allow("s3:*"), {"Effect": "Deny", "Action": "s3:*", "NotResource": f"{BUCKET}/*"}), "s3:GetObject", "arn:aws:s3:::prod/k", EXPLICIT),
    # Deny over Allow, several policies
    case("deny wins", doc(allow("*"), deny("s3:DeleteBucket")), "s3:DeleteBucket", BUCKET, EXPLICIT),
    case("deny elsewhere", doc(allow("*"), deny("s3:DeleteBucket", "arn:aws:s3:::prod")), "s3:DeleteBucket", BUCKET, ALLOW),
    case("deny with unmet condition", doc(allow("*"), deny("*", **when("Bool", "aws:SecureTransport", "true"))), "s3:GetObject", OBJECT, ALLOW, aws__SecureTransport="false"),
    case("deny in another policy", (doc(allow("s3:*")), doc(deny("s3:GetObject"))), "s3:GetObject", OBJECT, EXPLICIT),
    case("allow in another policy", (doc(allow("sqs:*")), doc(allow("s3:GetObject"))), "s3:GetObject", OBJECT, ALLOW),
    case("deny alone", doc(deny("s3:PutObject")), "s3:GetObject", OBJECT, IMPLICIT),
    # String conditions
    case("StringEquals", doc(allow(**when("StringEquals", "aws:username", "ann"))), "s3:GetObject", OBJECT, ALLOW, aws__username="ann"),
    case("StringEquals mismatch", doc(allow(**when("StringEquals", "aws:username", "ann"))), "s3:GetObject", OBJECT, IMPLICIT, aws__username="bob"),
    case("StringEquals missing key", doc(allow(**when("StringEquals", "aws:username", "ann"))), "s3:GetObject", OBJECT, IMPLICIT),
    case("StringEquals is case-sensitive", doc(allow(**when("StringEquals", "aws:username", "Ann"))), "s3:GetObject", OBJECT, IMPLICIT, aws__username="ann"),
    case("condition keys ignore case", doc(allow(**when("StringEquals", "AWS:UserName", "ann"))), "s3:GetObject", OBJECT, ALLOW, aws__username="ann"),
    case("StringNotEquals missing key", doc(allow(**when("StringNotEquals", "aws:username", "ann"))), "s3:GetObject", OBJECT, ALLOW),
    case("StringNotEquals same", doc(allow(**when("StringNotEquals", "aws:username", "ann"))), "s3:GetObject", OBJECT, IMPLICIT, aws__username="ann"),
    case("StringLike", doc(allow("s3:ListBucket", **when("StringLike", "s3:prefix", "home/*"))), "s3:ListBucket", BUCKET, ALLOW, s3__prefix="home/ann"),
    case("StringNotLike", doc(allow("s3:ListBucket", **when("StringNotLike", "s3:prefix", "home/*"))), "s3:ListBucket", BUCKET, IMPLICIT, s3__prefix="home/ann"),
    case("StringEqualsIgnoreCase", doc(allow(**when("StringEqualsIgnoreCase", "aws:username", "ANN"))), "s3:GetObject", OBJECT, ALLOW, aws__username="ann"),
    case("values are ORed", doc(allow(**when("StringEquals", "aws:username", ["bob", "ann"]))), "s3:GetObject", OBJECT, ALLOW, aws__username="ann"),
    case("operators are ANDed", doc(allow(Condition={"StringEquals": {"aws:username": "ann"}, "Bool": {"aws:SecureTransport": "true"}} ) ), "s3:GetObject", OBJECT, IMPLICIT, aws__username="ann", aws__SecureTransport="false"),
    case("IfExists missing key", doc(allow("ec2:RunInstances", **when("StringEqualsIfExists", "ec2:InstanceType", "t3.micro"))), "ec2:RunInstances", "*", ALLOW),
    case("IfExists present mismatch", doc(allow("ec2:RunInstances", **when("StringEqualsIfExists", "ec2:InstanceType", "t3.micro"))), "ec2:RunInstances", "*", IMPLICIT, ec2__InstanceType="m5.large"),
    # Set qualifiers
    case("ForAnyValue one matches", doc(allow("iam:TagUser", **when("ForAnyValue:StringEquals", "aws:TagKeys", ["team", "cost"]))), "iam:TagUser", "*", ALLOW, aws__TagKeys=["owner", "team"]),
    case("ForAnyValue missing key", doc(allow("iam:TagUser", **when("ForAnyValue:StringEquals", "aws:TagKeys", ["team"]))), "iam:TagUser", "*", IMPLICIT),
    case("ForAllValues all match", doc(allow("iam:TagUser", **when("ForAllValues:StringLike", "aws:TagKeys", ["team*", "cost"]))), "iam:TagUser", "*", ALLOW, aws__TagKeys=["team-a", "cost"]),
    case("ForAllValues one outside", doc(allow("iam:TagUser", **when("ForAllValues:StringLike", "aws:TagKeys", ["team*"]))), "iam:TagUser", "*", IMPLICIT, aws__TagKeys=["team-a", "owner"]),
    case("ForAllValues missing key", doc(allow("iam:TagUser", **when("ForAllValues:StringEquals", "aws:TagKeys", ["team"]))), "iam:TagUser", "*", ALLOW),
    # Null, Bool, Numeric, Date, IpAddress, Arn
    case("Null true and absent", doc(allow(**when("Null", "aws:TokenIssueTime", "true"))), "s3:GetObject", OBJECT, ALLOW),
    case("Null true but present", doc(allow(**when("Null", "aws:TokenIssueTime", "true"))), "s3:GetObject", OBJECT, IMPLICIT, aws__TokenIssueTime="2026-01-01T00:00:00Z"),
    case("Null false and absent", doc(allow(**when("Null", "aws:TokenIssueTime", "false"))), "s3:GetObject", OBJECT, IMPLICIT),
    case("Bool", doc(allow(**when("Bool", "aws:SecureTransport", False))), "s3:GetObject", OBJECT, ALLOW, aws__SecureTransport="false"),
    case("Bool mismatch", doc(allow(**when("Bool", "aws:MultiFactorAuthPresent", "true"))), "s3:GetObject", OBJECT, IMPLICIT, aws__MultiFactorAuthPresent="false"),
    case("NumericLessThan", doc(allow("s3:ListBucket", **when("NumericLessThan", "s3:max-keys", "10"))), "s3:ListBucket", BUCKET, ALLOW, s3__max_keys="5"),
    case("NumericGreaterThanEquals misses", doc(allow("s3:ListBucket", **when("NumericGreaterThanEquals", "s3:max-keys", 10))), "s3:ListBucket", BUCKET, IMPLICIT, s3__max_keys="9"),
    case("NumericEquals with text", doc(allow("s3:ListBucket", **when("NumericEquals", "s3:max-keys", "10"))), "s3:ListBucket", BUCKET, IMPLICIT, s3__max_keys="ten"),
    case("DateGreaterThan", doc(allow(**when("DateGreaterThan", "aws:CurrentTime", "2025-12-31T00:00:00Z"))), "s3:GetObject", OBJECT, ALLOW, aws__CurrentTime="2026-01-01T00:00:00Z"),
    case("DateLessThan epoch", doc(allow(**when("DateLessThan", "aws:EpochTime", "1767225600"))), "s3:GetObject", OBJECT, IMPLICIT, aws__EpochTime="1767225601"),
    case("IpAddress", doc(allow(**when("IpAddress", "aws:SourceIp", "10.0.0.0/8"))), "s3:GetObject", OBJECT, ALLOW, aws__SourceIp="10.1.2.3"),
    case("IpAddress outside", doc(allow(**when("IpAddress", "aws:SourceIp", ["10.0.0.0/8", "192.168.1.1/32"]))), "s3:GetObject", OBJECT, IMPLICIT, aws__SourceIp="192.168.1.2"),
    case("NotIpAddress", doc(allow(**when("NotIpAddress", "aws:SourceIp", "10.0.0.0/8"))), "s3:GetObject", OBJECT, ALLOW, aws__SourceIp="127.0.0.1"),
    case("IPv6", doc(allow(**when("IpAddress", "aws:SourceIp", "2001:db8::/32"))), "s3:GetObject", OBJECT, ALLOW, aws__SourceIp="2001:db8::1"),
    case("ArnLike", doc(allow(**when("ArnLike", "aws:PrincipalArn", "arn:aws:iam::*:role/ci-*"))), "s3:GetObject", OBJECT, ALLOW, aws__PrincipalArn="arn:aws:iam::000000000000:role/ci-builder"),
    case("ArnLike needs six parts", doc(allow(**when("ArnLike", "aws:PrincipalArn", "arn:aws:iam::*:role/*"))), "s3:GetObject", OBJECT, IMPLICIT, aws__PrincipalArn="not-an-arn"),
    case("ArnNotEquals", doc(allow(**when("ArnNotEquals", "aws:PrincipalArn", "arn:aws:iam::000000000000:user/ann"))), "s3:GetObject", OBJECT, IMPLICIT, aws__PrincipalArn="arn:aws:iam::000000000000:user/ann"),
    # Policy variables
    case("variable in resource", doc(allow("iam:GetUser", "arn:aws:iam::000000000000:user/${aws:username}")), "iam:GetUser", "arn:aws:iam::000000000000:user/ann", ALLOW, aws__username="ann"),
    case("variable for someone else", doc(allow("iam:GetUser", "arn:aws:iam::000000000000:user/${aws:username}")), "iam:GetUser", "arn:aws:iam::000000000000:user/bob", IMPLICIT, aws__username="ann"),
    case("variable without value", doc(allow("iam:GetUser", "arn:aws:iam::000000000000:user/${aws:username}")), "iam:GetUser", "arn:aws:iam::000000000000:user/ann", IMPLICIT),
    case("variable default", doc(allow("s3:GetObject", "arn:aws:s3:::home/${aws:username, 'guest'}/*")), "s3:GetObject", "arn:aws:s3:::home/guest/k", ALLOW),
    case("variable in condition", doc(allow("s3:ListBucket", BUCKET, **when("StringLike", "s3:prefix", "home/${aws:username}/*"))), "s3:ListBucket", BUCKET, ALLOW, aws__username="ann", s3__prefix="home/ann/docs"),
    case("escaped star variable", doc(allow("s3:GetObject", "arn:aws:s3:::bucket/${*}literal")), "s3:GetObject", "arn:aws:s3:::bucket/*literal", ALLOW),
    case("escaped star is no wildcard", doc(allow("s3:GetObject", "arn:aws:s3:::bucket/${*}literal")), "s3:GetObject", "arn:aws:s3:::bucket/xliteral", IMPLICIT),
    case("escaped star in StringEquals", doc(allow(**when("StringEquals", "s3:prefix", "${*}"))), "s3:GetObject", OBJECT, ALLOW, s3__prefix="*"),
]
# fmt: on


def test_the_table_is_big_enough() -> None:
    assert len(CASES) >= 40
    assert len({c.name for c in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_evaluation(case: Case) -> None:
    policies = [parse_policy(p) for p in case.policies]
    assert evaluate(policies, case.action, case.resources, case.context) is case.expected


# --- the authorizer on a real store ---------------------------------------------------------------


def _decide(world: World, principal: Principal, action: str, resource: str = "*") -> Decision:
    return world.authorizer.decide(AuthorizationRequest(principal, action, [resource]))


def test_inline_and_managed_policies_of_users_and_groups(world: World) -> None:
    iam, ctx = world.iam, world.ctx()
    ann = world.user("ann")
    assert _decide(world, ann, "s3:GetObject") is IMPLICIT
    iam.put_user_policy(
        ctx, user_name="ann", policy_name="inline", policy_document=doc(allow("s3:GetObject"))
    )
    assert _decide(world, ann, "s3:GetObject") is ALLOW
    arn = iam.create_policy(ctx, policy_name="queues", policy_document=doc(allow("sqs:*")))["Policy"]["Arn"]
    assert _decide(world, ann, "sqs:SendMessage") is IMPLICIT
    iam.attach_user_policy(ctx, user_name="ann", policy_arn=arn)
    assert _decide(world, ann, "sqs:SendMessage") is ALLOW
    iam.create_policy_version(ctx, policy_arn=arn, policy_document=doc(allow("sns:*")))
    assert _decide(world, ann, "sqs:SendMessage") is ALLOW  # a non-default version changes nothing
    iam.set_default_policy_version(ctx, policy_arn=arn, version_id="v2")
    assert _decide(world, ann, "sqs:SendMessage") is IMPLICIT
    assert _decide(world, ann, "sns:Publish") is ALLOW
    iam.create_group(ctx, group_name="careful")
    iam.add_user_to_group(ctx, group_name="careful", user_name="ann")
    iam.attach_group_policy(ctx, group_name="careful", policy_arn="arn:aws:iam::aws:policy/ReadOnlyAccess")
    assert _decide(world, ann, "iam:ListRoles") is ALLOW
    iam.put_group_policy(ctx, group_name="careful", policy_name="no", policy_document=doc(deny("s3:*")))
    assert _decide(world, ann, "s3:GetObject") is EXPLICIT
    iam.remove_user_from_group(ctx, group_name="careful", user_name="ann")
    assert _decide(world, ann, "s3:GetObject") is ALLOW
    assert _decide(world, ann, "iam:ListRoles") is IMPLICIT


def test_context_of_a_user_request(world: World) -> None:
    ann = world.user("ann")
    world.iam.put_user_policy(
        world.ctx(),
        user_name="ann",
        policy_name="self",
        policy_document=doc(
            allow("iam:GetUser", "arn:aws:iam::000000000000:user/${aws:username}"),
            allow("s3:GetObject", **when("StringEquals", "aws:PrincipalType", "User")),
            allow("s3:PutObject", **when("DateLessThan", "aws:CurrentTime", "2026-01-02T00:00:00Z")),
        ),
    )
    assert _decide(world, ann, "iam:GetUser", "arn:aws:iam::000000000000:user/ann") is ALLOW
    assert _decide(world, ann, "iam:GetUser", "arn:aws:iam::000000000000:user/bob") is IMPLICIT
    assert _decide(world, ann, "s3:GetObject") is ALLOW
    assert _decide(world, ann, "s3:PutObject") is ALLOW
    world.clock.advance(2 * 86400)
    assert _decide(world, ann, "s3:PutObject") is IMPLICIT


def test_permissions_boundary_limits_and_denies(world: World) -> None:
    iam, ctx = world.iam, world.ctx()
    ann = world.user("ann")
    iam.attach_user_policy(ctx, user_name="ann", policy_arn="arn:aws:iam::aws:policy/AdministratorAccess")
    boundary = iam.create_policy(
        ctx, policy_name="bound", policy_document=doc(allow("s3:*"), deny("s3:DeleteBucket"))
    )["Policy"]["Arn"]
    iam.put_user_permissions_boundary(ctx, user_name="ann", permissions_boundary=boundary)
    assert _decide(world, ann, "s3:GetObject") is ALLOW
    assert _decide(world, ann, "iam:CreateUser") is IMPLICIT
    assert _decide(world, ann, "s3:DeleteBucket") is EXPLICIT


def test_assumed_role_sessions_and_session_policies(world: World) -> None:
    iam, ctx = world.iam, world.ctx()
    trust = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Principal": {"AWS": ACCOUNT}, "Action": "sts:AssumeRole"}],
        }
    )
    iam.create_role(ctx, role_name="builder", assume_role_policy_document=trust)
    iam.put_role_policy(
        ctx, role_name="builder", policy_name="p", policy_document=doc(allow(["s3:*", "sqs:*"]))
    )
    role_arn = f"arn:aws:iam::{ACCOUNT}:role/builder"
    plain = world.sts.assume_role(ctx, role_arn=role_arn, role_session_name="plain")
    narrow = world.sts.assume_role(
        ctx, role_arn=role_arn, role_session_name="narrow", policy=doc(allow("s3:GetObject"))
    )
    as_plain = world.credentials.resolve(plain["Credentials"]["AccessKeyId"])
    as_narrow = world.credentials.resolve(narrow["Credentials"]["AccessKeyId"])
    assert as_plain is not None
    assert as_narrow is not None
    assert as_plain.principal.arn == "arn:aws:sts::000000000000:assumed-role/builder/plain"
    assert _decide(world, as_plain.principal, "sqs:SendMessage") is ALLOW
    assert _decide(world, as_narrow.principal, "sqs:SendMessage") is IMPLICIT
    assert _decide(world, as_narrow.principal, "s3:GetObject") is ALLOW
    assert _decide(world, as_plain.principal, "iam:ListUsers") is IMPLICIT


def test_deleted_user_and_unknown_principal_are_denied(world: World) -> None:
    ann = world.user("ann")
    world.iam.put_user_policy(world.ctx(), user_name="ann", policy_name="p", policy_document=doc(allow("*")))
    assert _decide(world, ann, "s3:GetObject") is ALLOW
    world.iam.delete_user_policy(world.ctx(), user_name="ann", policy_name="p")
    world.iam.delete_user(world.ctx(), user_name="ann")
    assert _decide(world, ann, "s3:GetObject") is IMPLICIT
    ghost = user_principal(ACCOUNT, "arn:aws:iam::000000000000:user/ghost", "AIDAGHOST", "ghost")
    assert _decide(world, ghost, "s3:GetObject") is IMPLICIT


def test_cache_holds_until_an_iam_change(world: World) -> None:
    """Policies are read once per epoch: later decisions need only the epoch token."""
    ann = world.user("ann")
    world.iam.put_user_policy(
        world.ctx(), user_name="ann", policy_name="p", policy_document=doc(allow("s3:*"))
    )
    first = world.authorizer.grants(ann)
    assert world.authorizer.grants(ann) is first
    world.iam.create_group(world.ctx(), group_name="unrelated")
    assert world.authorizer.grants(ann) is not first
