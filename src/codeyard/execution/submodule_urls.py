"""Which of this server's repositories a submodule URL names.

A submodule can be fetched only from a repository Codeyard hosts: the URL is this server's clone URL
(`<base>/v1/repos/<name>`, with or without user info), CodeCommit's HTTPS or SSH clone URL of the
build's region, the git-remote-codecommit form (`codecommit::<region>://<name>`, `codecommit://<name>`,
with an optional `<profile>@`), or a relative URL (`../other`), which git reads against the URL of the
repository that records the submodule. Anything else (github.com, a path on the server) is not
reachable from here."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

REPOS = "/v1/repos/"
_NAME = re.compile(r"[\w.-]{1,100}", re.ASCII)
_AWS_HOST = re.compile(r"git-codecommit\.([a-z0-9-]+)\.amazonaws\.com")
_GRC = re.compile(r"codecommit(?:::([a-z0-9-]+))?://(?:[^@/]+@)?([^/@]+)")


class UnreachableUrl(Exception):
    """The URL names no repository of this server (the message says why)."""


def absolute_url(url: str, base: str) -> str:
    """The URL git fetches a submodule from: a relative `url` (`./x`, `../x`) read against `base`,
    the URL of the repository that records the submodule, one path part less for each `../`."""
    if not url.startswith(("./", "../")):
        return url
    if _GRC.fullmatch(base):  # codecommit::<region>://<name>: the name is the only path part
        prefix, _, path = base.rpartition("/")
        prefix += "/"
    elif "://" in base:
        scheme, _, rest = base.partition("://")
        host, _, path = rest.partition("/")
        prefix = f"{scheme}://{host}/"
    else:
        prefix, path = "", base
    parts = [part for part in path.split("/") if part]
    rest = url
    while rest.startswith(("./", "../")):
        if rest.startswith("../"):
            if not parts:
                raise UnreachableUrl(f"the relative URL {url!r} goes above {base!r}")
            parts.pop()
        rest = rest.partition("/")[2]
    return prefix + "/".join([*parts, *filter(None, [rest])])


def repository_name(url: str, region: str, bases: tuple[str, ...]) -> str:
    """The name of the repository in `region` that an absolute submodule URL names; `bases` are this
    server's clone URL bases (HTTPS, and SSH when it is on)."""
    grc = _GRC.fullmatch(url)
    if grc is not None:
        if grc.group(1) and grc.group(1) != region:
            raise UnreachableUrl(f"it is in region {grc.group(1)}, not in the build's region {region}")
        return _checked(grc.group(2))
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise UnreachableUrl("it is not a URL") from None
    aws = _AWS_HOST.fullmatch(parts.hostname or "")
    if aws is not None and parts.scheme in ("https", "ssh") and parts.path.startswith(REPOS):
        if aws.group(1) != region:
            raise UnreachableUrl(f"it is in region {aws.group(1)}, not in the build's region {region}")
        return _checked(parts.path[len(REPOS) :].rstrip("/"))
    for base in filter(None, bases):
        known = urlsplit(base)
        prefix = known.path.rstrip("/") + REPOS
        here = (parts.scheme, parts.hostname, port) == (known.scheme, known.hostname, known.port)
        if here and parts.path.startswith(prefix):
            return _checked(parts.path[len(prefix) :].rstrip("/"))
    raise UnreachableUrl(
        "only the repositories this server hosts can be fetched (its clone URL, "
        "codecommit::<region>://<name> or a URL relative to the repository's own)"
    )


def _checked(name: str) -> str:
    if not _NAME.fullmatch(name):
        raise UnreachableUrl(f"{name!r} is not a repository name")
    return name
