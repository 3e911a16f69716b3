"""CodeCommit pull requests through boto3: create (idempotent), read, list, edit, close and
reopen, their events, and following their branches as refs move."""

from __future__ import annotations

import re
from pathlib import Path

from tests.api.codecommit.pr_support import make_repo, open_pr, pr_events, raises
from tests.support.git import bare_path, git
from tests.support.iam import allow, make_user
from tests.support.server import Server

ROOT_ARN = "arn:aws:iam::000000000000:root"


def test_create_and_get(server: Server, tmp_path: Path) -> None:
    repo = make_repo(server, tmp_path)
    alice = make_user(server, "alice", allow("codecommit:*"))
    pull = open_pr(alice.client("codecommit"), description="Adds feature.txt", clientRequestToken="tok-1")
    assert pull["pullRequestId"].isdigit()
    assert re.fullmatch(r"[0-9a-f]{64}", pull["revisionId"])
    assert pull["title"] == "Add feature"
    assert pull["description"] == "Adds feature.txt"
    assert pull["pullRequestStatus"] == "OPEN"
    assert pull["authorArn"] == alice.arn
    assert pull["clientRequestToken"] == "tok-1"
    assert pull["approvalRules"] == []
    assert pull["pullRequestTargets"] == [
        {
            "repositoryName": "repo",
            "sourceReference": "refs/heads/feature",
            "destinationReference": "refs/heads/main",  # the default branch when none is given
            "sourceCommit": repo.feature,
            "destinationCommit": repo.base,
            "mergeBase": repo.base,
            "mergeMetadata": {"isMerged": False},
        }
    ]
    got = server.client("codecommit").get_pull_request(pullRequestId=pull["pullRequestId"])["pullRequest"]
    assert got == pull


def test_create_is_idempotent_per_token(server: Server, tmp_path: Path) -> None:
    make_repo(server, tmp_path)
    cc = server.client("codecommit")
    first = open_pr(cc, clientRequestToken="same")
    again = open_pr(cc, clientRequestToken="same")
    assert again == first
    assert cc.list_pull_requests(repositoryName="repo")["pullRequestIds"] == [first["pullRequestId"]]
    raises(
        "IdempotencyParameterMismatchException", open_pr, client=cc, title="Other", clientRequestToken="same"
    )
    # boto3 fills in a fresh token when none is given: two calls make two pull requests.
    assert open_pr(cc)["pullRequestId"] != open_pr(cc)["pullRequestId"]


def test_create_errors(server: Server, tmp_path: Path) -> None:
    repo = make_repo(server, tmp_path)
    make_repo(server, tmp_path, "other")
    cc = server.client("codecommit")
    git(repo.work, "tag", "v1", repo.base)
    git(repo.work, "push", "-q", str(bare_path(server, "repo")), "refs/tags/v1")

    def create(title: str = "t", **target: str) -> object:
        return cc.create_pull_request(
            title=title, targets=[{"repositoryName": "repo", "sourceReference": "feature", **target}]
        )

    raises("TitleRequiredException", create, title="")
    raises("InvalidTitleException", create, title="   ")
    raises("TargetsRequiredException", cc.create_pull_request, title="t", targets=[])
    raises(
        "MultipleRepositoriesInPullRequestException",
        cc.create_pull_request,
        title="t",
        targets=[
            {"repositoryName": "repo", "sourceReference": "feature"},
            {"repositoryName": "other", "sourceReference": "feature"},
        ],
    )
    raises(
        "InvalidTargetsException",
        cc.create_pull_request,
        title="t",
        targets=[{"repositoryName": "repo", "sourceReference": "feature"}] * 2,
    )
    raises("InvalidRepositoryNameException", create, repositoryName="x.git")
    raises("RepositoryDoesNotExistException", create, repositoryName="nope")
    raises("ReferenceNameRequiredException", create, sourceReference="")
    raises("InvalidReferenceNameException", create, sourceReference="a..b")
    raises("ReferenceDoesNotExistException", create, sourceReference="nope")
    raises("ReferenceDoesNotExistException", create, destinationReference="refs/heads/nope")
    raises("ReferenceTypeNotSupportedException", create, sourceReference="refs/tags/v1")
    raises("ReferenceTypeNotSupportedException", create, sourceReference="v1")
    raises("ReferenceTypeNotSupportedException", create, sourceReference=repo.base)
    message = raises(
        "SourceAndDestinationAreSameException", create, destinationReference="refs/heads/feature"
    )
    assert "refs/heads/feature" in message
    raises(
        "ClientRequestTokenRequiredException",
        cc.create_pull_request,
        title="t",
        clientRequestToken="",
        targets=[{"repositoryName": "repo", "sourceReference": "feature"}],
    )
    raises(
        "InvalidClientRequestTokenException",
        cc.create_pull_request,
        title="t",
        clientRequestToken="x" * 257,
        targets=[{"repositoryName": "repo", "sourceReference": "feature"}],
    )
    assert cc.list_pull_requests(repositoryName="repo")["pullRequestIds"] == []


