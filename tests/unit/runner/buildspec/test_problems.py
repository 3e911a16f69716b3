"""Buildspecs with problems: each one found with its line, column, message and hint."""

from __future__ import annotations

import pytest

from codeyard.runner.buildspec.parser import check, parse
from codeyard.runner.buildspec.problems import BuildspecError, Problem, Severity

BUILD = "version: 0.2\nphases:\n  build:\n    commands:\n      - make\n"

# (buildspec, line, column, severity, a piece of the message, a piece of the hint)
CASES: list[tuple[str, int, int, str, str, str]] = [
    (
        "version: 0.2\nphases:\n  build:\n    Commands:\n      - make\n",
        4,
        5,
        "error",
        "unknown key `Commands` in phase `build`",
        "did you mean `commands`?",
    ),
    (
        "version: 0.2\nphase:\n  build:\n    commands: [make]\n",
        2,
        1,
        "error",
        "unknown key `phase`",
        "`phases`",
    ),
    (
        "version: 0.2\nphases:\n  biuld:\n    commands: [make]\n",
        3,
        3,
        "error",
        "unknown key `biuld`",
        "`build`",
    ),
    (
        "version: 0.2\nphases:\n  prebuild:\n    commands: [make]\n",
        3,
        3,
        "error",
        "`prebuild`",
        "`pre_build`",
    ),
    ("phases:\n  build:\n    commands: [make]\n", 1, 1, "error", "`version` is missing", "version: 0.2"),
    ("version: 0.3\n" + BUILD[13:], 1, 10, "error", "unknown buildspec version `0.3`", "0.2"),
    ("version: 0.2\n", 1, 1, "error", "`phases` is missing", "batch"),
    (
        BUILD + "      - echo a: b\n",
        6,
        9,
        "error",
        "as a mapping because of an unquoted `: `",
        "quote the whole command",
    ),
    (BUILD + "      - 42\n", 6, 9, "error", "as a number, not text", "quote it: - '42'"),
    (BUILD + "      - true\n", 6, 9, "error", "as a boolean", "quote it: - 'true'"),
    (BUILD + "      -\n", 6, 8, "warning", "empty command", "bare `-`"),
    (BUILD + "      - [a, b]\n", 6, 9, "error", "is a list, not text", "quote"),
    (
        "version: 0.2\nphases:\n  build:\n    commands: make\n",
        4,
        15,
        "error",
        "must be a list of commands",
        "- command",
    ),
    (
        "version: 0.2\nphases:\n  build:\n    commands: [a]\n  build:\n    commands: [b]\n",
        5,
        3,
        "error",
        "duplicate key `build` in `phases` (first at line 3)",
        "remove one",
    ),
    ("version: 0.2\nversion: 0.2\n" + BUILD[13:], 2, 1, "error", "duplicate key `version`", "remove one"),
    ("version: 0.2\nphases:\n  build:\n", 3, 9, "warning", "phase `build` is empty", "remove it"),
    (
        "version: 0.2\nphases:\n  build:\n    commands:\n",
        4,
        14,
        "warning",
        "`commands` of phase `build` is empty",
        "",
    ),
    (
        "version: 0.2\nphases:\n  post_build:\n    finally: [echo]\n",
        4,
        5,
        "warning",
        "phase `post_build` has no `commands`",
        "on its own",
    ),
    (
        "version: 0.2\nphases:\n  build:\n    runtime-versions:\n      java: 17\n    commands: [make]\n",
        5,
        7,
        "error",
        "`runtime-versions` in phase `build`",
        "`install`",
    ),
    (
        "version: 0.2\nphases:\n  build:\n    on-failure: abort\n    commands: [make]\n",
        4,
        17,
        "error",
        "unknown on-failure value `abort`",
        "write `ABORT`",
    ),
    (
        "version: 0.2\nphases:\n  build:\n    on-failure: RETRY-101\n    commands: [make]\n",
        4,
        17,
        "error",
        "retries 101 times; the most is 100",
        "RETRY-<count>",
    ),
    (
        "version: 0.2\nphases:\n  build:\n    on-failure: RETRY-([\n    commands: [make]\n",
        4,
        17,
        "error",
        "does not compile",
        "RETRY-<regex>",
    ),
    (
        "version: 0.2\nenvironment_variables:\n  plaintext:\n    A: b\n" + BUILD[13:],
        2,
        1,
        "error",
        "`environment_variables` is the 0.1 name of `env`",
        "write `env`",
    ),
    (
        "version: 0.2\nenv:\n  plaintext:\n    A: b\n" + BUILD[13:],
        3,
        3,
        "error",
        "0.1 name of `variables`",
        "write `variables`",
    ),
    ("version: 0.2\nenv:\n  shell: zsh\n" + BUILD[13:], 3, 10, "error", "unknown shell `zsh`", "`bash`"),
    (
        "version: 0.2\nenv:\n  variables:\n    CODEBUILD_X: y\n" + BUILD[13:],
        4,
        5,
        "error",
        "names starting CODEBUILD_ are reserved",
        "rename",
    ),
    (
        "version: 0.2\nenv:\n  variables:\n    MY-VAR: y\n" + BUILD[13:],
        4,
        5,
        "error",
        "not a shell variable name",
        "",
    ),
    (
        "version: 0.2\nenv:\n  secrets-manager:\n    S: id:key:AWSCURRENT:v1\n" + BUILD[13:],
        4,
        8,
        "error",
        "both a version stage and a version id",
        "secret-id:json-key",
    ),
    (
        "version: 0.2\nenv:\n  secrets-manager:\n    S: a:b:c:d:e\n" + BUILD[13:],
        4,
        8,
        "error",
        "more than four",
        "",
    ),
    (
        "version: 0.2\nenv:\n  secrets-manager:\n    S: :key\n" + BUILD[13:],
        4,
        8,
        "error",
        "the secret id is missing",
        "",
    ),
    (
        "version: 0.2\nenv:\n  exported-variables:\n    - AWS_REGION\n" + BUILD[13:],
        4,
        7,
        "error",
        "names starting AWS_ are reserved",
        "",
    ),
    (
        "version: 0.2\nenv:\n  exported-variables:\n    -\n    - AWS_X\n" + BUILD[13:],
        5,
        7,
        "error",
        "`AWS_X` cannot be exported",
        "",
    ),
    (
        "version: 0.1\nenv: {}\nenvironment_variables:\n  plaintext: {}\n" + BUILD[13:],
        4,
        3,
        "error",
        "both `env` and `environment_variables` given",
        "keep `env`",
    ),
    (
        "version: 0.2\nenv:\n  secrets-manager:\n    TOKEN: t\n  exported-variables: [TOKEN]\n" + BUILD[13:],
        5,
        24,
        "error",
        "`TOKEN` cannot be exported: it comes from Parameter Store or Secrets Manager",
        "not secret",
    ),
    (
        BUILD + "reports:\n" + "".join(f"  r{i}:\n    files: [a]\n" for i in range(6)),
        17,
        3,
        "error",
        "more than 5 report groups",
        "",
    ),
    (
        BUILD + "cache:\n  paths: [a]\n  key: k\n  fallback-keys: [a, b, c, d, e, f]\n",
        9,
        18,
        "error",
        "more than 5 `fallback-keys`",
        "",
    ),
    (
        "version: 0.2\nenv:\n  git-credential-helper: maybe\n" + BUILD[13:],
        3,
        26,
        "error",
        "must be yes or no, not `maybe`",
        "yes, no",
    ),
    (
        "version: 0.2\nproxy:\n  log: yes\n" + BUILD[13:],
        3,
        3,
        "error",
        "unknown key `log` in `proxy`",
        "`logs`",
    ),
    (
        BUILD + "reports:\n  unit:\n    base-directory: out\n",
        7,
        3,
        "error",
        "report group `unit` has no `files`",
        "",
    ),
    (
        BUILD + "reports:\n  unit:\n    files: [a]\n    file-format: JUNIT\n",
        9,
        18,
        "error",
        "unknown report file format `JUNIT`",
        "`JUNITXML`",
    ),
    (BUILD + "artifacts:\n  name: x\n", 7, 3, "error", "`artifacts` has no `files`", ""),
    (
        BUILD + "artifacts:\n  files: [a]\n  discard_paths: yes\n",
        8,
        3,
        "error",
        "unknown key `discard_paths`",
        "`discard-paths`",
    ),
    (
        BUILD + "artifacts:\n  files: [a]\n  secondary-artifacts:\n    docs:\n      name: d\n",
        10,
        7,
        "error",
        "secondary artifact `docs` has no `files`",
        "",
    ),
    (BUILD + "artifacts:\n  files: ['a.yml\"']\n", 7, 11, "warning", "a stray quote", "remove the quote"),
    (BUILD + "cache:\n  key: k\n", 7, 3, "error", "`cache` has no `paths`", ""),
    (BUILD + "cache:\n  paths: [a]\n  action: both\n", 8, 11, "error", "unknown cache action `both`", ""),
    (
        BUILD + "cache:\n  paths: [a]\n  fallback-keys: [k]\n",
        8,
        18,
        "warning",
        "`fallback-keys` without `key` are ignored",
        "add a `key`",
    ),
    ("version: 0.2\nphases: [build]\n", 2, 9, "error", "`phases` must be a mapping, not a list", ""),
    ("- version: 0.2\n", 1, 1, "error", "the buildspec must be a mapping", ""),
    ("", 0, 0, "error", "the buildspec is empty", "version: 0.2"),
    ("version: 0.2\nphases:\n  build:\n\tcommands: [a]\n", 4, 1, "error", "not valid YAML", ""),
    (BUILD + "      - echo a: b: c\n", 6, 18, "error", "not valid YAML: mapping values", "it contains `: `"),
    ("version: 0.2\nphases:\n\tbuild: x\n", 3, 1, "error", "not valid YAML", "not tabs"),
    (BUILD + "      - *all\n", 6, 9, "error", "undefined alias", "starts with `*`"),
    (BUILD + "      - @echo off\n", 6, 9, "error", "not valid YAML", "start with `@`"),
    ("version: 0.2\n---\nversion: 0.2\n", 2, 1, "error", "more than one YAML document", "remove the `---`"),
    ("version: 0.2\nphases: {build: {commands: [a]}\n", 3, 1, "error", "not valid YAML", ""),
    (
        "version: 0.2\nphases:\n  build:\n    commands: [a]\n    commands: [b]\n",
        5,
        5,
        "error",
        "duplicate key `commands` in phase `build` (first at line 4)",
        "",
    ),
]


