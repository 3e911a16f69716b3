"""Concurrent writers of one resource queue up instead of failing, on SQLite and PostgreSQL."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from botocore.config import Config

from tests.support.server import Server

WRITERS, WRITES = 4, 10


def test_concurrent_overwrites_of_one_parameter_all_land(server: Server) -> None:
    config = Config(retries={"max_attempts": 1}, max_pool_connections=WRITERS)
    ssm = server.client("ssm", config=config)
    ssm.put_parameter(Name="/shared/counter", Value="start", Type="String")

    def writer(index: int) -> list[int]:
        return [
            ssm.put_parameter(Name="/shared/counter", Value=f"{index}-{n}", Type="String", Overwrite=True)[
                "Version"
            ]
            for n in range(WRITES)
        ]

    with ThreadPoolExecutor(WRITERS) as pool:
        versions = [v for batch in pool.map(writer, range(WRITERS)) for v in batch]

    assert sorted(versions) == list(range(2, WRITERS * WRITES + 2))
    history = ssm.get_parameter_history(Name="/shared/counter", MaxResults=50)["Parameters"]
    assert [p["Version"] for p in history] == list(range(1, WRITERS * WRITES + 2))


def test_concurrent_secret_values_all_land(server: Server) -> None:
    config = Config(retries={"max_attempts": 1}, max_pool_connections=WRITERS)
    secrets = server.client("secretsmanager", config=config)
    secrets.create_secret(Name="shared", SecretString="start")

    def writer(index: int) -> list[str]:
        return [
            secrets.put_secret_value(SecretId="shared", SecretString=f"{index}-{n}")["VersionId"]
            for n in range(WRITES)
        ]

    with ThreadPoolExecutor(WRITERS) as pool:
        version_ids = [v for batch in pool.map(writer, range(WRITERS)) for v in batch]

    assert len(set(version_ids)) == WRITERS * WRITES
    stages = secrets.describe_secret(SecretId="shared")["VersionIdsToStages"]
    assert sorted(stage for labels in stages.values() for stage in labels) == ["AWSCURRENT", "AWSPREVIOUS"]
    current = secrets.get_secret_value(SecretId="shared")
    assert stages[current["VersionId"]] == ["AWSCURRENT"]