def test_get_errors(server: Server) -> None:
    cc = server.client("codecommit")
    raises("PullRequestDoesNotExistException", cc.get_pull_request, pullRequestId="424242")
    raises("InvalidPullRequestIdException", cc.get_pull_request, pullRequestId="abc")
    raises("InvalidPullRequestIdException", cc.get_pull_request, pullRequestId="0")
    raises("PullRequestIdRequiredException", cc.get_pull_request, pullRequestId="")


def test_list_filters_and_pages(server: Server, tmp_path: Path) -> None:
    make_repo(server, tmp_path)
    alice = make_user(server, "alice", allow("codecommit:*"))
    bob = make_user(server, "bob", allow("codecommit:*"))
    by_alice = [open_pr(alice.client("codecommit"))["pullRequestId"] for _ in range(3)]
    by_bob = [open_pr(bob.client("codecommit"))["pullRequestId"] for _ in range(2)]
    cc = server.client("codecommit")
    cc.update_pull_request_status(pullRequestId=by_alice[0], pullRequestStatus="CLOSED")
    newest_first = [*reversed(by_bob), *reversed(by_alice)]
    assert cc.list_pull_requests(repositoryName="repo")["pullRequestIds"] == newest_first
    assert cc.list_pull_requests(repositoryName="repo", authorArn=bob.arn)["pullRequestIds"] == by_bob[::-1]
    assert cc.list_pull_requests(repositoryName="repo", pullRequestStatus="CLOSED")["pullRequestIds"] == [
        by_alice[0]
    ]
    opened = cc.list_pull_requests(repositoryName="repo", authorArn=alice.arn, pullRequestStatus="OPEN")
    assert opened["pullRequestIds"] == [by_alice[2], by_alice[1]]
    seen: list[str] = []
    kwargs: dict[str, object] = {"repositoryName": "repo", "maxResults": 2}
    while True:
        page = cc.list_pull_requests(**kwargs)
        assert len(page["pullRequestIds"]) <= 2
        seen += page["pullRequestIds"]
        if "nextToken" not in page:
            break
        kwargs["nextToken"] = page["nextToken"]
    assert seen == newest_first
    raises("InvalidMaxResultsException", cc.list_pull_requests, repositoryName="repo", maxResults=0)
    raises("InvalidContinuationTokenException", cc.list_pull_requests, repositoryName="repo", nextToken="bad")
    token = cc.list_pull_requests(repositoryName="repo", maxResults=1)["nextToken"]
    raises(
        "InvalidContinuationTokenException",
        cc.list_pull_requests,
        repositoryName="repo",
        authorArn=bob.arn,
        nextToken=token,
    )
    raises("InvalidAuthorArnException", cc.list_pull_requests, repositoryName="repo", authorArn="bob")
    raises(
        "AuthorDoesNotExistException",
        cc.list_pull_requests,
        repositoryName="repo",
        authorArn="arn:aws:iam::000000000000:user/ghost",
    )
    raises("RepositoryDoesNotExistException", cc.list_pull_requests, repositoryName="nope")
    assert cc.list_pull_requests(repositoryName="repo", authorArn=ROOT_ARN)["pullRequestIds"] == []


