"""CodeCommit approval rule templates through boto3 and the aws CLI: the templates, their
associations with repositories, pagination, errors, IAM and events."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.support.iam import allow, make_user
from tests.support.server import Server

ROOT = "arn:aws:iam::000000000000:root"
CONTENT = json.dumps(
    {
        "Version": "2018-11-08",
        "DestinationReferences": ["refs/heads/main"],
        "Statements": [{"Type": "Approvers", "NumberOfApprovalsNeeded": 2}],
    }
)
OTHER_CONTENT = json.dumps(
    {
        "Version": "2018-11-08",
        "Statements": [
            {
                "Type": "Approvers",
                "NumberOfApprovalsNeeded": 1,
                "ApprovalPoolMembers": ["CodeCommitApprovers:000000000000:alice"],
            }
        ],
    }
)


def code_of(excinfo: pytest.ExceptionInfo[ClientError]) -> str:
    return str(excinfo.value.response["Error"]["Code"])


def fails(code: str, call: Any, **kwargs: Any) -> str:
    with pytest.raises(ClientError) as excinfo:
        call(**kwargs)
    assert code_of(excinfo) == code, excinfo.value.response["Error"]
    return str(excinfo.value.response["Error"]["Message"])


def sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def test_template_lifecycle(server: Server) -> None:
    cc = server.client("codecommit")
    created = cc.create_approval_rule_template(
        approvalRuleTemplateName="Two reviewers",
        approvalRuleTemplateContent=CONTENT,
        approvalRuleTemplateDescription="main needs two",
    )["approvalRuleTemplate"]
    assert created["approvalRuleTemplateName"] == "Two reviewers"
    assert created["approvalRuleTemplateDescription"] == "main needs two"
    assert created["approvalRuleTemplateContent"] == CONTENT
    assert created["ruleContentSha256"] == sha(CONTENT)
    assert created["lastModifiedUser"] == ROOT
    assert isinstance(created["creationDate"], datetime)
    template_id = created["approvalRuleTemplateId"]
    got = cc.get_approval_rule_template(approvalRuleTemplateName="Two reviewers")["approvalRuleTemplate"]
    assert got == created

    renamed = cc.update_approval_rule_template_name(
        oldApprovalRuleTemplateName="Two reviewers", newApprovalRuleTemplateName="two-reviewers_v2.0"
    )["approvalRuleTemplate"]
    assert renamed["approvalRuleTemplateId"] == template_id
    assert renamed["approvalRuleTemplateName"] == "two-reviewers_v2.0"
    assert renamed["lastModifiedDate"] >= created["lastModifiedDate"]
    fails(
        "ApprovalRuleTemplateDoesNotExistException",
        cc.get_approval_rule_template,
        approvalRuleTemplateName="Two reviewers",
    )

    described = cc.update_approval_rule_template_description(
        approvalRuleTemplateName="two-reviewers_v2.0", approvalRuleTemplateDescription=""
    )["approvalRuleTemplate"]
    assert described["approvalRuleTemplateDescription"] == ""

    changed = cc.update_approval_rule_template_content(
        approvalRuleTemplateName="two-reviewers_v2.0",
        newRuleContent=OTHER_CONTENT,
        existingRuleContentSha256=sha(CONTENT),
    )["approvalRuleTemplate"]
    assert changed["approvalRuleTemplateContent"] == OTHER_CONTENT
    assert changed["ruleContentSha256"] == sha(OTHER_CONTENT)
    # Without the hash the content is replaced unconditionally.
    again = cc.update_approval_rule_template_content(
        approvalRuleTemplateName="two-reviewers_v2.0", newRuleContent=CONTENT
    )["approvalRuleTemplate"]
    assert again["ruleContentSha256"] == sha(CONTENT)

    assert cc.list_approval_rule_templates()["approvalRuleTemplateNames"] == ["two-reviewers_v2.0"]
    deleted = cc.delete_approval_rule_template(approvalRuleTemplateName="two-reviewers_v2.0")
    assert deleted["approvalRuleTemplateId"] == template_id
    assert cc.list_approval_rule_templates()["approvalRuleTemplateNames"] == []
    # Deleting a template that does not exist answers an empty id (our choice, see behaviour.md).
    assert cc.delete_approval_rule_template(approvalRuleTemplateName="gone")["approvalRuleTemplateId"] == ""


def test_template_errors(server: Server) -> None:
    cc = server.client("codecommit")
    cc.create_approval_rule_template(approvalRuleTemplateName="t", approvalRuleTemplateContent=CONTENT)
    fails(
        "ApprovalRuleTemplateNameAlreadyExistsException",
        cc.create_approval_rule_template,
        approvalRuleTemplateName="t",
        approvalRuleTemplateContent=CONTENT,
    )
    for bad in ("a/b", "semi;colon", "tab\there"):
        fails(
            "InvalidApprovalRuleTemplateNameException",
            cc.create_approval_rule_template,
            approvalRuleTemplateName=bad,
            approvalRuleTemplateContent=CONTENT,
        )
    for name_call in (
        lambda **k: cc.get_approval_rule_template(approvalRuleTemplateName="x/y"),
        lambda **k: cc.delete_approval_rule_template(approvalRuleTemplateName="x/y"),
        lambda **k: cc.update_approval_rule_template_name(
            oldApprovalRuleTemplateName="t", newApprovalRuleTemplateName="x/y"
        ),
    ):
        fails("InvalidApprovalRuleTemplateNameException", name_call)
    for bad_content in (
        "not json",
        json.dumps(
            {"Version": "2012-10-17", "Statements": [{"Type": "Approvers", "NumberOfApprovalsNeeded": 1}]}
        ),
        json.dumps({"Version": "2018-11-08", "Statements": []}),
        json.dumps(
            {"Version": "2018-11-08", "Statements": [{"Type": "Approvers", "NumberOfApprovalsNeeded": 0}]}
        ),
    ):
        fails(
            "InvalidApprovalRuleTemplateContentException",
            cc.create_approval_rule_template,
            approvalRuleTemplateName="u",
            approvalRuleTemplateContent=bad_content,
        )
        fails(
            "InvalidApprovalRuleTemplateContentException",
            cc.update_approval_rule_template_content,
            approvalRuleTemplateName="t",
            newRuleContent=bad_content,
        )
    # The model's length limits answer CodeCommit's own errors.
    fails(
        "InvalidApprovalRuleTemplateDescriptionException",
        cc.create_approval_rule_template,
        approvalRuleTemplateName="u",
        approvalRuleTemplateContent=CONTENT,
        approvalRuleTemplateDescription="d" * 1001,
    )
    fails(
        "InvalidApprovalRuleTemplateNameException",
        cc.create_approval_rule_template,
        approvalRuleTemplateName="n" * 101,
        approvalRuleTemplateContent=CONTENT,
    )
    message = fails(
        "InvalidRuleContentSha256Exception",
        cc.update_approval_rule_template_content,
        approvalRuleTemplateName="t",
        newRuleContent=OTHER_CONTENT,
        existingRuleContentSha256=sha("something else"),
    )
    assert sha(CONTENT) in message
    assert (
        cc.get_approval_rule_template(approvalRuleTemplateName="t")["approvalRuleTemplate"][
            "approvalRuleTemplateContent"
        ]
        == CONTENT
    )
    cc.create_approval_rule_template(approvalRuleTemplateName="other", approvalRuleTemplateContent=CONTENT)
    fails(
        "ApprovalRuleTemplateNameAlreadyExistsException",
        cc.update_approval_rule_template_name,
        oldApprovalRuleTemplateName="t",
        newApprovalRuleTemplateName="other",
    )
    for call in (
        lambda **k: cc.update_approval_rule_template_name(
            oldApprovalRuleTemplateName="missing", newApprovalRuleTemplateName="m2"
        ),
        lambda **k: cc.update_approval_rule_template_description(
            approvalRuleTemplateName="missing", approvalRuleTemplateDescription="d"
        ),
        lambda **k: cc.update_approval_rule_template_content(
            approvalRuleTemplateName="missing", newRuleContent=CONTENT
        ),
        lambda **k: cc.list_repositories_for_approval_rule_template(approvalRuleTemplateName="missing"),
        lambda **k: cc.associate_approval_rule_template_with_repository(
            approvalRuleTemplateName="missing", repositoryName="r"
        ),
    ):
        fails("ApprovalRuleTemplateDoesNotExistException", call)
    # Renaming to its own name changes nothing.
    same = cc.update_approval_rule_template_name(
        oldApprovalRuleTemplateName="t", newApprovalRuleTemplateName="t"
    )
    assert same["approvalRuleTemplate"]["approvalRuleTemplateName"] == "t"


def test_listing_pages(server: Server) -> None:
    cc = server.client("codecommit")
    names = [f"tpl-{i:02d}" for i in range(7)]
    for name in reversed(names):
        cc.create_approval_rule_template(approvalRuleTemplateName=name, approvalRuleTemplateContent=CONTENT)
    seen: list[str] = []
    token: str | None = None
    while True:
        kwargs: dict[str, Any] = {"maxResults": 3}
        if token:
            kwargs["nextToken"] = token
        answer = cc.list_approval_rule_templates(**kwargs)
        assert len(answer["approvalRuleTemplateNames"]) <= 3
        seen += answer["approvalRuleTemplateNames"]
        token = answer.get("nextToken")
        if not token:
            break
    assert seen == names
    fails("InvalidMaxResultsException", cc.list_approval_rule_templates, maxResults=0)
    fails("InvalidMaxResultsException", cc.list_approval_rule_templates, maxResults=101)
    fails("InvalidContinuationTokenException", cc.list_approval_rule_templates, nextToken="bogus")
    # A token from another list is refused too.
    cc.create_repository(repositoryName="r")
    for name in names:
        cc.associate_approval_rule_template_with_repository(approvalRuleTemplateName=name, repositoryName="r")
    listed = cc.list_associated_approval_rule_templates_for_repository(repositoryName="r", maxResults=5)
    assert listed["approvalRuleTemplateNames"] == names[:5]
    fails("InvalidContinuationTokenException", cc.list_approval_rule_templates, nextToken=listed["nextToken"])
    rest = cc.list_associated_approval_rule_templates_for_repository(
        repositoryName="r", maxResults=5, nextToken=listed["nextToken"]
    )
    assert rest["approvalRuleTemplateNames"] == names[5:]
    assert "nextToken" not in rest


def test_associations(server: Server) -> None:
    cc = server.client("codecommit")
    ids = {
        n: cc.create_repository(repositoryName=n)["repositoryMetadata"]["repositoryId"]
        for n in ("a", "b", "c")
    }
    cc.create_approval_rule_template(approvalRuleTemplateName="t", approvalRuleTemplateContent=CONTENT)
    cc.create_approval_rule_template(approvalRuleTemplateName="u", approvalRuleTemplateContent=CONTENT)
    cc.associate_approval_rule_template_with_repository(approvalRuleTemplateName="t", repositoryName="a")
    # Associating again changes nothing.
    cc.associate_approval_rule_template_with_repository(approvalRuleTemplateName="t", repositoryName="a")
    batch = cc.batch_associate_approval_rule_template_with_repositories(
        approvalRuleTemplateName="t", repositoryNames=["b", "missing", "c", "b"]
    )
    assert batch["associatedRepositoryNames"] == ["b", "c"]
    assert batch["errors"] == [
        {
            "repositoryName": "missing",
            "errorCode": "RepositoryDoesNotExistException",
            "errorMessage": "missing does not exist",
        }
    ]
    cc.associate_approval_rule_template_with_repository(approvalRuleTemplateName="u", repositoryName="a")
    listed = cc.list_repositories_for_approval_rule_template(approvalRuleTemplateName="t")
    assert listed["repositoryNames"] == ["a", "b", "c"]
    for_a = cc.list_associated_approval_rule_templates_for_repository(repositoryName="a")
    assert for_a["approvalRuleTemplateNames"] == ["t", "u"]
    fails(
        "ApprovalRuleTemplateInUseException", cc.delete_approval_rule_template, approvalRuleTemplateName="t"
    )

    # Associations follow the repository's id: a rename keeps them, renaming the template too.
    cc.update_repository_name(oldName="a", newName="a2")
    cc.update_approval_rule_template_name(oldApprovalRuleTemplateName="t", newApprovalRuleTemplateName="t2")
    assert cc.list_repositories_for_approval_rule_template(approvalRuleTemplateName="t2")[
        "repositoryNames"
    ] == [
        "a2",
        "b",
        "c",
    ]
    cc.disassociate_approval_rule_template_from_repository(approvalRuleTemplateName="t2", repositoryName="a2")
    # Disassociating what is not associated changes nothing.
    cc.disassociate_approval_rule_template_from_repository(approvalRuleTemplateName="t2", repositoryName="a2")
    gone = cc.batch_disassociate_approval_rule_template_from_repositories(
        approvalRuleTemplateName="t2", repositoryNames=["b", "nope"]
    )
    assert gone["disassociatedRepositoryNames"] == ["b"]
    assert [e["errorCode"] for e in gone["errors"]] == ["RepositoryDoesNotExistException"]
    # Deleting a repository drops its associations.
    cc.delete_repository(repositoryName="c")
    assert (
        cc.list_repositories_for_approval_rule_template(approvalRuleTemplateName="t2")["repositoryNames"]
        == []
    )
    assert cc.delete_approval_rule_template(approvalRuleTemplateName="t2")["approvalRuleTemplateId"]
    assert ids["a"] != ids["b"]

    fails(
        "RepositoryDoesNotExistException",
        cc.associate_approval_rule_template_with_repository,
        approvalRuleTemplateName="u",
        repositoryName="nope",
    )
    fails(
        "RepositoryDoesNotExistException",
        cc.disassociate_approval_rule_template_from_repository,
        approvalRuleTemplateName="u",
        repositoryName="nope",
    )
    fails(
        "RepositoryDoesNotExistException",
        cc.list_associated_approval_rule_templates_for_repository,
        repositoryName="nope",
    )
    fails(
        "RepositoryNamesRequiredException",
        cc.batch_associate_approval_rule_template_with_repositories,
        approvalRuleTemplateName="u",
        repositoryNames=[],
    )
    fails(
        "MaximumRepositoryNamesExceededException",
        cc.batch_disassociate_approval_rule_template_from_repositories,
        approvalRuleTemplateName="u",
        repositoryNames=[f"r{i}" for i in range(101)],
    )
    fails(
        "ApprovalRuleTemplateDoesNotExistException",
        cc.batch_associate_approval_rule_template_with_repositories,
        approvalRuleTemplateName="missing",
        repositoryNames=["b"],
    )


def test_at_most_25_templates_per_repository(server: Server) -> None:
    cc = server.client("codecommit")
    cc.create_repository(repositoryName="r")
    cc.create_repository(repositoryName="s")
    for i in range(26):
        cc.create_approval_rule_template(
            approvalRuleTemplateName=f"t{i:02d}", approvalRuleTemplateContent=CONTENT
        )
    for i in range(25):
        cc.associate_approval_rule_template_with_repository(
            approvalRuleTemplateName=f"t{i:02d}", repositoryName="r"
        )
    fails(
        "MaximumRuleTemplatesAssociatedWithRepositoryException",
        cc.associate_approval_rule_template_with_repository,
        approvalRuleTemplateName="t25",
        repositoryName="r",
    )
    batch = cc.batch_associate_approval_rule_template_with_repositories(
        approvalRuleTemplateName="t25", repositoryNames=["r", "s"]
    )
    assert batch["associatedRepositoryNames"] == ["s"]
    assert [e["errorCode"] for e in batch["errors"]] == [
        "MaximumRuleTemplatesAssociatedWithRepositoryException"
    ]
    assert (
        len(
            cc.list_associated_approval_rule_templates_for_repository(repositoryName="r")[
                "approvalRuleTemplateNames"
            ]
        )
        == 25
    )


def test_template_events(server: Server) -> None:
    cc = server.client("codecommit")
    repository_id = cc.create_repository(repositoryName="repo")["repositoryMetadata"]["repositoryId"]
    created = cc.create_approval_rule_template(
        approvalRuleTemplateName="t", approvalRuleTemplateContent=CONTENT
    )
    template_id = created["approvalRuleTemplate"]["approvalRuleTemplateId"]
    cc.associate_approval_rule_template_with_repository(approvalRuleTemplateName="t", repositoryName="repo")
    cc.update_approval_rule_template_content(approvalRuleTemplateName="t", newRuleContent=OTHER_CONTENT)
    cc.disassociate_approval_rule_template_from_repository(
        approvalRuleTemplateName="t", repositoryName="repo"
    )
    cc.batch_associate_approval_rule_template_with_repositories(
        approvalRuleTemplateName="t", repositoryNames=["repo", "nope"]
    )
    cc.batch_disassociate_approval_rule_template_from_repositories(
        approvalRuleTemplateName="t", repositoryNames=["repo"]
    )
    cc.delete_approval_rule_template(approvalRuleTemplateName="t")
    events = [
        e
        for e in server.events("aws.codecommit")
        if e["detail-type"] == "CodeCommit Approval Rule Template Change"
    ]
    assert [e["detail"]["event"] for e in events] == [
        "approvalRuleTemplateCreated",
        "approvalRuleTemplateAssociatedWithRepository",
        "approvalRuleTemplateUpdated",
        "approvalRuleTemplateDisassociatedFromRepository",
        "batchAssociateApprovalRuleTemplateWithRepositories",
        "batchDisassociateApprovalRuleTemplateFromRepositories",
        "approvalRuleTemplateDeleted",
    ]
    repo_arn = "arn:aws:codecommit:us-east-1:000000000000:repo"
    assert [e["resources"] for e in events] == [
        [],
        [repo_arn],
        [repo_arn],
        [repo_arn],
        [repo_arn],
        [repo_arn],
        [],
    ]
    first = events[0]["detail"]
    assert first["approvalRuleTemplateId"] == template_id
    assert first["approvalRuleTemplateName"] == "t"
    assert first["approvalRuleTemplateContentSha256"] == sha(CONTENT)
    assert first["callerUserArn"] == ROOT
    assert first["repositories"] == {}
    assert first["creationDate"].endswith(" UTC " + first["creationDate"][-4:])
    assert "t" in first["notificationBody"]
    assert events[1]["detail"]["repositories"] == {"repo": repository_id}
    assert events[2]["detail"]["approvalRuleTemplateContentSha256"] == sha(OTHER_CONTENT)
    assert events[4]["detail"]["repositories"] == {"repo": repository_id}


def test_template_permissions(server: Server) -> None:
    cc = server.client("codecommit")
    cc.create_repository(repositoryName="mine")
    cc.create_repository(repositoryName="theirs")
    cc.create_approval_rule_template(approvalRuleTemplateName="t", approvalRuleTemplateContent=CONTENT)
    mine = "arn:aws:codecommit:us-east-1:000000000000:mine"
    alice = make_user(
        server,
        "alice",
        allow(
            [
                "codecommit:AssociateApprovalRuleTemplateWithRepository",
                "codecommit:BatchAssociateApprovalRuleTemplateWithRepositories",
                "codecommit:UpdateApprovalRuleTemplateContent",
            ],
            mine,
        ),
        allow(["codecommit:GetApprovalRuleTemplate", "codecommit:UpdateApprovalRuleTemplateContent"]),
    )
    client = alice.client("codecommit")
    client.associate_approval_rule_template_with_repository(
        approvalRuleTemplateName="t", repositoryName="mine"
    )
    fails(
        "AccessDeniedException",
        client.associate_approval_rule_template_with_repository,
        approvalRuleTemplateName="t",
        repositoryName="theirs",
    )
    fails(
        "AccessDeniedException",
        client.batch_associate_approval_rule_template_with_repositories,
        approvalRuleTemplateName="t",
        repositoryNames=["mine", "theirs"],
    )
    client.batch_associate_approval_rule_template_with_repositories(
        approvalRuleTemplateName="t", repositoryNames=["mine"]
    )
    updated = client.update_approval_rule_template_content(
        approvalRuleTemplateName="t", newRuleContent=OTHER_CONTENT
    )
    assert updated["approvalRuleTemplate"]["lastModifiedUser"] == alice.arn
    fails("AccessDeniedException", client.delete_approval_rule_template, approvalRuleTemplateName="t")


def test_templates_with_the_cli(server: Server) -> None:
    created = json.loads(
        server.aws(
            "codecommit",
            "create-approval-rule-template",
            "--approval-rule-template-name",
            "cli",
            "--approval-rule-template-content",
            CONTENT,
        ).stdout
    )["approvalRuleTemplate"]
    assert created["ruleContentSha256"] == sha(CONTENT)
    listed = json.loads(server.aws("codecommit", "list-approval-rule-templates").stdout)
    assert listed["approvalRuleTemplateNames"] == ["cli"]
    failed = server.aws(
        "codecommit",
        "update-approval-rule-template-content",
        "--approval-rule-template-name",
        "cli",
        "--new-rule-content",
        OTHER_CONTENT,
        "--existing-rule-content-sha256",
        "0" * 64,
        check=False,
    )
    assert failed.returncode != 0
    assert "InvalidRuleContentSha256Exception" in failed.stderr


def test_at_most_1000_templates_per_region(server: Server) -> None:
    from concurrent.futures import ThreadPoolExecutor

    cc = server.client("codecommit")

    def create(i: int) -> None:
        cc.create_approval_rule_template(
            approvalRuleTemplateName=f"t{i:04d}", approvalRuleTemplateContent=CONTENT
        )

    with ThreadPoolExecutor(4) as pool:
        list(pool.map(create, range(1000)))
    fails(
        "NumberOfRuleTemplatesExceededException",
        cc.create_approval_rule_template,
        approvalRuleTemplateName="one-too-many",
        approvalRuleTemplateContent=CONTENT,
    )
    # Another region has its own templates.
    west = server.client("codecommit", region_name="us-west-2")
    west.create_approval_rule_template(approvalRuleTemplateName="t0000", approvalRuleTemplateContent=CONTENT)
    assert west.list_approval_rule_templates()["approvalRuleTemplateNames"] == ["t0000"]
