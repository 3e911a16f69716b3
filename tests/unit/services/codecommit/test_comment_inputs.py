"""The pure checks behind comments, reactions and templates: values, ids, names and page sizes."""

from __future__ import annotations

import pytest

from codeyard.errors import CodeyardError
from codeyard.services.codecommit.comment_base import (
    Place,
    check_comment_id,
    check_commit_id,
    check_content,
    check_token,
)
from codeyard.services.codecommit.listing import page_size, paged
from codeyard.services.codecommit.reactions import REACTIONS, reaction_of
from codeyard.services.codecommit.templates import check_template_name


def code(error: pytest.ExceptionInfo[CodeyardError]) -> str:
    return error.value.code


@pytest.mark.parametrize(
    ("value", "name"),
    [
        (":thumbsup:", "THUMBSUP"),
        ("\U0001f44d", "THUMBSUP"),
        ("U+1F44D", "THUMBSUP"),
        ("u+1f44d", "THUMBSUP"),
        (":+1:", "THUMBSUP"),
        ("-1", "THUMBSDOWN"),
        ("Heart", "HEART"),
        ("\u2764\ufe0f", "HEART"),
        (" :tada: ", "HOORAY"),
        ("EYES", "EYES"),
    ],
)
def test_reaction_spellings(value: str, name: str) -> None:
    found = reaction_of(value)
    assert found is not None
    assert found.name == name


@pytest.mark.parametrize("value", ["", "   ", "none", "NONE", ":none:"])
def test_reaction_removal(value: str) -> None:
    assert reaction_of(value) is None


@pytest.mark.parametrize("value", ["thumbs up", ":poop:", "U+1F4A9", "\U0001f4a9", "U+1F44D U+1F44E"])
def test_unknown_reactions(value: str) -> None:
    with pytest.raises(CodeyardError) as error:
        reaction_of(value)
    assert code(error) == "InvalidReactionValueException"


def test_every_reaction_is_one_of_its_spellings() -> None:
    # No spelling names two reactions.
    spellings = [s for r in REACTIONS for s in set(r.spellings())]
    assert len(spellings) == len(set(spellings))
    for reaction in REACTIONS:
        assert reaction.unicode == "U+" + f"{ord(reaction.emoji):X}"
        assert reaction.formats() == {
            "emoji": reaction.emoji,
            "shortCode": reaction.short_code,
            "unicode": reaction.unicode,
        }


@pytest.mark.parametrize(
    ("check", "value", "expected"),
    [
        (check_content, "", "CommentContentRequiredException"),
        (check_content, "x" * 10_241, "CommentContentSizeLimitExceededException"),
        (check_comment_id, "", "CommentIdRequiredException"),
        (check_comment_id, "abc", "InvalidCommentIdException"),
        (check_comment_id, "00000000-0000-4000-8000-00000000000G", "InvalidCommentIdException"),
        (check_commit_id, None, "CommitIdRequiredException"),
        (check_commit_id, "A" * 40, "InvalidCommitIdException"),
        (check_token, "", "ClientRequestTokenRequiredException"),
        (check_token, "t" * 257, "InvalidClientRequestTokenException"),
        (check_template_name, "", "ApprovalRuleTemplateNameRequiredException"),
        (check_template_name, "a/b", "InvalidApprovalRuleTemplateNameException"),
        (check_template_name, "x" * 101, "InvalidApprovalRuleTemplateNameException"),
    ],
)
def test_refused_inputs(check: object, value: str | None, expected: str) -> None:
    with pytest.raises(CodeyardError) as error:
        check(value)  # type: ignore[operator]
    assert code(error) == expected


def test_accepted_inputs() -> None:
    assert check_content("x" * 10_240) == "x" * 10_240
    assert check_comment_id("0f8fad5b-d9cb-469f-a165-70867728950e") == "0f8fad5b-d9cb-469f-a165-70867728950e"
    assert check_commit_id("a" * 40) == "a" * 40
    assert check_token(None) is None
    assert check_template_name("Two reviewers_v1.0-final") == "Two reviewers_v1.0-final"


def test_page_sizes_and_pages() -> None:
    assert page_size(None, default=100, maximum=500) == 100
    assert page_size(500, default=100, maximum=500) == 500
    for bad in (0, -1, 501):
        with pytest.raises(CodeyardError) as error:
            page_size(bad, default=100, maximum=500)
        assert code(error) == "InvalidMaxResultsException"
    first = paged("names", ["a", "b", "c"], None, 2, "kind")
    assert first["names"] == ["a", "b"]
    rest = paged("names", ["a", "b", "c"], first["nextToken"], 2, "kind")
    assert rest == {"names": ["c"]}
    with pytest.raises(CodeyardError) as error:
        paged("names", ["a"], first["nextToken"], 2, "other-kind")
    assert code(error) == "InvalidContinuationTokenException"


def test_place_shape_leaves_out_what_it_lacks() -> None:
    assert Place(None, "a" * 40).shape() == {"afterCommitId": "a" * 40}
    located = Place("b" * 40, "a" * 40, {"filePath": "f", "relativeFileVersion": "AFTER"}, None, "c" * 40)
    assert located.shape() == {
        "afterCommitId": "a" * 40,
        "beforeCommitId": "b" * 40,
        "afterBlobId": "c" * 40,
        "location": {"filePath": "f", "relativeFileVersion": "AFTER"},
    }
