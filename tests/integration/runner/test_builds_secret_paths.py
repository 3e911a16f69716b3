"""A secret variable named in the artifacts, reports and cache blocks: the runner's own notes, the
phase contexts and the reports it sends are masked as the commands' output is."""

from __future__ import annotations

import json

from tests.api.codebuild.report_support import reports_by_name
from tests.integration.runner.builds_support import finished, log_text, no_source_project
from tests.support.server import Server

SECRET = "Zq9-hidden-dir"
SPEC = """version: 0.2
env:
  secrets-manager:
    HIDDEN: vault:dir
phases:
  build:
    commands:
      - mkdir -p "out/$HIDDEN" "reports/$HIDDEN"
      - echo built > "out/$HIDDEN/app.txt"
      - ln -s /etc/hostname "out/$HIDDEN/outside"
      - |
        cat > "reports/$HIDDEN/junit.xml" <<XML
        <testsuite name="unit"><testcase classname="app" name="in-$HIDDEN" time="0.1"/></testsuite>
        XML
artifacts:
  files: ['out/**/*']
  name: pkg-$HIDDEN
reports:
  unit:
    files: ['reports/$HIDDEN/*.xml']
  missing:
    files: ['nothing/$HIDDEN/*.xml']
cache:
  key: deps-$HIDDEN
  paths: ['out/**/*']
"""


def test_a_secret_in_artifact_report_and_cache_paths_is_masked_everywhere(server: Server) -> None:
    server.client("secretsmanager").create_secret(Name="vault", SecretString=json.dumps({"dir": SECRET}))
    no_source_project(
        server,
        "hidden",
        SPEC,
        artifacts={"type": "S3", "location": "art", "overrideArtifactName": True},
        cache={"type": "S3", "location": "cache-bucket/hidden"},
    )
    codebuild = server.client("codebuild")
    build_id = codebuild.start_build(projectName="hidden")["build"]["id"]

    build = finished(server, build_id)

    assert build["buildStatus"] == "SUCCEEDED", build["phases"]
    text = log_text(server, build_id)
    # the notes that name the secret are there, masked
    assert "out/***/outside: symbolic link to outside the directory, skipped" in text
    assert "Restoring the S3 cache with key deps-***" in text
    assert "nothing/***/*.xml" in text
    assert SECRET not in text
    assert SECRET not in json.dumps(build, default=str)
    reports = reports_by_name(server, build)
    assert set(reports) == {"hidden-unit", "hidden-missing"}
    assert SECRET not in json.dumps(list(reports.values()), default=str)
    cases = codebuild.describe_test_cases(reportArn=reports["hidden-unit"]["arn"])["testCases"]
    assert [(c["name"], c["testRawDataPath"]) for c in cases] == [("in-***", "reports/***/junit.xml")]
    assert "pkg-***" in build["artifacts"]["location"]
