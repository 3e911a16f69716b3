"""CodeCommit repositories through boto3 and the aws CLI: create, get, list, rename, delete, tags."""

from __future__ import annotations

import json
from datetime import datetime

import pytest
from botocore.exceptions import ClientError

from tests.support.server import Server


def code_of(excinfo: pytest.ExceptionInfo[ClientError]) -> str:
    return str(excinfo.value.response["Error"]["Code"])


def test_create_and_get(server: Server) -> None:
    cc = server.client("codecommit")
    created = cc.create_repository(
        repositoryName="app", repositoryDescription="the app", tags={"team": "core"}
    )["repositoryMetadata"]
    assert created["repositoryName"] == "app"
    assert created["Arn"] == "arn:aws:codecommit:us-east-1:000000000000:app"
    assert created["accountId"] == "000000000000"
    assert created["cloneUrlHttp"] == f"{server.endpoint}/v1/repos/app"
    assert created["kmsKeyId"] == "alias/aws/codecommit"
    assert isinstance(created["creationDate"], datetime)
    assert "defaultBranch" not in created
    got = cc.get_repository(repositoryName="app")["repositoryMetadata"]
    assert got["repositoryId"] == created["repositoryId"]
    assert got["repositoryDescription"] == "the app"
    arn = created["Arn"]
    assert cc.list_tags_for_resource(resourceArn=arn)["tags"] == {"team": "core"}
    assert (server.data_dir / "git" / f"{created['repositoryId']}.git" / "HEAD").is_file()


def test_names_and_duplicates(server: Server) -> None:
    cc = server.client("codecommit")
    cc.create_repository(repositoryName="dup")
    with pytest.raises(ClientError) as excinfo:
        cc.create_repository(repositoryName="dup")
    assert code_of(excinfo) == "RepositoryNameExistsException"
    with pytest.raises(ClientError) as excinfo:
        cc.create_repository(repositoryName="thing.git")
    assert code_of(excinfo) == "InvalidRepositoryNameException"
    with pytest.raises(ClientError) as excinfo:
        cc.get_repository(repositoryName="missing")
    assert code_of(excinfo) == "RepositoryDoesNotExistException"
    # Names are case-sensitive: "Dup" is another repository.
    cc.create_repository(repositoryName="Dup")


def test_list_sorting_and_pagination(server: Server) -> None:
    cc = server.client("codecommit")
    for name in ("charlie", "alpha", "bravo"):
        cc.create_repository(repositoryName=name)
    listed = cc.list_repositories()["repositories"]
    assert [r["repositoryName"] for r in listed] == ["alpha", "bravo", "charlie"]
    descending = cc.list_repositories(sortBy="repositoryName", order="descending")["repositories"]
    assert [r["repositoryName"] for r in descending] == ["charlie", "bravo", "alpha"]
    by_date = cc.list_repositories(sortBy="lastModifiedDate")["repositories"]
    assert [r["repositoryName"] for r in by_date] == ["charlie", "alpha", "bravo"]
    with pytest.raises(ClientError) as excinfo:
        cc.list_repositories(nextToken="garbage")
    assert code_of(excinfo) == "InvalidContinuationTokenException"


def test_batch_get(server: Server) -> None:
    cc = server.client("codecommit")
    cc.create_repository(repositoryName="one")
    got = cc.batch_get_repositories(repositoryNames=["one", "two"])
    assert [r["repositoryName"] for r in got["repositories"]] == ["one"]
    assert got["repositoriesNotFound"] == ["two"]
    assert got["errors"][0]["errorCode"] == "RepositoryDoesNotExistException"


def test_rename_describe_encrypt_delete(server: Server) -> None:
    cc = server.client("codecommit")
    repository_id = cc.create_repository(repositoryName="old")["repositoryMetadata"]["repositoryId"]
    cc.create_repository(repositoryName="taken")
    with pytest.raises(ClientError) as excinfo:
        cc.update_repository_name(oldName="old", newName="taken")
    assert code_of(excinfo) == "RepositoryNameExistsException"
    cc.update_repository_name(oldName="old", newName="new")
    renamed = cc.get_repository(repositoryName="new")["repositoryMetadata"]
    assert renamed["repositoryId"] == repository_id
    assert renamed["Arn"].endswith(":new")
    assert renamed["cloneUrlHttp"].endswith("/v1/repos/new")
    cc.update_repository_description(repositoryName="new", repositoryDescription="described")
    assert (
        cc.get_repository(repositoryName="new")["repositoryMetadata"]["repositoryDescription"] == "described"
    )
    key = cc.update_repository_encryption_key(repositoryName="new", kmsKeyId="alias/mine")
    assert (key["kmsKeyId"], key["originalKmsKeyId"]) == ("alias/mine", "alias/aws/codecommit")
    assert cc.delete_repository(repositoryName="new")["repositoryId"] == repository_id
    assert "repositoryId" not in cc.delete_repository(repositoryName="new")
    assert not (server.data_dir / "git" / f"{repository_id}.git").exists()


def test_tags(server: Server) -> None:
    cc = server.client("codecommit")
    arn = cc.create_repository(repositoryName="tagged")["repositoryMetadata"]["Arn"]
    cc.tag_resource(resourceArn=arn, tags={"a": "1", "b": "2"})
    cc.untag_resource(resourceArn=arn, tagKeys=["a"])
    assert cc.list_tags_for_resource(resourceArn=arn)["tags"] == {"b": "2"}
    with pytest.raises(ClientError) as excinfo:
        cc.tag_resource(resourceArn=arn, tags={"aws:x": "1"})
    assert code_of(excinfo) == "InvalidSystemTagUsageException"
    with pytest.raises(ClientError) as excinfo:
        cc.tag_resource(resourceArn=arn, tags={f"k{i}": "v" for i in range(51)})
    assert code_of(excinfo) == "TooManyTagsException"
    with pytest.raises(ClientError) as excinfo:
        cc.list_tags_for_resource(resourceArn="arn:aws:codecommit:us-east-1:000000000000:nope")
    assert code_of(excinfo) == "RepositoryDoesNotExistException"
    with pytest.raises(ClientError) as excinfo:
        cc.list_tags_for_resource(resourceArn="not-an-arn")
    assert code_of(excinfo) == "InvalidResourceArnException"


def test_cli(server: Server) -> None:
    created = json.loads(
        server.aws("codecommit", "create-repository", "--repository-name", "cli-repo").stdout
    )
    assert created["repositoryMetadata"]["repositoryName"] == "cli-repo"
    listed = json.loads(server.aws("codecommit", "list-repositories").stdout)
    assert [r["repositoryName"] for r in listed["repositories"]] == ["cli-repo"]
