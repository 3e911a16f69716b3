"""A build's log location: the CloudWatch console's deep link, as CodeBuild writes it."""

from __future__ import annotations

from codeyard.services.codebuild.build_requests import deep_link


def test_the_deep_link_has_the_console_form_with_names_encoded_twice() -> None:
    link = deep_link("eu-west-1", "/aws/codebuild/my_app-1", "2b97e609-3d05-4d4f-98f8-d244d1939a3f")

    assert link == (
        "https://console.aws.amazon.com/cloudwatch/home?region=eu-west-1"
        "#logsV2:log-groups/log-group/$252Faws$252Fcodebuild$252Fmy_app-1"
        "/log-events/2b97e609-3d05-4d4f-98f8-d244d1939a3f"
    )


def test_characters_of_a_custom_stream_are_encoded_the_same_way() -> None:
    link = deep_link("us-east-1", "group name", "prefix/stream:1")

    assert link.endswith("/log-group/group$2520name/log-events/prefix$252Fstream$253A1")
