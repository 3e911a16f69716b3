"""Buildspecs that parse: every key of versions 0.1 and 0.2 read into the typed model."""

from __future__ import annotations

from textwrap import dedent

import pytest

from codeyard.runner.buildspec.model import (
    ArtifactsSpec,
    BuildspecVersion,
    CacheAction,
    CacheSpec,
    FailureAction,
    OnFailure,
    PhaseName,
    ProxySpec,
    ReportFileFormat,
    SecretRef,
)
from codeyard.runner.buildspec.parser import check, parse

FULL = """\
version: 0.2
run-as: builder
env:
  shell: bash
  variables:
    JAVA_HOME: /usr/lib/jvm/java-17
    NODE: 18
    PYTHON: 3.10
    DEBUG: yes
    EMPTY:
  parameter-store:
    TOKEN: /ci/token
  secrets-manager:
    WHOLE: my-secret
    KEY: my-secret:password
    STAGE: my-secret::AWSPREVIOUS
    VERSION: my-secret:::1234-abcd
    ARN: arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-AbCdEf:user
  exported-variables:
    - IMAGE_TAG
  git-credential-helper: yes
proxy:
  upload-artifacts: yes
  logs: no
phases:
  build:
    on-failure: CONTINUE
    commands:
      - make
    finally:
      - make clean
  install:
    run-as: root
    on-failure: RETRY-2-timed out
    runtime-versions:
      python: 3.10
      java: corretto17
    commands:
      - |
        pip install -r requirements.txt
        echo done
      - echo "plain
        continued"
  pre_build:
    commands:
      - 'echo "key: value"'
  post_build:
    on-failure: ABORT
    commands:
      - echo $CODEBUILD_BUILD_SUCCEEDING
reports:
  unit:
    files: ['**/*.xml']
    base-directory: build/test-results
    discard-paths: true
    file-format: cucumberjson
  arn:aws:codebuild:eu-west-1:123456789012:report-group/cov:
    files:
      - coverage.xml
    file-format: JACOCOXML
artifacts:
  files:
    - '**/*'
  name: app-$(date +%Y)
  discard-paths: no
  base-directory: dist
  exclude-paths:
    - '**/*.map'
  enable-symlinks: yes
  s3-prefix: builds
  secondary-artifacts:
    docs:
      files: [site/**/*]
      base-directory: docs
cache:
  paths:
    - /root/.m2/**/*
  key: maven-$(codebuild-hash-files pom.xml)
  fallback-keys:
    - maven-
  action: restore
"""


def test_every_key_of_a_0_2_buildspec_reaches_the_model() -> None:
    spec = parse(FULL)
    assert spec.version is BuildspecVersion.V0_2
    assert spec.shares_shell
    assert spec.run_as == "builder"
    env = spec.env
    assert env.shell == "bash"
    # Scalars keep their spelling: 3.10 is not the float 3.1, yes is not True.
    assert env.variables == {
        "JAVA_HOME": "/usr/lib/jvm/java-17",
        "NODE": "18",
        "PYTHON": "3.10",
        "DEBUG": "yes",
        "EMPTY": "",
    }
    assert env.parameter_store == {"TOKEN": "/ci/token"}
    assert env.secrets_manager == {
        "WHOLE": SecretRef("my-secret"),
        "KEY": SecretRef("my-secret", "password"),
        "STAGE": SecretRef("my-secret", None, "AWSPREVIOUS"),
        "VERSION": SecretRef("my-secret", None, None, "1234-abcd"),
        "ARN": SecretRef("arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-AbCdEf", "user"),
    }
    assert env.exported_variables == ("IMAGE_TAG",)
    assert env.git_credential_helper is True
    assert spec.proxy == ProxySpec(upload_artifacts=True, logs=False)


def test_phases_come_in_run_order_with_their_settings() -> None:
    spec = parse(FULL)
    assert list(spec.phases) == [
        PhaseName.INSTALL,
        PhaseName.PRE_BUILD,
        PhaseName.BUILD,
        PhaseName.POST_BUILD,
    ]
    install = spec.phases[PhaseName.INSTALL]
    assert install.run_as == "root"
    assert install.on_failure == OnFailure(FailureAction.RETRY, 2, "timed out")
    assert install.runtime_versions == {"python": "3.10", "java": "corretto17"}
    assert install.commands == ("pip install -r requirements.txt\necho done\n", 'echo "plain continued"')
    assert spec.phases[PhaseName.PRE_BUILD].commands == ('echo "key: value"',)
    build = spec.phases[PhaseName.BUILD]
    assert build.on_failure == OnFailure(FailureAction.CONTINUE)
    assert (build.commands, build.finally_) == (("make",), ("make clean",))
    assert spec.phase(PhaseName.POST_BUILD) is not None
    assert spec.phases[PhaseName.POST_BUILD].on_failure == OnFailure(FailureAction.ABORT)


