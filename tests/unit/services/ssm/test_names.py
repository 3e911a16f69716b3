"""Parameter names: syntax, reserved prefixes, levels, references, spellings and paths."""

from __future__ import annotations

import pytest

from codeyard.accounts import RequestContext
from codeyard.errors import AccessDeniedException, CodeyardError, ValidationException
from codeyard.services.iam.arns import root_principal
from codeyard.services.ssm import names
from codeyard.services.ssm.errors import HierarchyLevelLimitExceeded, ParameterNotFound
from codeyard.services.ssm.names import Reference

CTX = RequestContext(
    principal=root_principal("000000000000"), region="us-east-1", account_id="000000000000", request_id="r"
)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("plain", "plain"),
        ("/a/b-c_d.e", "/a/b-c_d.e"),
        ("  /spaced  ", "/spaced"),
        ("/Upper/CASE", "/Upper/CASE"),
    ],
)
def test_valid_names(name: str, expected: str) -> None:
    assert names.check_writable(name, CTX) == expected


@pytest.mark.parametrize(
    ("name", "error", "fragment"),
    [
        ("a/b", ValidationException, "fully qualified"),
        ("/", ValidationException, "sub-paths"),
        ("/a/", ValidationException, "sub-paths"),
        ("/a//b", ValidationException, "sub-paths"),
        ("in side", ValidationException, "sub-paths"),
        ("colon:name", ValidationException, "sub-paths"),
        ("", ValidationException, "sub-paths"),
        ("ssmthing", ValidationException, '"ssm"'),
        ("/Ssm/x", ValidationException, '"ssm"'),
        ("AWS-thing", AccessDeniedException, "reserved parameter name: AWS-thing."),
        ("/aws/x", AccessDeniedException, "reserved parameter name: aws/x."),
        ("/" + "/".join("x" * 16), HierarchyLevelLimitExceeded, "15 levels"),
    ],
)
def test_invalid_names(name: str, error: type[CodeyardError], fragment: str) -> None:
    with pytest.raises(error) as excinfo:
        names.check_writable(name, CTX)
    assert fragment in excinfo.value.message


def test_name_length_counts_the_arn_prefix() -> None:
    prefix = len("arn:aws:ssm:us-east-1:000000000000:parameter/")
    longest = "/" + "n" * (names.MAX_NAME_WITH_ARN - prefix)
    assert names.check_writable(longest, CTX) == longest
    with pytest.raises(ValidationException):
        names.check_writable(longest + "n", CTX)


@pytest.mark.parametrize(
    ("name", "levels"), [("a", 1), ("/a", 1), ("/a/b", 2), ("/" + "/".join("x" * 15), 15)]
)
def test_levels(name: str, levels: int) -> None:
    assert names.levels(name) == levels


@pytest.mark.parametrize(
    ("name", "forms"),
    [("a", ("a", "/a")), ("/a", ("/a", "a")), ("/a/b", ("/a/b",))],
)
def test_forms(name: str, forms: tuple[str, ...]) -> None:
    assert names.forms(name) == forms


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("/a/b", Reference("/a/b")),
        ("/a/b:3", Reference("/a/b", version=3)),
        ("/a/b:prod", Reference("/a/b", label="prod")),
        (" top:v1 ", Reference("top", label="v1")),
        ("arn:aws:ssm:us-east-1:000000000000:parameter/a/b", Reference("/a/b")),
        ("arn:aws:ssm:us-east-1:000000000000:parameter/top:2", Reference("top", version=2)),
    ],
)
def test_parse_reference(raw: str, expected: Reference) -> None:
    assert names.parse_reference(raw, CTX) == expected


def test_reference_selector_and_text() -> None:
    assert Reference("/a", version=2).selector == ":2"
    assert Reference("/a", label="x").text == "/a:x"
    assert Reference("/a").selector is None


@pytest.mark.parametrize(
    "raw",
    [
        "arn:aws:ssm:eu-west-1:000000000000:parameter/a",
        "arn:aws:ssm:us-east-1:111111111111:parameter/a",
        "/a:",
    ],
)
def test_references_we_cannot_hold(raw: str) -> None:
    with pytest.raises(ParameterNotFound):
        names.parse_reference(raw, CTX)


@pytest.mark.parametrize(
    ("name", "base", "recursive", "expected"),
    [
        ("/a/b", "/a", False, True),
        ("/a/b/c", "/a", False, False),
        ("/a/b/c", "/a", True, True),
        ("/ab/c", "/a", True, False),
        ("/a", "/a", True, False),
        ("top", "", False, True),
        ("/top", "", False, True),
        ("/a/b", "", False, False),
        ("/a/b", "", True, True),
    ],
)
def test_under(name: str, base: str, recursive: bool, expected: bool) -> None:
    assert names.under(name, base, recursive) is expected


@pytest.mark.parametrize(("path", "base"), [("/", ""), ("/a/", "/a"), (" /a/b ", "/a/b")])
def test_check_path(path: str, base: str) -> None:
    assert names.check_path(path) == base


@pytest.mark.parametrize("path", ["a", "a/b", "/a//b", "/a b"])
def test_bad_paths(path: str) -> None:
    with pytest.raises(ValidationException):
        names.check_path(path)
