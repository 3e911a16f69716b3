"""Tags of log groups through boto3: on create, by ARN and by group name."""

from __future__ import annotations

from tests.api.logs.support import ACCOUNT, GROUP, group_arn, refused
from tests.support.server import Server


def test_tags_by_arn(server: Server) -> None:
    logs = server.client("logs")
    logs.create_log_group(logGroupName=GROUP, tags={"team": "ci"})
    logs.tag_resource(resourceArn=group_arn(), tags={"env": "dev", "team": "build"})
    assert logs.list_tags_for_resource(resourceArn=group_arn())["tags"] == {"team": "build", "env": "dev"}
    logs.untag_resource(resourceArn=group_arn(), tagKeys=["team", "absent"])
    assert logs.list_tags_for_resource(resourceArn=group_arn())["tags"] == {"env": "dev"}
    refused(
        logs.tag_resource,
        "TooManyTagsException",
        resourceArn=group_arn(),
        tags={f"k{i}": "v" for i in range(50)},
    )
    refused(logs.list_tags_for_resource, "ResourceNotFoundException", resourceArn=group_arn("nope"))
    other_region = f"arn:aws:logs:eu-west-1:{ACCOUNT}:log-group:{GROUP}"
    refused(logs.tag_resource, "ResourceNotFoundException", resourceArn=other_region, tags={"a": "b"})


def test_tags_by_group_name(server: Server) -> None:
    logs = server.client("logs")
    logs.create_log_group(logGroupName=GROUP)
    logs.tag_log_group(logGroupName=GROUP, tags={"a": "1", "b": "2"})
    logs.untag_log_group(logGroupName=GROUP, tags=["a"])
    assert logs.list_tags_log_group(logGroupName=GROUP)["tags"] == {"b": "2"}
    refused(logs.tag_log_group, "ResourceNotFoundException", logGroupName="nope", tags={"a": "b"})