def test_reports_artifacts_and_cache() -> None:
    spec = parse(FULL)
    unit = spec.reports["unit"]
    assert unit.files == ("**/*.xml",)
    assert (unit.base_directory, unit.discard_paths) == ("build/test-results", True)
    assert unit.file_format is ReportFileFormat.CUCUMBERJSON
    assert not unit.file_format.is_coverage
    coverage = spec.reports["arn:aws:codebuild:eu-west-1:123456789012:report-group/cov"]
    assert coverage.file_format is ReportFileFormat.JACOCOXML
    assert coverage.file_format.is_coverage
    assert spec.artifacts == ArtifactsSpec(
        files=("**/*",),
        name="app-$(date +%Y)",
        discard_paths=False,
        base_directory="dist",
        exclude_paths=("**/*.map",),
        enable_symlinks=True,
        s3_prefix="builds",
        secondary={"docs": ArtifactsSpec(files=("site/**/*",), base_directory="docs")},
    )
    assert spec.cache == CacheSpec(
        paths=("/root/.m2/**/*",),
        key="maven-$(codebuild-hash-files pom.xml)",
        fallback_keys=("maven-",),
        action=CacheAction.RESTORE,
    )


def test_a_full_buildspec_has_no_problems() -> None:
    assert check(FULL) == []


def test_version_0_1_reads_the_old_names() -> None:
    spec = parse(
        dedent("""\
        version: 0.1
        environment_variables:
          plaintext:
            GREETING: hello
        phases:
          build:
            commands:
              - echo $GREETING
        """)
    )
    assert spec.version is BuildspecVersion.V0_1
    assert not spec.shares_shell
    assert spec.env.variables == {"GREETING": "hello"}
    assert spec.phases[PhaseName.BUILD].commands == ("echo $GREETING",)


@pytest.mark.parametrize("version", ["0.2", "'0.2'", '"0.1"'])
def test_version_may_be_quoted(version: str) -> None:
    spec = parse(f"version: {version}\nphases:\n  build:\n    commands: [make]\n")
    assert spec.version == version.strip("'\"")


def test_defaults_of_a_minimal_buildspec() -> None:
    spec = parse("version: 0.2\nphases:\n  build:\n    commands:\n      - make\n")
    assert spec.env.variables == {}
    assert spec.env.git_credential_helper is False
    assert (spec.proxy, spec.artifacts, spec.cache, spec.batch, spec.run_as) == (None, None, None, None, None)
    assert spec.reports == {}
    build = spec.phases[PhaseName.BUILD]
    assert (build.on_failure, build.run_as, build.finally_) == (None, None, ())


def test_install_may_have_only_runtime_versions() -> None:
    spec = parse("version: 0.2\nphases:\n  install:\n    runtime-versions:\n      nodejs: 18\n")
    assert spec.phases[PhaseName.INSTALL].runtime_versions == {"nodejs": "18"}
    assert spec.phases[PhaseName.INSTALL].commands == ()


def test_yaml_anchors_and_merge_keys() -> None:
    spec = parse(
        dedent("""\
        version: 0.2
        env:
          variables: &common
            A: "1"
            B: "2"
        phases:
          build:
            commands: &steps
              - make
          post_build:
            commands: *steps
        reports:
          unit: &report
            files: ['a.xml']
            base-directory: out
          more:
            <<: *report
            base-directory: other
        """)
    )
    assert spec.phases[PhaseName.POST_BUILD].commands == ("make",)
    assert spec.reports["more"].files == ("a.xml",)
    assert spec.reports["more"].base_directory == "other"


def test_artifacts_files_as_a_single_glob_is_a_warning_not_an_error() -> None:
    text = "version: 0.2\nphases:\n  build:\n    commands: [make]\nartifacts:\n  files: dist/app.zip\n"
    spec = parse(text)
    assert spec.artifacts is not None
    assert spec.artifacts.files == ("dist/app.zip",)
    [warning] = check(text)
    assert (warning.line, warning.column, warning.severity) == (6, 10, "warning")


def test_a_batch_only_buildspec_needs_no_phases() -> None:
    spec = parse("version: 0.2\nbatch:\n  build-list:\n    - identifier: one\n")
    assert spec.phases == {}
    assert spec.batch is not None
    assert spec.batch.build_list[0].identifier == "one"