def test_title_description_status(server: Server, tmp_path: Path) -> None:
    make_repo(server, tmp_path)
    cc = server.client("codecommit")
    pull = open_pr(cc)
    number = pull["pullRequestId"]
    titled = cc.update_pull_request_title(pullRequestId=number, title="Better title")["pullRequest"]
    assert titled["title"] == "Better title"
    assert titled["lastActivityDate"] >= pull["lastActivityDate"]
    described = cc.update_pull_request_description(pullRequestId=number, description="Why")["pullRequest"]
    assert described["description"] == "Why"
    raises("TitleRequiredException", cc.update_pull_request_title, pullRequestId=number, title="")
    raises(
        "InvalidPullRequestStatusUpdateException",
        cc.update_pull_request_status,
        pullRequestId=number,
        pullRequestStatus="OPEN",
    )
    closed = cc.update_pull_request_status(pullRequestId=number, pullRequestStatus="CLOSED")["pullRequest"]
    assert closed["pullRequestStatus"] == "CLOSED"
    assert closed["pullRequestTargets"][0]["mergeMetadata"] == {"isMerged": False}
    raises("PullRequestAlreadyClosedException", cc.update_pull_request_title, pullRequestId=number, title="x")
    raises(
        "PullRequestAlreadyClosedException",
        cc.update_pull_request_description,
        pullRequestId=number,
        description="x",
    )
    raises(
        "InvalidPullRequestStatusUpdateException",
        cc.update_pull_request_status,
        pullRequestId=number,
        pullRequestStatus="CLOSED",
    )
    reopened = cc.update_pull_request_status(pullRequestId=number, pullRequestStatus="OPEN")["pullRequest"]
    assert reopened["pullRequestStatus"] == "OPEN"
    assert reopened["revisionId"] == pull["revisionId"]  # the source did not move
    raises(
        "PullRequestDoesNotExistException",
        cc.update_pull_request_status,
        pullRequestId="999999",
        pullRequestStatus="CLOSED",
    )
    raises(
        "InvalidPullRequestIdException",
        cc.update_pull_request_description,
        pullRequestId="x",
        description="d",
    )
    raises("PullRequestIdRequiredException", cc.update_pull_request_title, pullRequestId="", title="t")


def test_reopen_after_source_branch_deleted_is_refused(server: Server, tmp_path: Path) -> None:
    make_repo(server, tmp_path)
    cc = server.client("codecommit")
    number = open_pr(cc)["pullRequestId"]
    cc.update_pull_request_status(pullRequestId=number, pullRequestStatus="CLOSED")
    cc.delete_branch(repositoryName="repo", branchName="feature")
    message = raises(
        "InvalidPullRequestStatusUpdateException",
        cc.update_pull_request_status,
        pullRequestId=number,
        pullRequestStatus="OPEN",
    )
    assert "refs/heads/feature" in message


