"""Batch builds through boto3 with real member builds on the embedded runner: lists, graphs,
matrices, stops, retries, restrictions, lists and deletes."""

from __future__ import annotations

from tests.api.codebuild.batch_support import batch, batch_finished, batch_project, groups, member, spec
from tests.api.codebuild.support import create, refused
from tests.integration.runner.builds_support import log_text, until
from tests.support.server import Server

LIST = "  build-list:\n    - identifier: first\n      env:\n        variables:\n          WORD: one\n" + (
    "    - identifier: second\n      env:\n        variables:\n          WORD: two\n"
)


def test_a_build_list_runs_each_member_as_a_build_of_the_batch(server: Server) -> None:
    batch_project(server, "listed", spec(LIST, "echo word=$WORD id=$CODEBUILD_BATCH_BUILD_IDENTIFIER"))
    codebuild = server.client("codebuild")

    started = codebuild.start_build_batch(projectName="listed")["buildBatch"]
    done = batch_finished(server, started["id"])

    assert started["buildBatchNumber"] == 1
    assert started["arn"].endswith(f":build-batch/{started['id']}")
    assert done["buildBatchStatus"] == "SUCCEEDED"
    assert [p["phaseType"] for p in done["phases"]] == [
        "SUBMITTED",
        "DOWNLOAD_BATCHSPEC",
        "IN_PROGRESS",
        "SUCCEEDED",
    ]
    assert all(p["phaseStatus"] == "SUCCEEDED" for p in done["phases"][:-1])
    found = groups(done)
    assert sorted(found) == ["first", "second"]
    for identifier, word in (("first", "one"), ("second", "two")):
        build = member(server, found[identifier])
        assert build["buildBatchArn"] == started["arn"]
        assert build["buildStatus"] == "SUCCEEDED"
        assert f"word={word} id={identifier}" in log_text(server, build["id"])
    assert codebuild.list_build_batches_for_project(projectName="listed")["ids"] == [started["id"]]
    code, message = refused(codebuild.retry_build_batch, id=started["id"])
    assert code == "InvalidInputException"
    assert "only batch builds that have failed can be retried" in message


def test_a_project_without_batch_configuration_is_refused(server: Server) -> None:
    create(server, "plain")
    codebuild = server.client("codebuild")

    code, message = refused(codebuild.start_build_batch, projectName="plain")
    assert code == "InvalidInputException"
    assert "buildBatchConfig" in message
    code, _ = refused(codebuild.start_build_batch, projectName="missing")
    assert code == "ResourceNotFoundException"


GRAPH = (
    "  build-graph:\n"
    "    - identifier: a\n"
    "      env:\n        variables:\n          STEP: a\n"
    "{ignore}"
    "    - identifier: b\n"
    "      depend-on:\n        - a\n"
    "      env:\n        variables:\n          STEP: b\n"
)
# a fails when its STEP is named in FAIL (a project variable), b always succeeds
STEP = 'if [ "$STEP" = "$FAIL" ]; then exit 1; fi'


def _graph_project(server: Server, name: str, fail: str, *, ignore: bool = False) -> None:
    text = spec(
        GRAPH.format(ignore="      ignore-failure: true\n" if ignore else ""), "echo step=$STEP", STEP
    )
    environment = {
        "type": "LINUX_CONTAINER",
        "image": "aws/codebuild/standard:7.0",
        "computeType": "BUILD_GENERAL1_SMALL",
        "environmentVariables": [{"name": "FAIL", "value": fail}],
    }
    batch_project(server, name, text, environment=environment)


def test_a_graph_starts_b_only_after_a_succeeded(server: Server) -> None:
    _graph_project(server, "graph", "none")
    started = server.client("codebuild").start_build_batch(projectName="graph")["buildBatch"]

    assert [g["identifier"] for g in started["buildGroups"]] == ["a", "b"]
    assert "currentBuildSummary" in started["buildGroups"][0]
    assert "currentBuildSummary" not in started["buildGroups"][1]  # waits for a
    done = batch_finished(server, started["id"])
    found = groups(done)
    a, b = member(server, found["a"]), member(server, found["b"])

    assert done["buildBatchStatus"] == "SUCCEEDED"
    assert found["b"]["dependsOn"] == ["a"]
    assert a["buildStatus"] == b["buildStatus"] == "SUCCEEDED"
    assert found["b"]["currentBuildSummary"]["requestedOn"] >= a["endTime"]


