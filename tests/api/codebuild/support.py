"""What the CodeBuild API tests share: a minimal valid project and a way to see a refusal."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy
from botocore.exceptions import ClientError

from tests.support.server import Server

ACCOUNT = "000000000000"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/codebuild-service"
ENVIRONMENT = {
    "type": "LINUX_CONTAINER",
    "image": "aws/codebuild/standard:7.0",
    "computeType": "BUILD_GENERAL1_SMALL",
}
INLINE = "version: 0.2\nphases:\n  build:\n    commands:\n      - echo hello\n"
NO_SOURCE = {"type": "NO_SOURCE", "buildspec": INLINE}
NO_ARTIFACTS = {"type": "NO_ARTIFACTS"}


def arn(name: str) -> str:
    return f"arn:aws:codebuild:us-east-1:{ACCOUNT}:project/{name}"


def create(server: Server, name: str, **members: Any) -> dict[str, Any]:
    params: dict[str, Any] = {
        "name": name,
        "source": NO_SOURCE,
        "artifacts": NO_ARTIFACTS,
        "environment": ENVIRONMENT,
        "serviceRole": ROLE,
        **members,
    }
    project: dict[str, Any] = server.client("codebuild").create_project(**params)["project"]
    return project


def refused(call: Any, **params: Any) -> tuple[str, str]:
    with pytest.raises(ClientError) as excinfo:
        call(**params)
    error = excinfo.value.response["Error"]
    return str(error["Code"]), str(error["Message"])


def stored_rows(server: Server, query: str) -> list[tuple[Any, ...]]:
    """Rows of the server's database (SQLite or PostgreSQL), read directly: what is kept at rest."""
    engine = sqlalchemy.create_engine(server.database_url or f"sqlite:///{server.data_dir / 'codeyard.db'}")
    try:
        with engine.connect() as connection:
            return [tuple(row) for row in connection.execute(sqlalchemy.text(query))]
    finally:
        engine.dispose()