def test_events_describe_and_filter(server: Server, tmp_path: Path) -> None:
    make_repo(server, tmp_path)
    alice = make_user(server, "alice", allow("codecommit:*"))
    cc = server.client("codecommit")
    pull = open_pr(alice.client("codecommit"))
    number = pull["pullRequestId"]
    cc.update_pull_request_status(pullRequestId=number, pullRequestStatus="CLOSED")
    cc.update_pull_request_status(pullRequestId=number, pullRequestStatus="OPEN")
    events = cc.describe_pull_request_events(pullRequestId=number)["pullRequestEvents"]
    assert [e["pullRequestEventType"] for e in events] == [
        "PULL_REQUEST_CREATED",
        "PULL_REQUEST_STATUS_CHANGED",
        "PULL_REQUEST_STATUS_CHANGED",
    ]
    created, closed, opened = events
    assert created["actorArn"] == alice.arn
    assert created["pullRequestId"] == number
    target = pull["pullRequestTargets"][0]
    assert created["pullRequestCreatedEventMetadata"] == {
        "repositoryName": "repo",
        "sourceCommitId": target["sourceCommit"],
        "destinationCommitId": target["destinationCommit"],
        "mergeBase": target["mergeBase"],
    }
    assert closed["pullRequestStatusChangedEventMetadata"] == {"pullRequestStatus": "CLOSED"}
    assert opened["pullRequestStatusChangedEventMetadata"] == {"pullRequestStatus": "OPEN"}
    assert closed["actorArn"] == ROOT_ARN
    by_type = cc.describe_pull_request_events(
        pullRequestId=number, pullRequestEventType="PULL_REQUEST_CREATED"
    )
    assert [e["pullRequestEventType"] for e in by_type["pullRequestEvents"]] == ["PULL_REQUEST_CREATED"]
    by_actor = cc.describe_pull_request_events(pullRequestId=number, actorArn=ROOT_ARN)["pullRequestEvents"]
    assert [e["pullRequestStatusChangedEventMetadata"]["pullRequestStatus"] for e in by_actor] == [
        "CLOSED",
        "OPEN",
    ]
    first = cc.describe_pull_request_events(pullRequestId=number, maxResults=2)
    rest = cc.describe_pull_request_events(pullRequestId=number, maxResults=2, nextToken=first["nextToken"])
    assert first["pullRequestEvents"] + rest["pullRequestEvents"] == events
    assert "nextToken" not in rest
    raises(
        "InvalidMaxResultsException", cc.describe_pull_request_events, pullRequestId=number, maxResults=101
    )
    raises(
        "InvalidContinuationTokenException",
        cc.describe_pull_request_events,
        pullRequestId=number,
        nextToken="bad",
    )
    raises("InvalidActorArnException", cc.describe_pull_request_events, pullRequestId=number, actorArn="me")
    raises(
        "ActorDoesNotExistException",
        cc.describe_pull_request_events,
        pullRequestId=number,
        actorArn="arn:aws:iam::000000000000:user/ghost",
    )
    raises("PullRequestDoesNotExistException", cc.describe_pull_request_events, pullRequestId="999999")
    raises("InvalidPullRequestIdException", cc.describe_pull_request_events, pullRequestId="-1")
    raises("PullRequestIdRequiredException", cc.describe_pull_request_events, pullRequestId="")


def test_outbox_events(server: Server, tmp_path: Path) -> None:
    make_repo(server, tmp_path)
    alice = make_user(server, "alice", allow("codecommit:*"))
    pull = open_pr(alice.client("codecommit"), description="Why")
    number = pull["pullRequestId"]
    server.client("codecommit").update_pull_request_status(pullRequestId=number, pullRequestStatus="CLOSED")
    created, closed = pr_events(server)
    target = pull["pullRequestTargets"][0]
    assert created["event"] == "pullRequestCreated"
    assert re.fullmatch(r"\w{3} \w{3} \d\d \d\d:\d\d:\d\d UTC \d{4}", created.pop("creationDate"))
    assert re.fullmatch(r"\w{3} \w{3} \d\d \d\d:\d\d:\d\d UTC \d{4}", created.pop("lastModifiedDate"))
    body = created.pop("notificationBody")
    assert "repo" in body
    assert f"/pull-requests/{number}" in body
    assert created == {
        "author": alice.arn,
        "callerUserArn": alice.arn,
        "description": "Why",
        "destinationCommit": target["destinationCommit"],
        "destinationReference": "refs/heads/main",
        "event": "pullRequestCreated",
        "isMerged": "False",
        "pullRequestId": number,
        "pullRequestStatus": "Open",
        "repositoryNames": ["repo"],
        "revisionId": pull["revisionId"],
        "sourceCommit": target["sourceCommit"],
        "sourceReference": "refs/heads/feature",
        "title": "Add feature",
    }
    assert closed["event"] == "pullRequestStatusChanged"
    assert closed["pullRequestStatus"] == "Closed"
    assert closed["callerUserArn"] == ROOT_ARN
    envelope = next(
        e for e in server.events("aws.codecommit") if e["detail"]["event"] == "pullRequestCreated"
    )
    assert envelope["resources"] == ["arn:aws:codecommit:us-east-1:000000000000:repo"]