def test_a_failing_dependency_fails_the_batch_and_its_dependents_never_run(server: Server) -> None:
    _graph_project(server, "broken", "a")
    started = server.client("codebuild").start_build_batch(projectName="broken")["buildBatch"]
    done = batch_finished(server, started["id"])
    found = groups(done)

    assert done["buildBatchStatus"] == "FAILED"
    assert done["phases"][-1]["phaseType"] == "FAILED"
    in_progress = next(p for p in done["phases"] if p["phaseType"] == "IN_PROGRESS")
    assert in_progress["phaseStatus"] == "FAILED"
    assert member(server, found["a"])["buildStatus"] == "FAILED"
    assert "currentBuildSummary" not in found["b"]
    assert server.client("codebuild").list_builds_for_project(projectName="broken")["ids"] == [
        member(server, found["a"])["id"]
    ]


def test_an_ignored_failure_lets_the_dependents_run_and_the_batch_succeed(server: Server) -> None:
    _graph_project(server, "tolerant", "a", ignore=True)
    started = server.client("codebuild").start_build_batch(projectName="tolerant")["buildBatch"]
    done = batch_finished(server, started["id"])
    found = groups(done)

    assert found["a"]["ignoreFailure"] is True
    assert member(server, found["a"])["buildStatus"] == "FAILED"
    assert member(server, found["b"])["buildStatus"] == "SUCCEEDED"
    assert done["buildBatchStatus"] == "SUCCEEDED"


MATRIX = (
    "  build-matrix:\n"
    "    static:\n      env:\n        variables:\n          FIXED: yes\n"
    "    dynamic:\n      env:\n        variables:\n"
    "          OS:\n            - linux\n            - windows\n"
    "          ARCH:\n            - x86\n            - arm\n"
)


def test_a_matrix_runs_one_build_per_combination(server: Server) -> None:
    batch_project(server, "matrix", spec(MATRIX, "echo combo=$OS-$ARCH-$FIXED"))
    started = server.client("codebuild").start_build_batch(projectName="matrix")["buildBatch"]
    done = batch_finished(server, started["id"])
    found = groups(done)

    assert done["buildBatchStatus"] == "SUCCEEDED"
    assert sorted(found) == ["build1", "build2", "build3", "build4"]
    combos = set()
    for group in found.values():
        build = member(server, group)
        variables = {v["name"]: v["value"] for v in build["environment"]["environmentVariables"]}
        combos.add((variables["OS"], variables["ARCH"]))
        text = log_text(server, build["id"])
        assert f"combo={variables['OS']}-{variables['ARCH']}-yes" in text
    assert combos == {("linux", "x86"), ("linux", "arm"), ("windows", "x86"), ("windows", "arm")}


def test_restrictions_are_enforced_when_the_batchspec_is_read(server: Server) -> None:
    config = {"serviceRole": "arn:aws:iam::000000000000:role/b", "restrictions": {"maximumBuildsAllowed": 1}}
    batch_project(server, "limited", spec(LIST), buildBatchConfig=config)
    computes = {
        "serviceRole": "arn:aws:iam::000000000000:role/b",
        "restrictions": {"computeTypesAllowed": ["BUILD_GENERAL1_MEDIUM"]},
    }
    batch_project(server, "computes", spec(LIST), buildBatchConfig=computes)
    codebuild = server.client("codebuild")

    for name, words in (("limited", "maximum builds allowed (1)"), ("computes", "BUILD_GENERAL1_SMALL")):
        started = codebuild.start_build_batch(projectName=name)["buildBatch"]
        assert started["complete"] is True
        assert started["buildBatchStatus"] == "FAILED"
        download = next(p for p in started["phases"] if p["phaseType"] == "DOWNLOAD_BATCHSPEC")
        assert download["phaseStatus"] == "FAILED"
        assert words in download["contexts"][0]["message"]
        assert codebuild.list_builds_for_project(projectName=name)["ids"] == []


def test_stopping_a_running_batch_stops_its_members(server: Server) -> None:
    waiting = "  build-list:\n    - identifier: slow\n    - identifier: other\n"
    batch_project(
        server, "stopped", spec(waiting, "echo started-$CODEBUILD_BATCH_BUILD_IDENTIFIER", "sleep 120")
    )
    codebuild = server.client("codebuild")
    started = codebuild.start_build_batch(projectName="stopped")["buildBatch"]
    running = until(lambda: _running(server, started["id"]), what="a member running")

    stopping = codebuild.stop_build_batch(id=started["id"])["buildBatch"]
    done = batch_finished(server, started["id"])

    assert stopping["id"] == started["id"]
    assert running
    assert done["buildBatchStatus"] == "STOPPED"
    assert done["phases"][-1]["phaseType"] == "STOPPED"
    assert {member(server, g)["buildStatus"] for g in done["buildGroups"]} == {"STOPPED"}
    code, message = refused(codebuild.stop_build_batch, id=started["id"])
    assert code == "InvalidInputException"
    assert "already completed" in message


