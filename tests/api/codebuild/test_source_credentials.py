"""Source credentials: imported per source provider, the token sealed in the store and never answered."""

from __future__ import annotations

import json

from tests.api.codebuild.support import ACCOUNT, refused, stored_rows
from tests.support.server import Server

TOKEN_ARN = f"arn:aws:codebuild:us-east-1:{ACCOUNT}:token/github"


def test_import_list_overwrite_and_delete(server: Server) -> None:
    codebuild = server.client("codebuild")
    imported = codebuild.import_source_credentials(
        token="ghp_first-secret-token", serverType="GITHUB", authType="PERSONAL_ACCESS_TOKEN"
    )
    bitbucket = codebuild.import_source_credentials(
        username="builder", token="app-password", serverType="BITBUCKET", authType="BASIC_AUTH"
    )
    again = codebuild.import_source_credentials(
        token="ghp_second-secret-token", serverType="GITHUB", authType="PERSONAL_ACCESS_TOKEN"
    )
    listed = codebuild.list_source_credentials()["sourceCredentialsInfos"]

    assert imported["arn"] == again["arn"] == TOKEN_ARN
    assert bitbucket["arn"] == f"arn:aws:codebuild:us-east-1:{ACCOUNT}:token/bitbucket"
    assert listed == [
        {"arn": bitbucket["arn"], "serverType": "BITBUCKET", "authType": "BASIC_AUTH"},
        {"arn": TOKEN_ARN, "serverType": "GITHUB", "authType": "PERSONAL_ACCESS_TOKEN"},
    ]
    assert "secret-token" not in json.dumps(listed)
    assert codebuild.delete_source_credentials(arn=TOKEN_ARN)["arn"] == TOKEN_ARN
    assert [i["serverType"] for i in codebuild.list_source_credentials()["sourceCredentialsInfos"]] == [
        "BITBUCKET"
    ]
    code, message = refused(codebuild.delete_source_credentials, arn=TOKEN_ARN)
    assert code == "ResourceNotFoundException"
    assert TOKEN_ARN in message


def test_the_token_is_sealed_in_the_database(server: Server) -> None:
    server.client("codebuild").import_source_credentials(
        token="glpat-very-secret-value", serverType="GITLAB", authType="PERSONAL_ACCESS_TOKEN"
    )
    rows = stored_rows(server, "SELECT sealed_token FROM cb_source_credentials")
    assert len(rows) == 1
    assert b"very-secret-value" not in bytes(rows[0][0])


def test_should_overwrite_false_keeps_the_credentials(server: Server) -> None:
    codebuild = server.client("codebuild")
    codebuild.import_source_credentials(token="t1", serverType="GITHUB", authType="PERSONAL_ACCESS_TOKEN")
    code, message = refused(
        codebuild.import_source_credentials,
        token="t2",
        serverType="GITHUB",
        authType="PERSONAL_ACCESS_TOKEN",
        shouldOverwrite=False,
    )
    assert code == "ResourceAlreadyExistsException"
    assert "GITHUB" in message


def test_connections_and_secrets_answer_their_resource(server: Server) -> None:
    codebuild = server.client("codebuild")
    connection = f"arn:aws:codeconnections:us-east-1:{ACCOUNT}:connection/abc"
    codebuild.import_source_credentials(token=connection, serverType="GITLAB", authType="CODECONNECTIONS")
    info = codebuild.list_source_credentials()["sourceCredentialsInfos"]
    assert info == [
        {
            "arn": f"arn:aws:codebuild:us-east-1:{ACCOUNT}:token/gitlab",
            "serverType": "GITLAB",
            "authType": "CODECONNECTIONS",
            "resource": connection,
        }
    ]


def test_combinations_aws_refuses(server: Server) -> None:
    codebuild = server.client("codebuild")
    cases = [
        ({"serverType": "GITHUB", "authType": "OAUTH"}, "OAUTH"),
        ({"serverType": "GITHUB", "authType": "BASIC_AUTH", "username": "u"}, "BITBUCKET"),
        ({"serverType": "BITBUCKET", "authType": "BASIC_AUTH"}, "username"),
        ({"serverType": "GITHUB", "authType": "PERSONAL_ACCESS_TOKEN", "username": "u"}, "username"),
        ({"serverType": "GITHUB", "authType": "SECRETS_MANAGER"}, "ARN"),
    ]
    for params, said in cases:
        code, message = refused(codebuild.import_source_credentials, token="not-an-arn", **params)
        assert (code, said in message) == ("InvalidInputException", True), (params, message)
    assert codebuild.list_source_credentials()["sourceCredentialsInfos"] == []


def test_through_the_aws_cli(server: Server) -> None:
    imported = json.loads(
        server.aws(
            "codebuild",
            "import-source-credentials",
            "--server-type",
            "GITHUB_ENTERPRISE",
            "--auth-type",
            "PERSONAL_ACCESS_TOKEN",
            "--token",
            "cli-token",
        ).stdout
    )
    listed = json.loads(server.aws("codebuild", "list-source-credentials").stdout)
    assert listed["sourceCredentialsInfos"][0]["arn"] == imported["arn"]
    assert imported["arn"].endswith(":token/github_enterprise")
    server.aws("codebuild", "delete-source-credentials", "--arn", imported["arn"])
    assert (
        json.loads(server.aws("codebuild", "list-source-credentials").stdout)["sourceCredentialsInfos"] == []
    )


def test_a_username_or_resource_too_long_to_keep_is_refused(server: Server) -> None:
    codebuild = server.client("codebuild")
    connection = "arn:aws:codeconnections:us-east-1:000000000000:connection/" + "c" * 2000
    too_long = (
        {"username": "u" * 1025, "token": "pw", "serverType": "BITBUCKET", "authType": "BASIC_AUTH"},
        {"token": connection, "serverType": "GITHUB", "authType": "CODECONNECTIONS"},
    )
    for params in too_long:
        code, message = refused(codebuild.import_source_credentials, **params)
        assert code == "InvalidInputException"
        assert "at most" in message
    assert codebuild.list_source_credentials()["sourceCredentialsInfos"] == []
