"""Pull request quotas and the checks the wire protocol's validation would answer first, on an
in-process CodeCommit service over real SQLite, real git repositories, a fake clock and seeded ids."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from codeyard.accounts import RequestContext
from codeyard.clock import FakeClock
from codeyard.errors import CodeyardError
from codeyard.git.storage import GitStorage
from codeyard.ids import IdGenerator, SeededRandomness
from codeyard.services.codecommit.api import CodeCommitApi
from codeyard.services.events import EventFactory
from codeyard.services.iam.arns import root_principal, user_principal
from codeyard.store.ports.git import RefChange
from codeyard.store.sql.engine import make_engine
from codeyard.store.sql.schema import upgrade
from codeyard.store.sql.unit_of_work import SqlStore
from tests.support.git import git

ACCOUNT = "000000000000"
RULE = '{"Version": "2018-11-08", "Statements": [{"Type": "Approvers", "NumberOfApprovalsNeeded": 1}]}'


def ctx(name: str | None = None) -> RequestContext:
    principal = (
        root_principal(ACCOUNT)
        if name is None
        else user_principal(ACCOUNT, f"arn:aws:iam::{ACCOUNT}:user/{name}", f"AIDA{name.upper()}", name)
    )
    return RequestContext(principal=principal, region="us-east-1", account_id=ACCOUNT, request_id="r")


@pytest.fixture
def api(tmp_path: Path) -> Iterator[CodeCommitApi]:
    engine = make_engine("sqlite:///" + str(tmp_path / "codeyard.sqlite"))
    upgrade(engine)
    store = SqlStore(engine)
    clock = FakeClock()
    ids = IdGenerator(SeededRandomness(1))
    git_root = tmp_path / "git"
    git_root.mkdir()
    service = CodeCommitApi(
        store,
        clock,
        ids,
        EventFactory(clock, ids),
        GitStorage(git_root),
        clone_url_base="http://127.0.0.1:4567",
    )
    repository_id = service.create_repository(ctx(), repository_name="repo")["repositoryMetadata"][
        "repositoryId"
    ]
    work = tmp_path / "work"
    work.mkdir()
    git(work, "init", "-q", "-b", "main")
    git(work, "commit", "-q", "--allow-empty", "-m", "base")
    git(work, "checkout", "-q", "-b", "feature")
    git(work, "commit", "-q", "--allow-empty", "-m", "feature")
    git(work, "push", "-q", str(git_root / f"{repository_id}.git"), "main", "feature")
    tips = {b: git(work, "rev-parse", b).stdout.strip() for b in ("main", "feature")}
    service.record_push(ctx(), "repo", [RefChange(f"refs/heads/{b}", None, c) for b, c in tips.items()])
    yield service
    store.dispose()


def open_pr(api: CodeCommitApi) -> dict[str, Any]:
    target = {"repositoryName": "repo", "sourceReference": "feature"}
    pull: dict[str, Any] = api.create_pull_request(ctx("alice"), title="t", targets=[target])["pullRequest"]
    return pull


def code(call: Callable[..., object], **kwargs: Any) -> str:
    with pytest.raises(CodeyardError) as excinfo:
        call(**kwargs)
    return excinfo.value.code


def test_at_most_1000_open_pull_requests_per_repository(api: CodeCommitApi) -> None:
    first = open_pr(api)
    assert first["pullRequestTargets"][0]["destinationReference"] == "refs/heads/main"
    with api._store.unit_of_work() as uow:
        record = uow.pull_requests.get(pull_request_id=int(first["pullRequestId"]))
        assert record is not None
        for _ in range(999):
            uow.pull_requests.add(replace(record, pull_request_id=None, client_request_token=None))
        uow.commit()
    assert code(open_pr, api=api) == "MaximumOpenPullRequestsExceededException"
    api.update_pull_request_status(
        ctx(), pull_request_id=first["pullRequestId"], pull_request_status="CLOSED"
    )
    assert open_pr(api)["pullRequestStatus"] == "OPEN"


def test_at_most_200_approvals_per_revision(api: CodeCommitApi) -> None:
    pull = open_pr(api)
    number, revision = pull["pullRequestId"], pull["revisionId"]
    with api._store.unit_of_work() as uow:
        record = uow.pull_requests.get(pull_request_id=int(number))
        assert record is not None
        approvals = [
            {"userArn": f"arn:aws:iam::{ACCOUNT}:user/u{i}", "revisionId": revision} for i in range(199)
        ]
        uow.pull_requests.update(replace(record, approvals=approvals))
        uow.commit()
    api.update_pull_request_approval_state(
        ctx("bob"), pull_request_id=number, revision_id=revision, approval_state="APPROVE"
    )
    assert (
        code(
            api.update_pull_request_approval_state,
            ctx=ctx("carol"),
            pull_request_id=number,
            revision_id=revision,
            approval_state="APPROVE",
        )
        == "MaximumNumberOfApprovalsExceededException"
    )
    # A revoke makes room again.
    api.update_pull_request_approval_state(
        ctx("bob"), pull_request_id=number, revision_id=revision, approval_state="REVOKE"
    )
    api.update_pull_request_approval_state(
        ctx("carol"), pull_request_id=number, revision_id=revision, approval_state="APPROVE"
    )
    states = api.get_pull_request_approval_states(ctx(), pull_request_id=number, revision_id=revision)
    assert len(states["approvals"]) == 200


def test_checks_behind_the_protocol_validation(api: CodeCommitApi) -> None:
    """Values the model's own checks refuse on the wire are refused by the service too."""
    pull = open_pr(api)
    number, revision = pull["pullRequestId"], pull["revisionId"]
    root = ctx()
    cases: list[tuple[str, Callable[..., object], dict[str, Any]]] = [
        (
            "OverrideStatusRequiredException",
            api.override_pull_request_approval_rules,
            {"override_status": ""},
        ),
        (
            "InvalidOverrideStatusException",
            api.override_pull_request_approval_rules,
            {"override_status": "YES"},
        ),
        ("ApprovalStateRequiredException", api.update_pull_request_approval_state, {"approval_state": ""}),
        (
            "InvalidApprovalStateException",
            api.update_pull_request_approval_state,
            {"approval_state": "MAYBE"},
        ),
    ]
    for expected, call, extra in cases:
        assert code(call, ctx=root, pull_request_id=number, revision_id=revision, **extra) == expected
    status = api.update_pull_request_status
    assert (
        code(status, ctx=root, pull_request_id=number, pull_request_status="")
        == "PullRequestStatusRequiredException"
    )
    assert (
        code(status, ctx=root, pull_request_id=number, pull_request_status="DONE")
        == "InvalidPullRequestStatusException"
    )
    describe = api.describe_pull_request_events
    assert code(describe, ctx=root, pull_request_id=number, pull_request_event_type="X") == (
        "InvalidPullRequestEventTypeException"
    )
    listing = api.list_pull_requests
    assert code(listing, ctx=root, repository_name="repo", pull_request_status="DONE") == (
        "InvalidPullRequestStatusException"
    )
    assert code(listing, ctx=root, repository_name="") == "RepositoryNameRequiredException"
    create_rule = api.create_pull_request_approval_rule
    assert code(
        create_rule, ctx=root, pull_request_id=number, approval_rule_name="", approval_rule_content=RULE
    ) == ("ApprovalRuleNameRequiredException")
    assert code(
        create_rule, ctx=root, pull_request_id=number, approval_rule_name="r", approval_rule_content=""
    ) == ("ApprovalRuleContentRequiredException")
    assert code(
        create_rule,
        ctx=root,
        pull_request_id=number,
        approval_rule_name="r" * 101,
        approval_rule_content=RULE,
    ) == ("InvalidApprovalRuleNameException")
    targets = [{"repositoryName": "", "sourceReference": "feature"}]
    assert (
        code(api.create_pull_request, ctx=root, title="t", targets=targets)
        == "RepositoryNameRequiredException"
    )