def test_source_update_makes_a_new_revision(server: Server, tmp_path: Path) -> None:
    repo = make_repo(server, tmp_path)
    cc = server.client("codecommit")
    pull = open_pr(cc)
    number = pull["pullRequestId"]
    other = open_pr(cc, source="main", destination="feature")  # its destination moves, not its source
    tip = repo.advance("feature", {"more.txt": "more\n"})
    moved = cc.get_pull_request(pullRequestId=number)["pullRequest"]
    assert moved["revisionId"] != pull["revisionId"]
    assert moved["pullRequestTargets"][0]["sourceCommit"] == tip
    assert moved["pullRequestTargets"][0]["mergeBase"] == repo.base
    unchanged = cc.get_pull_request(pullRequestId=other["pullRequestId"])["pullRequest"]
    assert unchanged["revisionId"] == other["revisionId"]
    assert unchanged["pullRequestTargets"][0]["destinationCommit"] == tip
    events = cc.describe_pull_request_events(
        pullRequestId=number, pullRequestEventType="PULL_REQUEST_SOURCE_REFERENCE_UPDATED"
    )["pullRequestEvents"]
    assert [e["pullRequestSourceReferenceUpdatedEventMetadata"] for e in events] == [
        {
            "repositoryName": "repo",
            "beforeCommitId": repo.feature,
            "afterCommitId": tip,
            "mergeBase": repo.base,
        }
    ]
    updated = [e for e in pr_events(server) if e["event"] == "pullRequestSourceBranchUpdated"]
    assert [(e["pullRequestId"], e["sourceCommit"], e["revisionId"]) for e in updated] == [
        (number, tip, moved["revisionId"])
    ]


def test_closed_pull_requests_do_not_follow(server: Server, tmp_path: Path) -> None:
    repo = make_repo(server, tmp_path)
    cc = server.client("codecommit")
    pull = open_pr(cc)
    number = pull["pullRequestId"]
    cc.update_pull_request_status(pullRequestId=number, pullRequestStatus="CLOSED")
    tip = repo.advance("feature", {"more.txt": "more\n"})
    assert cc.get_pull_request(pullRequestId=number)["pullRequest"]["revisionId"] == pull["revisionId"]
    reopened = cc.update_pull_request_status(pullRequestId=number, pullRequestStatus="OPEN")["pullRequest"]
    assert reopened["pullRequestTargets"][0]["sourceCommit"] == tip
    assert reopened["revisionId"] != pull["revisionId"]


def test_merge_by_push_closes(server: Server, tmp_path: Path) -> None:
    repo = make_repo(server, tmp_path)
    cc = server.client("codecommit")
    cc.create_branch(repositoryName="repo", branchName="develop", commitId=repo.base)
    pull = open_pr(cc, destination="develop")
    number = pull["pullRequestId"]
    into_main = open_pr(cc)["pullRequestId"]
    repo.point("develop", repo.feature)  # a fast-forward, as a push would do
    merged = cc.get_pull_request(pullRequestId=number)["pullRequest"]
    assert merged["pullRequestStatus"] == "CLOSED"
    assert merged["pullRequestTargets"][0]["destinationCommit"] == repo.feature
    assert merged["pullRequestTargets"][0]["mergeMetadata"] == {
        "isMerged": True,
        "mergedBy": ROOT_ARN,
        "mergeCommitId": repo.feature,
    }
    assert cc.get_pull_request(pullRequestId=into_main)["pullRequest"]["pullRequestStatus"] == "OPEN"
    (event,) = cc.describe_pull_request_events(
        pullRequestId=number, pullRequestEventType="PULL_REQUEST_MERGE_STATE_CHANGED"
    )["pullRequestEvents"]
    assert event["pullRequestMergedStateChangedEventMetadata"] == {
        "repositoryName": "repo",
        "destinationReference": "refs/heads/develop",
        "mergeMetadata": merged["pullRequestTargets"][0]["mergeMetadata"],
    }
    outbox = [e for e in pr_events(server) if e["event"] == "pullRequestMergeStatusUpdated"]
    assert [(e["pullRequestId"], e["isMerged"], e["pullRequestStatus"]) for e in outbox] == [
        (number, "True", "Closed")
    ]
    raises(
        "InvalidPullRequestStatusUpdateException",
        cc.update_pull_request_status,
        pullRequestId=number,
        pullRequestStatus="OPEN",
    )