def _running(server: Server, batch_id: str) -> list[str]:
    """The identifiers of the batch's members whose commands have begun."""
    found = []
    for group in batch(server, batch_id)["buildGroups"]:
        build_id = group["currentBuildSummary"]["arn"].rpartition("/")[2]
        if "started-" in log_text(server, build_id):
            found.append(group["identifier"])
    return found


def test_retrying_failed_builds_reruns_only_them(server: Server) -> None:
    flaky = "  build-list:\n    - identifier: steady\n    - identifier: flaky\n"
    # flaky fails in the first run (build numbers 1 and 2), passes when retried (number 3)
    check = 'if [ "$CODEBUILD_BATCH_BUILD_IDENTIFIER" = flaky ] && [ "$CODEBUILD_BUILD_NUMBER" -le 2 ]; then exit 1; fi'
    batch_project(server, "retried", spec(flaky, check))
    codebuild = server.client("codebuild")
    first = batch_finished(server, codebuild.start_build_batch(projectName="retried")["buildBatch"]["id"])
    before = groups(first)

    code, _ = refused(codebuild.retry_build_batch, id=first["id"], retryType="RETRY_SOMETHING")
    retried = codebuild.retry_build_batch(id=first["id"], retryType="RETRY_FAILED_BUILDS")["buildBatch"]
    done = batch_finished(server, first["id"])
    after = groups(done)

    assert code == "ValidationException"  # not one of the model's retry types
    assert first["buildBatchStatus"] == "FAILED"
    assert retried["id"] == first["id"]
    assert done["buildBatchStatus"] == "SUCCEEDED"
    assert after["steady"]["currentBuildSummary"]["arn"] == before["steady"]["currentBuildSummary"]["arn"]
    assert "priorBuildSummaryList" not in after["steady"]
    assert after["flaky"]["priorBuildSummaryList"] == [before["flaky"]["currentBuildSummary"]]
    assert after["flaky"]["currentBuildSummary"]["buildStatus"] == "SUCCEEDED"
    assert len(codebuild.list_builds_for_project(projectName="retried")["ids"]) == 3


def test_combined_artifacts_land_in_one_folder_per_identifier(server: Server) -> None:
    text = spec(LIST, "echo $WORD > word.txt").replace(
        "phases:", "artifacts:\n  files:\n    - word.txt\nphases:", 1
    )
    config = {"serviceRole": "arn:aws:iam::000000000000:role/b", "combineArtifacts": True}
    artifacts = {
        "type": "S3",
        "location": "batch-bucket",
        "path": "out",
        "name": "bundle",
        "packaging": "NONE",
    }
    batch_project(server, "combined", text, buildBatchConfig=config, artifacts=artifacts)
    started = server.client("codebuild").start_build_batch(projectName="combined")["buildBatch"]
    done = batch_finished(server, started["id"])

    assert done["buildBatchStatus"] == "SUCCEEDED"
    assert [p["phaseType"] for p in done["phases"]][-2:] == ["COMBINE_ARTIFACTS", "SUCCEEDED"]
    assert done["artifacts"]["location"] == "arn:aws:s3:::batch-bucket/out/bundle"
    root = server.data_dir / "artifacts" / "batch-bucket" / "out" / "bundle"
    assert (root / "first" / "word.txt").read_text().strip() == "one"
    assert (root / "second" / "word.txt").read_text().strip() == "two"
    summary = groups(done)["first"]["currentBuildSummary"]
    assert summary["primaryArtifact"]["location"] == "arn:aws:s3:::batch-bucket/out/bundle/first"


