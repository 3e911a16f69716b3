"""Submodule URLs: relative ones read against the superproject's URL, and which name a repository
of this server."""

from __future__ import annotations

import pytest

from codeyard.execution.submodule_urls import UnreachableUrl, absolute_url, repository_name

BASES = ("http://127.0.0.1:4567", "ssh://127.0.0.1:2222")


@pytest.mark.parametrize(
    ("url", "base", "expected"),
    [
        ("../lib", "http://127.0.0.1:4567/v1/repos/app", "http://127.0.0.1:4567/v1/repos/lib"),
        ("./lib", "http://127.0.0.1:4567/v1/repos/app", "http://127.0.0.1:4567/v1/repos/app/lib"),
        ("../../x/lib", "http://h/v1/repos/app/", "http://h/v1/x/lib"),
        ("../lib", "codecommit::us-east-1://app", "codecommit::us-east-1://lib"),
        ("https://github.com/a/b.git", "http://h/v1/repos/app", "https://github.com/a/b.git"),
    ],
)
def test_a_relative_url_is_read_against_the_superprojects(url: str, base: str, expected: str) -> None:
    assert absolute_url(url, base) == expected


def test_a_relative_url_cannot_climb_above_the_host() -> None:
    with pytest.raises(UnreachableUrl, match="goes above"):
        absolute_url("../../../../lib", "http://h/v1/repos/app")


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:4567/v1/repos/lib",
        "http://dev-at-1:secret@127.0.0.1:4567/v1/repos/lib",
        "ssh://APKAEXAMPLE@127.0.0.1:2222/v1/repos/lib",
        "https://git-codecommit.us-east-1.amazonaws.com/v1/repos/lib",
        "ssh://git-codecommit.us-east-1.amazonaws.com/v1/repos/lib",
        "codecommit::us-east-1://lib",
        "codecommit://lib",
        "codecommit://profile@lib",
    ],
)
def test_the_urls_of_this_servers_repositories_name_them(url: str) -> None:
    assert repository_name(url, "us-east-1", BASES) == "lib"


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("https://github.com/example/widget.git", "only the repositories this server hosts"),
        ("http://127.0.0.1:9999/v1/repos/lib", "only the repositories this server hosts"),
        ("/srv/git/lib.git", "only the repositories this server hosts"),
        ("file:///srv/git/lib.git", "only the repositories this server hosts"),
        ("http://127.0.0.1:4567/other/lib", "only the repositories this server hosts"),
        ("http://127.0.0.1:bad/v1/repos/lib", "not a URL"),
        ("codecommit::eu-west-1://lib", "in region eu-west-1, not in the build's region us-east-1"),
        ("https://git-codecommit.eu-west-1.amazonaws.com/v1/repos/lib", "in region eu-west-1"),
        ("http://127.0.0.1:4567/v1/repos/a/b", "is not a repository name"),
    ],
)
def test_other_urls_are_unreachable(url: str, why: str) -> None:
    with pytest.raises(UnreachableUrl, match=why):
        repository_name(url, "us-east-1", BASES)
