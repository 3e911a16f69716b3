"""CodeCommit comments through boto3 and the aws CLI: on compared commits and pull requests,
replies, updates by the author, deleted content, grouping and pages, idempotency, IAM and events."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.support.git import bare_path, git, seed
from tests.support.iam import allow, make_user
from tests.support.server import Server

ROOT = "arn:aws:iam::000000000000:root"


def code_of(excinfo: pytest.ExceptionInfo[ClientError]) -> str:
    return str(excinfo.value.response["Error"]["Code"])


def fails(code: str, call: Any, **kwargs: Any) -> str:
    with pytest.raises(ClientError) as excinfo:
        call(**kwargs)
    assert code_of(excinfo) == code, excinfo.value.response["Error"]
    return str(excinfo.value.response["Error"]["Message"])


def history(server: Server, work: Path, name: str = "repo") -> tuple[str, str]:
    """A repository with two commits: the first adds two files, the second changes one."""
    server.client("codecommit").create_repository(repositoryName=name)
    first = seed(server, work, name, {"app.py": "one\ntwo\nthree\n", "docs/readme.md": "read me\n"})
    second = seed(server, work, name, {"app.py": "one\n2\nthree\nfour\n"}, message="second")
    return first, second


def test_comment_on_compared_commits(server: Server, tmp_path: Path) -> None:
    cc = server.client("codecommit")
    first, second = history(server, tmp_path / "w")
    general = cc.post_comment_for_compared_commit(
        repositoryName="repo", beforeCommitId=first, afterCommitId=second, content="Looks good"
    )
    assert general["repositoryName"] == "repo"
    assert general["beforeCommitId"] == first
    assert general["afterCommitId"] == second
    assert "location" not in general
    assert "afterBlobId" not in general
    comment = general["comment"]
    assert comment["content"] == "Looks good"
    assert comment["authorArn"] == ROOT
    assert comment["deleted"] is False
    assert comment["callerReactions"] == []
    assert comment["reactionCounts"] == {}
    assert isinstance(comment["creationDate"], datetime)
    assert comment["clientRequestToken"]  # boto3 fills the idempotency token in

    on_line = cc.post_comment_for_compared_commit(
        repositoryName="repo",
        beforeCommitId=first,
        afterCommitId=second,
        content="Why 2?",
        location={"filePath": "app.py", "filePosition": 2, "relativeFileVersion": "AFTER"},
    )
    assert on_line["location"] == {"filePath": "app.py", "filePosition": 2, "relativeFileVersion": "AFTER"}
    assert on_line["beforeBlobId"] != on_line["afterBlobId"]
    blob = git(bare_path(server, "repo"), "rev-parse", f"{second}:app.py").stdout.strip()
    assert on_line["afterBlobId"] == blob
    # A line that only the new version has, and a file comment (no position) on the old side.
    cc.post_comment_for_compared_commit(
        repositoryName="repo",
        beforeCommitId=first,
        afterCommitId=second,
        content="new line",
        location={"filePath": "/app.py", "filePosition": 4, "relativeFileVersion": "AFTER"},
    )
    on_file = cc.post_comment_for_compared_commit(
        repositoryName="repo",
        beforeCommitId=first,
        afterCommitId=second,
        content="the docs",
        location={"filePath": "docs/readme.md", "relativeFileVersion": "BEFORE"},
    )
    assert on_file["location"] == {"filePath": "docs/readme.md", "relativeFileVersion": "BEFORE"}
    assert on_file["beforeBlobId"] == on_file["afterBlobId"]  # unchanged between the two commits
    # The first commit has no parent: it can be commented on alone.
    alone = cc.post_comment_for_compared_commit(repositoryName="repo", afterCommitId=first, content="first!")
    assert "beforeCommitId" not in alone

    got = cc.get_comment(commentId=comment["commentId"])["comment"]
    assert got == comment

    data = cc.get_comments_for_compared_commit(
        repositoryName="repo", beforeCommitId=first, afterCommitId=second
    )["commentsForComparedCommitData"]
    assert [[c["content"] for c in group["comments"]] for group in data] == [
        ["Looks good"],
        ["Why 2?"],
        ["new line"],
        ["the docs"],
    ]
    assert data[1]["location"]["filePosition"] == 2
    assert data[1]["afterBlobId"] == blob
    assert all(group["repositoryName"] == "repo" and group["beforeCommitId"] == first for group in data)
    only_first = cc.get_comments_for_compared_commit(repositoryName="repo", afterCommitId=first)
    assert [g["comments"][0]["content"] for g in only_first["commentsForComparedCommitData"]] == ["first!"]
    # The other direction is another comparison, with no comments.
    reverse = cc.get_comments_for_compared_commit(
        repositoryName="repo", beforeCommitId=second, afterCommitId=first
    )
    assert reverse["commentsForComparedCommitData"] == []


def test_comment_errors(server: Server, tmp_path: Path) -> None:
    cc = server.client("codecommit")
    first, second = history(server, tmp_path / "w")
    post = cc.post_comment_for_compared_commit
    ok: dict[str, Any] = {
        "repositoryName": "repo",
        "beforeCommitId": first,
        "afterCommitId": second,
        "content": "c",
    }

    fails("RepositoryDoesNotExistException", post, **{**ok, "repositoryName": "nope"})
    fails("CommentContentRequiredException", post, **{**ok, "content": ""})
    message = fails("CommentContentSizeLimitExceededException", post, **{**ok, "content": "x" * 10_241})
    assert "10,240" in message
    post(**{**ok, "content": "x" * 10_240})
    fails("CommitIdRequiredException", post, **{**ok, "afterCommitId": ""})
    fails("InvalidCommitIdException", post, **{**ok, "afterCommitId": "main"})
    fails("InvalidCommitIdException", post, **{**ok, "beforeCommitId": second[:7]})
    fails("CommitDoesNotExistException", post, **{**ok, "afterCommitId": "0" * 40})
    fails("BeforeCommitIdAndAfterCommitIdAreSameException", post, **{**ok, "beforeCommitId": second})
    # Only a first commit may go without a before commit.
    fails("CommitIdRequiredException", post, repositoryName="repo", afterCommitId=second, content="c")
    fails("ClientRequestTokenRequiredException", post, **ok, clientRequestToken="")
    fails("InvalidClientRequestTokenException", post, **ok, clientRequestToken="t" * 257)

    def at(**location: Any) -> dict[str, Any]:
        return {**ok, "location": location}

    fails("PathRequiredException", post, **at(filePath="", relativeFileVersion="AFTER"))
    fails("PathRequiredException", post, **at(filePosition=1, relativeFileVersion="AFTER"))
    fails("InvalidPathException", post, **at(filePath="docs/../app.py", relativeFileVersion="AFTER"))
    fails("PathDoesNotExistException", post, **at(filePath="nope.txt", relativeFileVersion="AFTER"))
    fails("InvalidFileLocationException", post, **at(filePath="docs", relativeFileVersion="AFTER"))
    fails(
        "InvalidFilePositionException",
        post,
        **at(filePath="app.py", filePosition=5, relativeFileVersion="AFTER"),
    )
    fails(
        "InvalidFilePositionException",
        post,
        **at(filePath="app.py", filePosition=4, relativeFileVersion="BEFORE"),
    )
    fails(
        "InvalidFilePositionException",
        post,
        **at(filePath="app.py", filePosition=0, relativeFileVersion="AFTER"),
    )
    fails("InvalidRelativeFileVersionEnumException", post, **at(filePath="app.py", filePosition=1))
    fails(
        "InvalidRelativeFileVersionEnumException",
        post,
        repositoryName="repo",
        afterCommitId=first,
        content="c",
        location={"filePath": "app.py", "relativeFileVersion": "BEFORE"},
    )
    # The model's enum is checked before the service sees the call.
    fails("ValidationException", post, **at(filePath="app.py", relativeFileVersion="SIDEWAYS"))

    get = cc.get_comments_for_compared_commit
    fails("RepositoryDoesNotExistException", get, repositoryName="nope", afterCommitId=second)
    fails("CommitIdRequiredException", get, repositoryName="repo", afterCommitId="")
    fails("InvalidCommitIdException", get, repositoryName="repo", afterCommitId="HEAD")
    fails("CommitDoesNotExistException", get, repositoryName="repo", afterCommitId="1" * 40)
    fails("InvalidMaxResultsException", get, repositoryName="repo", afterCommitId=second, maxResults=0)
    fails("InvalidMaxResultsException", get, repositoryName="repo", afterCommitId=second, maxResults=501)
    fails(
        "InvalidContinuationTokenException", get, repositoryName="repo", afterCommitId=second, nextToken="x"
    )

    for call in (cc.get_comment, cc.delete_comment_content):
        fails("CommentIdRequiredException", call, commentId="")
        fails("InvalidCommentIdException", call, commentId="not-an-id")
        fails("CommentDoesNotExistException", call, commentId="00000000-0000-4000-8000-000000000000")
    fails(
        "CommentDoesNotExistException",
        cc.update_comment,
        commentId="00000000-0000-4000-8000-000000000000",
        content="x",
    )
    fails(
        "CommentDoesNotExistException",
        cc.post_comment_reply,
        inReplyTo="00000000-0000-4000-8000-000000000000",
        content="x",
    )
    fails("InvalidCommentIdException", cc.post_comment_reply, inReplyTo="nope", content="x")
    fails("CommentIdRequiredException", cc.post_comment_reply, inReplyTo="", content="x")


def test_replies_authors_and_deleted_content(server: Server, tmp_path: Path) -> None:
    first, second = history(server, tmp_path / "w")
    alice = make_user(server, "alice", allow("codecommit:*"))
    bob = make_user(server, "bob", allow("codecommit:*"))
    ac, bc = alice.client("codecommit"), bob.client("codecommit")
    location = {"filePath": "app.py", "filePosition": 3, "relativeFileVersion": "AFTER"}
    posted = ac.post_comment_for_compared_commit(
        repositoryName="repo", beforeCommitId=first, afterCommitId=second, content="typo?", location=location
    )["comment"]
    assert posted["authorArn"] == alice.arn
    reply = bc.post_comment_reply(inReplyTo=posted["commentId"], content="no, on purpose")["comment"]
    assert reply["inReplyTo"] == posted["commentId"]
    assert reply["authorArn"] == bob.arn
    reply2 = ac.post_comment_reply(inReplyTo=reply["commentId"], content="ok")["comment"]
    assert reply2["inReplyTo"] == reply["commentId"]

    message = fails(
        "CommentNotCreatedByCallerException", bc.update_comment, commentId=posted["commentId"], content="x"
    )
    assert alice.arn in message
    fails("CommentContentRequiredException", ac.update_comment, commentId=posted["commentId"], content="")
    updated = ac.update_comment(commentId=posted["commentId"], content="typo!")["comment"]
    assert updated["content"] == "typo!"
    assert updated["lastModifiedDate"] >= posted["lastModifiedDate"]
    assert updated["creationDate"] == posted["creationDate"]

    # Anyone allowed to may blank a comment; it stays in its thread, marked deleted.
    deleted = bc.delete_comment_content(commentId=posted["commentId"])["comment"]
    assert deleted["deleted"] is True
    assert "content" not in deleted
    fails("CommentDeletedException", ac.get_comment, commentId=posted["commentId"])
    fails("CommentDeletedException", ac.update_comment, commentId=posted["commentId"], content="back")
    fails("CommentDeletedException", ac.delete_comment_content, commentId=posted["commentId"])
    # A reply to a deleted comment is still taken.
    ac.post_comment_reply(inReplyTo=posted["commentId"], content="why delete?")

    data = ac.get_comments_for_compared_commit(
        repositoryName="repo", beforeCommitId=first, afterCommitId=second
    )["commentsForComparedCommitData"]
    assert len(data) == 1  # replies sit where the comment they answer does
    assert data[0]["location"] == location
    thread = data[0]["comments"]
    assert [c.get("content") for c in thread] == [None, "no, on purpose", "ok", "why delete?"]
    assert thread[0]["deleted"] is True


def test_idempotency(server: Server, tmp_path: Path) -> None:
    cc = server.client("codecommit")
    first, second = history(server, tmp_path / "w")
    call: dict[str, Any] = {
        "repositoryName": "repo",
        "beforeCommitId": first,
        "afterCommitId": second,
        "content": "once",
        "clientRequestToken": "token-1",
    }
    one = cc.post_comment_for_compared_commit(**call)["comment"]
    assert one["clientRequestToken"] == "token-1"
    again = cc.post_comment_for_compared_commit(**call)["comment"]
    assert again["commentId"] == one["commentId"]
    fails(
        "IdempotencyParameterMismatchException",
        cc.post_comment_for_compared_commit,
        **{**call, "content": "twice"},
    )
    reply = {"inReplyTo": one["commentId"], "content": "re", "clientRequestToken": "token-2"}
    first_reply = cc.post_comment_reply(**reply)["comment"]
    assert cc.post_comment_reply(**reply)["comment"]["commentId"] == first_reply["commentId"]
    fails("IdempotencyParameterMismatchException", cc.post_comment_reply, **{**reply, "content": "other"})
    # The same token from another user is another request.
    bob = make_user(server, "bob", allow("codecommit:*")).client("codecommit")
    fails("IdempotencyParameterMismatchException", bob.post_comment_for_compared_commit, **call)
    comments = cc.get_comments_for_compared_commit(
        repositoryName="repo", beforeCommitId=first, afterCommitId=second
    )
    assert [c["content"] for g in comments["commentsForComparedCommitData"] for c in g["comments"]] == [
        "once",
        "re",
    ]
    created = [e for e in server.events("aws.codecommit") if e["detail"]["event"] == "commentOnCommitCreated"]
    assert len(created) == 2


def test_comment_pages(server: Server, tmp_path: Path) -> None:
    cc = server.client("codecommit")
    first, second = history(server, tmp_path / "w")
    contents = [f"c{i}" for i in range(7)]
    for i, content in enumerate(contents):
        location = {"filePath": "app.py", "filePosition": 1 + i % 2, "relativeFileVersion": "AFTER"}
        cc.post_comment_for_compared_commit(
            repositoryName="repo",
            beforeCommitId=first,
            afterCommitId=second,
            content=content,
            location=location,
        )
    pages = list(
        cc.get_paginator("get_comments_for_compared_commit").paginate(
            repositoryName="repo",
            beforeCommitId=first,
            afterCommitId=second,
            PaginationConfig={"PageSize": 3},
        )
    )
    assert len(pages) == 3
    assert [
        [c["content"] for g in p["commentsForComparedCommitData"] for c in g["comments"]] for p in pages
    ] == [
        ["c0", "c2", "c1"],
        ["c3", "c5", "c4"],
        ["c6"],
    ]
    # Each page groups its comments by line.
    assert [g["location"]["filePosition"] for g in pages[0]["commentsForComparedCommitData"]] == [1, 2]


def test_comment_events(server: Server, tmp_path: Path) -> None:
    cc = server.client("codecommit")
    first, second = history(server, tmp_path / "w")
    repository_id = cc.get_repository(repositoryName="repo")["repositoryMetadata"]["repositoryId"]
    posted = cc.post_comment_for_compared_commit(
        repositoryName="repo", beforeCommitId=first, afterCommitId=second, content="a"
    )["comment"]
    reply = cc.post_comment_reply(inReplyTo=posted["commentId"], content="b")["comment"]
    cc.update_comment(commentId=posted["commentId"], content="a2")
    cc.delete_comment_content(commentId=reply["commentId"])
    events = [
        e for e in server.events("aws.codecommit") if e["detail-type"] == "CodeCommit Comment on Commit"
    ]
    assert [e["detail"]["event"] for e in events] == [
        "commentOnCommitCreated",
        "commentOnCommitCreated",
        "commentOnCommitUpdated",
        "commentOnCommitUpdated",
    ]
    assert all(e["resources"] == ["arn:aws:codecommit:us-east-1:000000000000:repo"] for e in events)
    detail = events[0]["detail"]
    assert {k: v for k, v in detail.items() if k != "notificationBody"} == {
        "event": "commentOnCommitCreated",
        "repositoryName": "repo",
        "repositoryId": repository_id,
        "commentId": posted["commentId"],
        "beforeCommitId": first,
        "afterCommitId": second,
        "callerUserArn": ROOT,
    }
    assert "repo" in detail["notificationBody"]
    assert second in detail["notificationBody"]
    assert events[1]["detail"]["inReplyTo"] == posted["commentId"]
    assert events[3]["detail"]["commentId"] == reply["commentId"]


def test_comments_are_authorised_on_their_repository(server: Server, tmp_path: Path) -> None:
    cc = server.client("codecommit")
    first, second = history(server, tmp_path / "a", "open")
    other_first, other_second = history(server, tmp_path / "b", "secret")
    visible = cc.post_comment_for_compared_commit(
        repositoryName="open", beforeCommitId=first, afterCommitId=second, content="hi"
    )["comment"]["commentId"]
    hidden = cc.post_comment_for_compared_commit(
        repositoryName="secret", beforeCommitId=other_first, afterCommitId=other_second, content="psst"
    )["comment"]["commentId"]
    carol = make_user(
        server, "carol", allow("codecommit:*", "arn:aws:codecommit:us-east-1:000000000000:open")
    )
    client = carol.client("codecommit")
    assert client.get_comment(commentId=visible)["comment"]["content"] == "hi"
    client.post_comment_reply(inReplyTo=visible, content="hello")
    for call, kwargs in (
        (client.get_comment, {"commentId": hidden}),
        (client.update_comment, {"commentId": hidden, "content": "x"}),
        (client.delete_comment_content, {"commentId": hidden}),
        (client.post_comment_reply, {"inReplyTo": hidden, "content": "x"}),
        (client.put_comment_reaction, {"commentId": hidden, "reactionValue": ":thumbsup:"}),
        (client.get_comment_reactions, {"commentId": hidden}),
    ):
        message = fails("AccessDeniedException", call, **kwargs)
        assert "arn:aws:codecommit:us-east-1:000000000000:secret" in message
    # A comment that does not exist names no repository: only a policy on every resource allows it.
    fails("AccessDeniedException", client.get_comment, commentId="00000000-0000-4000-8000-000000000000")


def test_comments_with_the_cli(server: Server, tmp_path: Path) -> None:
    first, second = history(server, tmp_path / "w")
    posted = json.loads(
        server.aws(
            "codecommit",
            "post-comment-for-compared-commit",
            "--repository-name",
            "repo",
            "--before-commit-id",
            first,
            "--after-commit-id",
            second,
            "--client-request-token",
            "cli-token",
            "--content",
            "Can you add a test case for this?",
            "--location",
            "filePath=app.py,filePosition=2,relativeFileVersion=AFTER",
        ).stdout
    )
    assert posted["location"] == {"filePath": "app.py", "filePosition": 2, "relativeFileVersion": "AFTER"}
    assert posted["comment"]["clientRequestToken"] == "cli-token"
    comment_id = posted["comment"]["commentId"]
    got = json.loads(server.aws("codecommit", "get-comment", "--comment-id", comment_id).stdout)
    assert got["comment"]["content"] == "Can you add a test case for this?"
    listed = json.loads(
        server.aws(
            "codecommit",
            "get-comments-for-compared-commit",
            "--repository-name",
            "repo",
            "--before-commit-id",
            first,
            "--after-commit-id",
            second,
        ).stdout
    )
    assert listed["commentsForComparedCommitData"][0]["comments"][0]["commentId"] == comment_id


def a_pull_request(server: Server, work: Path) -> tuple[str, str, str]:
    """A pull request from `feature` (one commit ahead) into `main`: its id, and the destination
    and source commits."""
    cc = server.client("codecommit")
    cc.create_repository(repositoryName="repo")
    base = seed(server, work, "repo", {"app.py": "one\ntwo\n"})
    cc.create_branch(repositoryName="repo", branchName="feature", commitId=base)
    tip = seed(server, work, "repo", {"app.py": "one\ntwo\nthree\n"}, branch="feature", message="three")
    targets = [{"repositoryName": "repo", "sourceReference": "feature", "destinationReference": "main"}]
    pull = cc.create_pull_request(title="Add three", targets=targets)["pullRequest"]
    return str(pull["pullRequestId"]), base, tip


def test_comments_on_a_pull_request(server: Server, tmp_path: Path) -> None:
    cc = server.client("codecommit")
    pull_id, base, tip = a_pull_request(server, tmp_path / "w")
    before_activity = cc.get_pull_request(pullRequestId=pull_id)["pullRequest"]["lastActivityDate"]
    bob = make_user(server, "bob", allow("codecommit:*"))
    general = cc.post_comment_for_pull_request(
        pullRequestId=pull_id, repositoryName="repo", beforeCommitId=base, afterCommitId=tip, content="Nice"
    )
    assert general["pullRequestId"] == pull_id
    assert general["repositoryName"] == "repo"
    assert general["beforeCommitId"] == base
    assert general["afterCommitId"] == tip
    on_line = bob.client("codecommit").post_comment_for_pull_request(
        pullRequestId=pull_id,
        repositoryName="repo",
        beforeCommitId=base,
        afterCommitId=tip,
        content="three?",
        location={"filePath": "app.py", "filePosition": 3, "relativeFileVersion": "AFTER"},
    )
    assert on_line["afterBlobId"] != on_line["beforeBlobId"]
    reply = cc.post_comment_reply(inReplyTo=on_line["comment"]["commentId"], content="three!")["comment"]
    assert cc.get_pull_request(pullRequestId=pull_id)["pullRequest"]["lastActivityDate"] >= before_activity

    data = cc.get_comments_for_pull_request(pullRequestId=pull_id)["commentsForPullRequestData"]
    assert [[c["content"] for c in group["comments"]] for group in data] == [["Nice"], ["three?", "three!"]]
    assert all(group["pullRequestId"] == pull_id and group["repositoryName"] == "repo" for group in data)
    assert data[1]["location"] == {"filePath": "app.py", "filePosition": 3, "relativeFileVersion": "AFTER"}
    assert data[1]["comments"][1]["inReplyTo"] == on_line["comment"]["commentId"]
    filtered = cc.get_comments_for_pull_request(
        pullRequestId=pull_id, repositoryName="repo", beforeCommitId=base, afterCommitId=tip
    )
    assert filtered["commentsForPullRequestData"] == data
    # Pull request comments are not comments on the comparison of the same commits.
    compared = cc.get_comments_for_compared_commit(
        repositoryName="repo", beforeCommitId=base, afterCommitId=tip
    )
    assert compared["commentsForComparedCommitData"] == []
    pages = list(
        cc.get_paginator("get_comments_for_pull_request").paginate(
            pullRequestId=pull_id, PaginationConfig={"PageSize": 2}
        )
    )
    assert [
        [c["content"] for g in p["commentsForPullRequestData"] for c in g["comments"]] for p in pages
    ] == [
        ["Nice", "three?"],
        ["three!"],
    ]

    events = [
        e for e in server.events("aws.codecommit") if e["detail-type"] == "CodeCommit Comment on Pull Request"
    ]
    assert [e["detail"]["event"] for e in events] == ["commentOnPullRequestCreated"] * 3
    assert [e["detail"]["callerUserArn"] for e in events] == [ROOT, bob.arn, ROOT]
    assert all(e["detail"]["pullRequestId"] == pull_id for e in events)
    assert events[2]["detail"]["inReplyTo"] == on_line["comment"]["commentId"]
    assert events[2]["detail"]["commentId"] == reply["commentId"]
    assert f"pull-requests/{pull_id}" in events[0]["detail"]["notificationBody"]
    cc.update_comment(commentId=reply["commentId"], content="3")
    updated = server.events("aws.codecommit")[-1]
    assert updated["detail-type"] == "CodeCommit Comment on Pull Request"
    assert updated["detail"]["event"] == "commentOnPullRequestUpdated"

    # Allowed on the repository only: the pull request's comments are in it, another's are not.
    cc.create_repository(repositoryName="elsewhere")
    carol = make_user(
        server, "carol", allow("codecommit:*", "arn:aws:codecommit:us-east-1:000000000000:elsewhere")
    )
    fails(
        "AccessDeniedException",
        carol.client("codecommit").get_comments_for_pull_request,
        pullRequestId=pull_id,
    )
    dave = make_user(server, "dave", allow("codecommit:*", "arn:aws:codecommit:us-east-1:000000000000:repo"))
    listed = dave.client("codecommit").get_comments_for_pull_request(pullRequestId=pull_id)
    assert [c["content"] for g in listed["commentsForPullRequestData"] for c in g["comments"]] == [
        "Nice",
        "three?",
        "3",
    ]


def test_pull_request_comment_errors(server: Server, tmp_path: Path) -> None:
    cc = server.client("codecommit")
    pull_id, base, tip = a_pull_request(server, tmp_path / "w")
    cc.create_repository(repositoryName="other")
    post = cc.post_comment_for_pull_request
    ok: dict[str, Any] = {
        "pullRequestId": pull_id,
        "repositoryName": "repo",
        "beforeCommitId": base,
        "afterCommitId": tip,
        "content": "c",
    }
    fails("PullRequestIdRequiredException", post, **{**ok, "pullRequestId": ""})
    fails("InvalidPullRequestIdException", post, **{**ok, "pullRequestId": "abc"})
    fails("PullRequestDoesNotExistException", post, **{**ok, "pullRequestId": "999"})
    fails("RepositoryDoesNotExistException", post, **{**ok, "repositoryName": "nope"})
    fails("RepositoryNotAssociatedWithPullRequestException", post, **{**ok, "repositoryName": "other"})
    fails("CommitIdRequiredException", post, **{**ok, "beforeCommitId": ""})
    fails("InvalidCommitIdException", post, **{**ok, "afterCommitId": "feature"})
    fails("CommitDoesNotExistException", post, **{**ok, "afterCommitId": "2" * 40})
    fails("BeforeCommitIdAndAfterCommitIdAreSameException", post, **{**ok, "beforeCommitId": tip})
    fails("CommentContentRequiredException", post, **{**ok, "content": ""})
    fails("CommentContentSizeLimitExceededException", post, **{**ok, "content": "c" * 10_241})
    fails("ClientRequestTokenRequiredException", post, **ok, clientRequestToken="")
    fails("InvalidClientRequestTokenException", post, **ok, clientRequestToken="t" * 257)
    location = {"filePath": "gone.py", "relativeFileVersion": "BEFORE"}
    fails("PathDoesNotExistException", post, **ok, location=location)
    fails("PathRequiredException", post, **ok, location={"relativeFileVersion": "BEFORE"})
    fails("InvalidPathException", post, **ok, location={"filePath": "a//b", "relativeFileVersion": "AFTER"})
    fails(
        "InvalidFilePositionException",
        post,
        **ok,
        location={"filePath": "app.py", "filePosition": 3, "relativeFileVersion": "BEFORE"},
    )
    fails("InvalidRelativeFileVersionEnumException", post, **ok, location={"filePath": "app.py"})
    posted = post(**ok, clientRequestToken="pr-token")["comment"]
    assert post(**ok, clientRequestToken="pr-token")["comment"]["commentId"] == posted["commentId"]
    fails(
        "IdempotencyParameterMismatchException", post, **{**ok, "content": "d"}, clientRequestToken="pr-token"
    )

    get = cc.get_comments_for_pull_request
    fails("PullRequestIdRequiredException", get, pullRequestId="")
    fails("InvalidPullRequestIdException", get, pullRequestId="-1")
    fails("PullRequestDoesNotExistException", get, pullRequestId="999")
    fails(
        "RepositoryNameRequiredException", get, pullRequestId=pull_id, beforeCommitId=base, afterCommitId=tip
    )
    fails("CommitIdRequiredException", get, pullRequestId=pull_id, repositoryName="repo")
    fails("CommitIdRequiredException", get, pullRequestId=pull_id, repositoryName="repo", beforeCommitId=base)
    fails(
        "InvalidCommitIdException",
        get,
        pullRequestId=pull_id,
        repositoryName="repo",
        beforeCommitId="x",
        afterCommitId=tip,
    )
    fails(
        "CommitDoesNotExistException",
        get,
        pullRequestId=pull_id,
        repositoryName="repo",
        beforeCommitId=base,
        afterCommitId="3" * 40,
    )
    fails(
        "RepositoryDoesNotExistException",
        get,
        pullRequestId=pull_id,
        repositoryName="nope",
        beforeCommitId=base,
        afterCommitId=tip,
    )
    fails(
        "RepositoryNotAssociatedWithPullRequestException",
        get,
        pullRequestId=pull_id,
        repositoryName="other",
        beforeCommitId=base,
        afterCommitId=tip,
    )
    fails("InvalidMaxResultsException", get, pullRequestId=pull_id, maxResults=501)
    fails("InvalidContinuationTokenException", get, pullRequestId=pull_id, nextToken="abc")
