"""CodeCommit answers bad input in its own error codes, as AWS does, not with ValidationException."""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.support.server import Server
from tests.support.signing import json_request, send, sign


def code_of(excinfo: pytest.ExceptionInfo[ClientError]) -> str:
    return str(excinfo.value.response["Error"]["Code"])


def raw_call(server: Server, operation: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    """A call boto3 would refuse to send (missing required members)."""
    request = json_request(server.endpoint, f"CodeCommit_20150413.{operation}", json.dumps(body))
    response = send(sign(request, service="codecommit"))
    return response.status_code, response.json()


def test_names_answer_codecommit_codes(server: Server) -> None:
    cc = server.client("codecommit")
    with pytest.raises(ClientError) as excinfo:
        cc.create_repository(repositoryName="has space")
    assert code_of(excinfo) == "InvalidRepositoryNameException"
    with pytest.raises(ClientError) as excinfo:
        cc.create_repository(repositoryName="x" * 101)
    assert code_of(excinfo) == "InvalidRepositoryNameException"
    with pytest.raises(ClientError) as excinfo:
        cc.list_repositories(sortBy="size")
    assert code_of(excinfo) == "InvalidSortByException"


def test_missing_members_answer_required_codes(server: Server) -> None:
    status, body = raw_call(server, "GetRepository", {})
    assert status == 400
    assert body["__type"] == "RepositoryNameRequiredException"
    status, body = raw_call(server, "GetBranch", {"repositoryName": "r"})
    assert body["__type"] in ("BranchNameRequiredException", "RepositoryDoesNotExistException")


def test_file_too_large_for_the_api(server: Server) -> None:
    cc = server.client("codecommit")
    cc.create_repository(repositoryName="big")
    with pytest.raises(ClientError) as excinfo:
        cc.put_file(
            repositoryName="big", branchName="main", fileContent=b"x" * (6 * 1024 * 1024 + 1), filePath="f"
        )
    assert code_of(excinfo) == "FileContentSizeLimitExceededException"


def test_other_services_keep_validation_exception(server: Server) -> None:
    ssm = server.client("ssm")
    with pytest.raises(ClientError) as excinfo:
        ssm.put_parameter(Name="p", Value="v", Type="Nope")
    assert code_of(excinfo) == "ValidationException"


def test_missing_path_answers_path_required(server: Server) -> None:
    server.client("codecommit").create_repository(repositoryName="r")
    status, body = raw_call(server, "GetFile", {"repositoryName": "r"})
    assert status == 400
    assert body["__type"] == "PathRequiredException"
