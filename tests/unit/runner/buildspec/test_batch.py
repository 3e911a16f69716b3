"""The `batch` block: build-list, build-graph and build-matrix parsed and validated."""

from __future__ import annotations

from textwrap import dedent, indent

from codeyard.runner.buildspec.model import BatchEnv, BatchMatrixDynamic, BatchTask
from codeyard.runner.buildspec.parser import check, parse


def test_build_list_with_every_task_key() -> None:
    spec = parse(
        dedent("""\
        version: 0.2
        batch:
          fast-fail: true
          build-list:
            - identifier: linux
              buildspec: ci/linux.yml
              debug-session: yes
              ignore-failure: no
              env:
                compute-type: BUILD_GENERAL1_LARGE
                fleet: arm-fleet
                image: aws/codebuild/standard:7.0
                privileged-mode: true
                type: LINUX_CONTAINER
                variables:
                  TESTS: unit
                  LEVEL: 3
            - identifier: windows
        phases:
          build:
            commands: [make]
        """)
    )
    assert spec.batch is not None
    assert spec.batch.fast_fail is True
    linux, windows = spec.batch.build_list
    assert linux == BatchTask(
        identifier="linux",
        buildspec="ci/linux.yml",
        debug_session=True,
        ignore_failure=False,
        env=BatchEnv(
            compute_type="BUILD_GENERAL1_LARGE",
            image="aws/codebuild/standard:7.0",
            privileged_mode=True,
            type="LINUX_CONTAINER",
            variables={"TESTS": "unit", "LEVEL": "3"},
            fleet="arm-fleet",
        ),
    )
    assert windows == BatchTask(identifier="windows")


def test_build_graph_dependencies() -> None:
    spec = parse(
        dedent("""\
        version: 0.2
        batch:
          build-graph:
          - identifier: build
          - identifier: test
            depend-on:
              - build
          - identifier: deploy
            depend-on: [build, test]
        """)
    )
    assert spec.batch is not None
    assert [(t.identifier, t.depend_on) for t in spec.batch.build_graph] == [
        ("build", ()),
        ("test", ("build",)),
        ("deploy", ("build", "test")),
    ]


def test_build_matrix_static_and_dynamic() -> None:
    spec = parse(
        dedent("""\
        version: 0.2
        batch:
          build-matrix:
            static:
              ignore-failure: false
              env:
                type: LINUX_CONTAINER
            dynamic:
              buildspec:
                - a.yml
                - b.yml
              env:
                image:
                  - aws/codebuild/standard:6.0
                  - aws/codebuild/standard:7.0
                variables:
                  PY:
                    - "3.11"
                    - 3.12
        """)
    )
    assert spec.batch is not None
    matrix = spec.batch.build_matrix
    assert matrix is not None
    assert matrix.static is not None
    assert matrix.static.env == BatchEnv(type="LINUX_CONTAINER")
    assert matrix.dynamic == BatchMatrixDynamic(
        buildspec=("a.yml", "b.yml"),
        image=("aws/codebuild/standard:6.0", "aws/codebuild/standard:7.0"),
        variables={"PY": ("3.11", "3.12")},
    )


def _problems(batch: str) -> list[tuple[int, int, str]]:
    text = "version: 0.2\nbatch:\n" + indent(dedent(batch), "  ")
    return [(p.line, p.column, p.message) for p in check(text)]


def test_a_cycle_in_the_graph() -> None:
    problems = _problems("""\
      build-graph:
        - identifier: a
          depend-on: [b]
        - identifier: b
          depend-on: [a]
    """)
    assert len(problems) == 1
    line, column, message = problems[0]
    assert (line, column) == (4, 5)
    assert "dependency cycle" in message


def test_an_unknown_dependency_and_a_duplicate_identifier() -> None:
    problems = _problems("""\
      build-graph:
        - identifier: a
          depend-on: [ghost]
        - identifier: a
    """)
    assert (4, 7, "build `a` depends on `ghost`, which is not in `build-graph`") in problems
    assert (6, 7, "duplicate identifier `a` in `build-graph`") in problems


def test_depend_on_outside_a_graph_and_a_missing_identifier() -> None:
    problems = _problems("""\
      build-list:
        - identifier: a
          depend-on: [b]
        - buildspec: x.yml
    """)
    assert (5, 18, "`depend-on` in build `a` of `build-list`") in problems
    assert (6, 7, "a build of `build-list` has no `identifier`") in problems


def test_two_kinds_of_batch_and_none() -> None:
    assert _problems("build-list: []\nbuild-graph: []\n") == [
        (4, 16, "`batch` has both `build-list` and `build-graph`")
    ]
    assert _problems("fast-fail: false\n") == [(3, 3, "`batch` names no builds")]


def test_unknown_task_key_gets_a_hint() -> None:
    [problem] = check(
        "version: 0.2\nbatch:\n  build-list:\n    - identifier: a\n      ignore-failures: yes\n"
    )
    assert (problem.line, problem.column) == (5, 7)
    assert problem.hint == "did you mean `ignore-failure`?"