def test_lists_page_by_start_time_and_filter_by_status(server: Server) -> None:
    batch_project(server, "paged", spec(LIST))
    batch_project(server, "other", spec("  build-list:\n    - identifier: only\n", "exit 1"))
    codebuild = server.client("codebuild")
    ids = []
    for name in ("paged", "other", "paged"):
        ids.append(codebuild.start_build_batch(projectName=name)["buildBatch"]["id"])
        batch_finished(server, ids[-1])

    pages = codebuild.get_paginator("list_build_batches").paginate(PaginationConfig={"PageSize": 2})
    listed = [i for p in pages for i in p["ids"]]
    first = codebuild.list_build_batches(maxResults=2, sortOrder="ASCENDING")

    assert listed == ids[::-1]
    assert first["ids"] == ids[:2]
    assert codebuild.list_build_batches(sortOrder="ASCENDING", nextToken=first["nextToken"])["ids"] == ids[2:]
    assert codebuild.list_build_batches(filter={"status": "FAILED"})["ids"] == [ids[1]]
    assert codebuild.list_build_batches_for_project(projectName="paged")["ids"] == [ids[2], ids[0]]
    assert (
        codebuild.list_build_batches_for_project(projectName="paged", filter={"status": "FAILED"})["ids"]
        == []
    )
    numbers = [b["buildBatchNumber"] for b in codebuild.batch_get_build_batches(ids=ids)["buildBatches"]]
    assert numbers == [1, 1, 2]
    code, _ = refused(codebuild.list_build_batches, nextToken=first["nextToken"], sortOrder="DESCENDING")
    assert code == "InvalidInputException"
    code, _ = refused(codebuild.list_build_batches_for_project, projectName="missing")
    assert code == "ResourceNotFoundException"


def test_delete_removes_a_completed_batch_with_its_builds(server: Server) -> None:
    batch_project(server, "deleted", spec(LIST))
    batch_project(server, "busy", spec("  build-list:\n    - identifier: slow\n", "sleep 120"))
    codebuild = server.client("codebuild")
    done = batch_finished(server, codebuild.start_build_batch(projectName="deleted")["buildBatch"]["id"])
    builds = [g["currentBuildSummary"]["arn"].rpartition("/")[2] for g in done["buildGroups"]]
    busy = codebuild.start_build_batch(projectName="busy")["buildBatch"]

    answer = codebuild.delete_build_batch(id=done["arn"])
    code, message = refused(codebuild.delete_build_batch, id=busy["id"])
    codebuild.stop_build_batch(id=busy["id"])
    batch_finished(server, busy["id"])

    assert sorted(answer["buildsDeleted"]) == sorted(builds)
    assert answer["buildsNotDeleted"] == []
    assert code == "InvalidInputException"
    assert "in progress" in message
    found = codebuild.batch_get_build_batches(ids=[done["id"], "deleted:missing"])
    assert found["buildBatches"] == []
    assert found["buildBatchesNotFound"] == [done["id"], "deleted:missing"]
    assert codebuild.batch_get_builds(ids=builds)["buildsNotFound"] == builds
    assert refused(codebuild.delete_build_batch, id=done["id"])[0] == "ResourceNotFoundException"


def test_a_bad_batchspec_fails_at_download_batchspec(server: Server) -> None:
    batch_project(server, "nobatch", "version: 0.2\nphases:\n  build:\n    commands:\n      - echo hi\n")
    batch_project(server, "fanout", spec("  build-fanout:\n    parallelism: 2\n"))
    codebuild = server.client("codebuild")

    for name, words in (("nobatch", "no batch section"), ("fanout", "build-fanout")):
        started = codebuild.start_build_batch(projectName=name)["buildBatch"]
        download = next(p for p in started["phases"] if p["phaseType"] == "DOWNLOAD_BATCHSPEC")
        assert started["buildBatchStatus"] == "FAILED"
        assert words in download["contexts"][0]["message"]
        code, message = refused(codebuild.retry_build_batch, id=started["id"])
        assert code == "InvalidInputException"
        assert "no builds to retry" in message


def test_projects_keep_their_batch_configuration(server: Server) -> None:
    config = {
        "serviceRole": "arn:aws:iam::000000000000:role/b",
        "combineArtifacts": True,
        "restrictions": {"maximumBuildsAllowed": 4, "computeTypesAllowed": ["BUILD_GENERAL1_SMALL"]},
        "timeoutInMins": 30,
        "batchReportMode": "REPORT_AGGREGATED_BATCH",
    }
    created = create(server, "configured", buildBatchConfig=config)
    codebuild = server.client("codebuild")
    updated = codebuild.update_project(name="configured", buildBatchConfig={**config, "timeoutInMins": 45})

    assert created["buildBatchConfig"] == config
    assert updated["project"]["buildBatchConfig"]["timeoutInMins"] == 45
    found = codebuild.batch_get_projects(names=["configured"])["projects"][0]
    assert found["buildBatchConfig"]["restrictions"] == config["restrictions"]