def test_authorised_on_the_pull_request_repository(server: Server, tmp_path: Path) -> None:
    make_repo(server, tmp_path)
    make_repo(server, tmp_path, "other")
    arn = "arn:aws:codecommit:us-east-1:000000000000:"
    carol = make_user(server, "carol", allow("codecommit:*", arn + "other"))
    cc = server.client("codecommit")
    mine = open_pr(carol.client("codecommit"), repo="other")["pullRequestId"]
    theirs = open_pr(cc)["pullRequestId"]
    client = carol.client("codecommit")
    assert client.get_pull_request(pullRequestId=mine)["pullRequest"]["pullRequestId"] == mine
    message = raises("AccessDeniedException", client.get_pull_request, pullRequestId=theirs)
    assert arn + "repo" in message
    raises("AccessDeniedException", client.update_pull_request_title, pullRequestId=theirs, title="x")
    raises("AccessDeniedException", open_pr, client=client)
    # A pull request that does not exist is authorised on "*": carol's policy names a repository.
    raises("AccessDeniedException", client.get_pull_request, pullRequestId="999999")
    anyone = make_user(server, "dave", allow("codecommit:*"))
    raises(
        "PullRequestDoesNotExistException",
        anyone.client("codecommit").get_pull_request,
        pullRequestId="999999",
    )


def test_api_commits_move_pull_requests(server: Server, tmp_path: Path) -> None:
    repo = make_repo(server, tmp_path)
    alice = make_user(server, "alice", allow("codecommit:*"))
    cc = alice.client("codecommit")
    pull = open_pr(cc)
    number = pull["pullRequestId"]
    on_source = cc.put_file(
        repositoryName="repo",
        branchName="feature",
        parentCommitId=repo.feature,
        filePath="b.txt",
        fileContent=b"b",
    )["commitId"]
    on_destination = cc.put_file(
        repositoryName="repo", branchName="main", parentCommitId=repo.base, filePath="c.txt", fileContent=b"c"
    )["commitId"]
    moved = cc.get_pull_request(pullRequestId=number)["pullRequest"]
    target = moved["pullRequestTargets"][0]
    assert (target["sourceCommit"], target["destinationCommit"], target["mergeBase"]) == (
        on_source,
        on_destination,
        repo.base,
    )
    assert moved["revisionId"] != pull["revisionId"]
    assert moved["pullRequestStatus"] == "OPEN"
    (event,) = cc.describe_pull_request_events(
        pullRequestId=number, pullRequestEventType="PULL_REQUEST_SOURCE_REFERENCE_UPDATED"
    )["pullRequestEvents"]
    assert event["actorArn"] == alice.arn
    outbox = [(e["detail-type"], e["detail"]["event"]) for e in server.events("aws.codecommit")][-3:]
    assert outbox == [
        ("CodeCommit Repository State Change", "referenceUpdated"),
        ("CodeCommit Pull Request State Change", "pullRequestSourceBranchUpdated"),
        ("CodeCommit Repository State Change", "referenceUpdated"),
    ]