@pytest.mark.parametrize(("text", "line", "column", "severity", "message", "hint"), CASES)
def test_problem_is_found_where_it_is(
    text: str, line: int, column: int, severity: str, message: str, hint: str
) -> None:
    problems = check(text, "bs.yml")
    found = [p for p in problems if message in p.message]
    assert found, f"no problem with {message!r} in {problems}"
    problem = found[0]
    assert (problem.file, problem.line, problem.column, problem.severity) == (
        "bs.yml",
        line,
        column,
        severity,
    )
    assert hint in (problem.hint or "")


def test_parse_raises_one_error_listing_every_problem() -> None:
    text = "version: 0.2\nphases:\n  build:\n    Commands: [a]\n  biuld:\n    commands: [b]\nartifacts:\n  name: x\n"
    with pytest.raises(BuildspecError) as caught:
        parse(text, "buildspec.yml")
    assert [(p.line, p.column) for p in caught.value.errors] == [(4, 5), (5, 3), (8, 3)]
    assert (
        "buildspec.yml:4:5: error: unknown key `Commands` in phase `build` (did you mean `commands`?)"
        in str(caught.value)
    )


def test_warnings_alone_do_not_stop_parse() -> None:
    spec = parse(BUILD + "      -\n")
    assert spec.phases["build"].commands == ("make",)


def test_problem_prints_as_file_line_column() -> None:
    problem = Problem("a.yml", 3, 7, "something", "do this", Severity.WARNING)
    assert str(problem) == "a.yml:3:7: warning: something (do this)"
    assert str(Problem("a.yml", 1, 1, "bad")) == "a.yml:1:1: error: bad"
