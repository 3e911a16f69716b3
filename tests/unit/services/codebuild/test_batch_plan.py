"""DOWNLOAD_BATCHSPEC's expansion: build lists, graphs and matrices into build groups, the members'
requests, restrictions and the artifact layout."""

from __future__ import annotations

import pytest

from codeyard.services.codebuild.batch_plan import (
    BatchspecUnavailable,
    batch_of,
    build_groups,
    check_restrictions,
    combined_location,
    member_artifacts,
)

REQUEST = {
    "environmentVariablesOverride": [{"name": "KEEP", "value": "k", "type": "PLAINTEXT"}],
    "buildTimeoutInMinutesOverride": 9,
    "buildBatchConfigOverride": {"serviceRole": "r"},
}


def _spec(batch: str) -> str:
    return f"version: 0.2\nbatch:\n{batch}phases:\n  build:\n    commands:\n      - echo\n"


def test_a_graph_keeps_dependencies_and_each_task_s_overrides() -> None:
    spec = batch_of(
        _spec(
            "  build-graph:\n    - identifier: a\n      buildspec: a.yml\n      env:\n"
            "        image: img\n        compute-type: BUILD_GENERAL1_LARGE\n        privileged-mode: true\n"
            "        variables:\n          KEEP: replaced\n    - identifier: b\n      depend-on:\n        - a\n"
            "      ignore-failure: true\n"
        ),
        "buildspec.yml",
    )
    a, b = build_groups(spec, REQUEST)

    assert a["request"] == {
        "environmentVariablesOverride": [{"name": "KEEP", "value": "replaced", "type": "PLAINTEXT"}],
        "timeoutInMinutesOverride": 9,
        "buildspecOverride": "a.yml",
        "imageOverride": "img",
        "computeTypeOverride": "BUILD_GENERAL1_LARGE",
        "privilegedModeOverride": True,
    }
    assert (b["identifier"], b["dependsOn"], b["ignoreFailure"], b["build"]) == ("b", ["a"], True, None)
    assert "buildspecOverride" not in b["request"]


def test_a_matrix_makes_one_group_per_combination_over_the_static_settings() -> None:
    spec = batch_of(
        _spec(
            "  build-matrix:\n    static:\n      ignore-failure: true\n      env:\n        image: base\n"
            "    dynamic:\n      buildspec:\n        - one.yml\n        - two.yml\n      env:\n"
            "        image:\n          - i1\n        variables:\n          V:\n            - x\n            - y\n"
        ),
        "buildspec.yml",
    )
    groups = build_groups(spec, {})

    assert [g["identifier"] for g in groups] == ["build1", "build2", "build3", "build4"]
    assert [
        (g["request"]["buildspecOverride"], g["request"]["environmentVariablesOverride"][0]["value"])
        for g in groups
    ] == [
        ("one.yml", "x"),
        ("one.yml", "y"),
        ("two.yml", "x"),
        ("two.yml", "y"),
    ]
    assert {g["request"]["imageOverride"] for g in groups} == {"i1"}
    assert all(g["ignoreFailure"] for g in groups)


def test_unusable_batchspecs_are_refused_with_a_reason() -> None:
    with pytest.raises(BatchspecUnavailable, match="no batch section"):
        batch_of("version: 0.2\nphases:\n  build:\n    commands:\n      - echo\n", "buildspec.yml")
    with pytest.raises(BatchspecUnavailable, match="YAML_FILE_ERROR"):
        batch_of(
            _spec("  build-graph:\n    - identifier: a\n      depend-on:\n        - zz\n"), "buildspec.yml"
        )
    with pytest.raises(BatchspecUnavailable, match="build-fanout"):
        batch_of(_spec("  build-fanout:\n    parallelism: 2\n"), "buildspec.yml")


def test_a_huge_matrix_is_refused_before_its_combinations_are_made() -> None:
    values = "".join(f"            - v{n}\n" for n in range(10))
    variables = "".join(f"          V{n}:\n{values}" for n in range(9))  # 10**9 combinations
    spec = batch_of(_spec(f"  build-matrix:\n    dynamic:\n      env:\n        variables:\n{variables}"), "b")

    with pytest.raises(
        BatchspecUnavailable, match=r"1000000000 builds, more than this server runs in one batch"
    ):
        build_groups(spec, {})


@pytest.mark.parametrize("identifier", ["'..'", "a/b", "'..\\\\x'", "'.'"])
def test_an_identifier_that_cannot_name_an_artifact_folder_is_refused(identifier: str) -> None:
    spec = batch_of(_spec(f"  build-list:\n    - identifier: {identifier}\n"), "b")

    with pytest.raises(BatchspecUnavailable, match="cannot name a folder"):
        build_groups(spec, {})


def test_a_batch_of_no_builds_is_refused() -> None:
    spec = batch_of(
        _spec("  build-matrix:\n    dynamic:\n      env:\n        variables:\n          V: []\n"), "b"
    )

    with pytest.raises(BatchspecUnavailable, match="no builds"):
        build_groups(spec, {})


def test_restrictions() -> None:
    groups = build_groups(
        batch_of(_spec("  build-list:\n    - identifier: a\n    - identifier: b\n"), "b"), {}
    )
    check_restrictions(groups, {"maximumBuildsAllowed": 2}, "SMALL")
    check_restrictions(groups, {"computeTypesAllowed": ["SMALL"]}, "SMALL")
    with pytest.raises(BatchspecUnavailable, match=r"2 builds, more than the maximum builds allowed \(1\)"):
        check_restrictions(groups, {"maximumBuildsAllowed": 1}, "SMALL")
    with pytest.raises(BatchspecUnavailable, match="Build a uses compute type SMALL"):
        check_restrictions(groups, {"computeTypesAllowed": ["LARGE"]}, "SMALL")


def test_member_artifacts_combined_or_apart() -> None:
    definition = {
        "type": "S3",
        "location": "bkt",
        "path": "out",
        "name": "app.zip",
        "namespaceType": "BUILD_ID",
    }

    combined = member_artifacts(definition, "a", True, "batch-uuid")
    apart = member_artifacts(definition, "a", False, "batch-uuid")

    assert (combined["path"], combined["name"], combined["namespaceType"]) == (
        "out/batch-uuid/app.zip",
        "a",
        "NONE",
    )
    assert combined_location(definition, "batch-uuid") == "arn:aws:s3:::bkt/out/batch-uuid/app.zip"
    assert (apart["path"], apart["name"], apart["namespaceType"]) == ("out/a", "app.zip", "BUILD_ID")
