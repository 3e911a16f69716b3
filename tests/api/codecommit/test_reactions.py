"""CodeCommit comment reactions through boto3 and the aws CLI: one per user per comment, the
accepted spellings, counts on comments, reactions by user, deleted users, pages, errors, events."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.support.git import seed
from tests.support.iam import Identity, allow, client, make_user
from tests.support.server import Server

ROOT = "arn:aws:iam::000000000000:root"
THUMBSUP = {"emoji": "\U0001f44d", "shortCode": ":thumbsup:", "unicode": "U+1F44D"}
SMILE = {"emoji": "\U0001f600", "shortCode": ":smile:", "unicode": "U+1F600"}
HEART = {"emoji": "\u2764", "shortCode": ":heart:", "unicode": "U+2764"}


def code_of(excinfo: pytest.ExceptionInfo[ClientError]) -> str:
    return str(excinfo.value.response["Error"]["Code"])


def fails(code: str, call: Any, **kwargs: Any) -> str:
    with pytest.raises(ClientError) as excinfo:
        call(**kwargs)
    assert code_of(excinfo) == code, excinfo.value.response["Error"]
    return str(excinfo.value.response["Error"]["Message"])


def a_comment(server: Server, work: Path) -> str:
    cc = server.client("codecommit")
    cc.create_repository(repositoryName="repo")
    first = seed(server, work, "repo", {"a.txt": "a\n"})
    return str(
        cc.post_comment_for_compared_commit(
            repositoryName="repo", afterCommitId=first, content="react to me"
        )["comment"]["commentId"]
    )


def users(server: Server, *names: str) -> list[Identity]:
    return [make_user(server, name, allow("codecommit:*")) for name in names]


def test_one_reaction_per_user(server: Server, tmp_path: Path) -> None:
    comment_id = a_comment(server, tmp_path / "w")
    alice, bob, carol = users(server, "alice", "bob", "carol")
    ac, bc, cc = (u.client("codecommit") for u in (alice, bob, carol))
    ac.put_comment_reaction(commentId=comment_id, reactionValue=":thumbsup:")
    bc.put_comment_reaction(commentId=comment_id, reactionValue="\U0001f44d")  # the emoji itself
    cc.put_comment_reaction(commentId=comment_id, reactionValue="U+1F600")  # a code point
    seen_by_alice = ac.get_comment(commentId=comment_id)["comment"]
    assert seen_by_alice["reactionCounts"] == {"SMILE": 1, "THUMBSUP": 2}
    assert seen_by_alice["callerReactions"] == ["THUMBSUP"]
    assert cc.get_comment(commentId=comment_id)["comment"]["callerReactions"] == ["SMILE"]
    assert server.client("codecommit").get_comment(commentId=comment_id)["comment"]["callerReactions"] == []

    # A second reaction replaces the first; none (or blank) takes it away.
    ac.put_comment_reaction(commentId=comment_id, reactionValue="heart")
    bc.put_comment_reaction(commentId=comment_id, reactionValue="none")
    cc.put_comment_reaction(commentId=comment_id, reactionValue="")
    bc.put_comment_reaction(commentId=comment_id, reactionValue="none")  # nothing to take away: no change
    assert ac.get_comment(commentId=comment_id)["comment"]["reactionCounts"] == {"HEART": 1}
    assert bc.get_comment(commentId=comment_id)["comment"]["callerReactions"] == []

    for spelling in (":+1:", "THUMBSUP", "u+1f44d", "thumbsup", " :ThumbsUp: "):
        bc.put_comment_reaction(commentId=comment_id, reactionValue=spelling)
        assert bc.get_comment(commentId=comment_id)["comment"]["callerReactions"] == ["THUMBSUP"], spelling
    bc.put_comment_reaction(commentId=comment_id, reactionValue="\u2764\ufe0f")  # with the emoji selector
    assert bc.get_comment(commentId=comment_id)["comment"]["callerReactions"] == ["HEART"]

    events = [
        e for e in server.events("aws.codecommit") if e["detail-type"] == "CodeCommit Comment Reaction Change"
    ]
    assert [(e["detail"]["callerUserArn"], e["detail"]["event"]) for e in events] == [
        (alice.arn, "commentReactionCreated"),
        (bob.arn, "commentReactionCreated"),
        (carol.arn, "commentReactionCreated"),
        (alice.arn, "commentReactionUpdated"),
        (bob.arn, "commentReactionUpdated"),
        (carol.arn, "commentReactionUpdated"),
        (bob.arn, "commentReactionCreated"),
        (bob.arn, "commentReactionUpdated"),
    ]
    first = events[0]
    assert first["resources"] == ["arn:aws:codecommit:us-east-1:000000000000:repo"]
    assert first["detail"]["commentId"] == comment_id
    assert first["detail"]["repositoryName"] == "repo"
    assert first["detail"]["reactionShortCode"] == ":thumbsup:"
    assert first["detail"]["reactionUnicode"] == "U+1F44D"
    assert "reactionShortCode" not in events[4]["detail"]  # bob took his away


def test_reactions_by_kind_and_user(server: Server, tmp_path: Path) -> None:
    comment_id = a_comment(server, tmp_path / "w")
    alice, bob, carol = users(server, "alice", "bob", "carol")
    alice.client("codecommit").put_comment_reaction(commentId=comment_id, reactionValue=":thumbsup:")
    bob.client("codecommit").put_comment_reaction(commentId=comment_id, reactionValue=":thumbsup:")
    carol.client("codecommit").put_comment_reaction(commentId=comment_id, reactionValue=":smile:")
    root = server.client("codecommit")
    root.put_comment_reaction(commentId=comment_id, reactionValue=":heart:")
    listed = root.get_comment_reactions(commentId=comment_id)
    assert listed["reactionsForComment"] == [
        {
            "reaction": THUMBSUP,
            "reactionUsers": sorted([alice.arn, bob.arn]),
            "reactionsFromDeletedUsersCount": 0,
        },
        {"reaction": SMILE, "reactionUsers": [carol.arn], "reactionsFromDeletedUsersCount": 0},
        {"reaction": HEART, "reactionUsers": [ROOT], "reactionsFromDeletedUsersCount": 0},
    ]
    assert "nextToken" not in listed
    mine = root.get_comment_reactions(commentId=comment_id, reactionUserArn=carol.arn)["reactionsForComment"]
    assert mine == [{"reaction": SMILE, "reactionUsers": [carol.arn], "reactionsFromDeletedUsersCount": 0}]
    nobody = root.get_comment_reactions(
        commentId=comment_id, reactionUserArn="arn:aws:iam::000000000000:user/x"
    )
    assert nobody["reactionsForComment"] == []

    # Pages hold reactions (with all their users).
    page = root.get_comment_reactions(commentId=comment_id, maxResults=2)
    assert [r["reaction"]["shortCode"] for r in page["reactionsForComment"]] == [":thumbsup:", ":smile:"]
    rest = root.get_comment_reactions(commentId=comment_id, maxResults=2, nextToken=page["nextToken"])
    assert [r["reaction"]["shortCode"] for r in rest["reactionsForComment"]] == [":heart:"]
    assert "nextToken" not in rest

    # A user deleted from IAM is counted apart, and still in the comment's counts.
    iam = client(server, "iam")
    iam.delete_user_policy(UserName="alice", PolicyName="inline")
    iam.delete_access_key(UserName="alice", AccessKeyId=alice.key)
    iam.delete_user(UserName="alice")
    after = root.get_comment_reactions(commentId=comment_id)["reactionsForComment"]
    assert after[0] == {"reaction": THUMBSUP, "reactionUsers": [bob.arn], "reactionsFromDeletedUsersCount": 1}
    assert root.get_comment(commentId=comment_id)["comment"]["reactionCounts"]["THUMBSUP"] == 2


def test_reaction_errors(server: Server, tmp_path: Path) -> None:
    comment_id = a_comment(server, tmp_path / "w")
    cc = server.client("codecommit")
    for bad in ("thumbs up", ":poop:", "U+1F4A9", "\U0001f4a9", ":thumbsup::thumbsdown:"):
        message = fails(
            "InvalidReactionValueException", cc.put_comment_reaction, commentId=comment_id, reactionValue=bad
        )
        assert ":thumbsup:" in message
    missing = "00000000-0000-4000-8000-000000000000"
    for call, extra in (
        (cc.put_comment_reaction, {"reactionValue": ":eyes:"}),
        (cc.get_comment_reactions, {}),
    ):
        fails("CommentIdRequiredException", call, commentId="", **extra)
        fails("InvalidCommentIdException", call, commentId="42", **extra)
        fails("CommentDoesNotExistException", call, commentId=missing, **extra)
    fails(
        "InvalidReactionUserArnException",
        cc.get_comment_reactions,
        commentId=comment_id,
        reactionUserArn="alice",
    )
    fails(
        "InvalidReactionUserArnException",
        cc.get_comment_reactions,
        commentId=comment_id,
        reactionUserArn="arn:aws:s3:::bucket",
    )
    fails("InvalidMaxResultsException", cc.get_comment_reactions, commentId=comment_id, maxResults=0)
    fails("InvalidMaxResultsException", cc.get_comment_reactions, commentId=comment_id, maxResults=1001)
    fails(
        "InvalidContinuationTokenException", cc.get_comment_reactions, commentId=comment_id, nextToken="zzz"
    )
    cc.delete_comment_content(commentId=comment_id)
    fails("CommentDeletedException", cc.put_comment_reaction, commentId=comment_id, reactionValue=":eyes:")
    fails("CommentDeletedException", cc.get_comment_reactions, commentId=comment_id)


def test_reactions_with_the_cli(server: Server, tmp_path: Path) -> None:
    comment_id = a_comment(server, tmp_path / "w")
    put = server.aws(
        "codecommit", "put-comment-reaction", "--comment-id", comment_id, "--reaction-value", ":thumbsup:"
    )
    assert put.stdout.strip() == ""
    listed = json.loads(server.aws("codecommit", "get-comment-reactions", "--comment-id", comment_id).stdout)
    assert listed["reactionsForComment"] == [
        {"reaction": THUMBSUP, "reactionUsers": [ROOT], "reactionsFromDeletedUsersCount": 0}
    ]
    comment = json.loads(server.aws("codecommit", "get-comment", "--comment-id", comment_id).stdout)[
        "comment"
    ]
    assert comment["reactionCounts"] == {"THUMBSUP": 1}
    assert comment["callerReactions"] == ["THUMBSUP"]
