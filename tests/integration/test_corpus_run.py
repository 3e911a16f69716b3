"""Every real buildspec of the shared corpus run by the real engine on the host executor.

Each file runs as its variant (tests/support/corpus_variants.py): the commands this host can run
safely and offline are kept as they are, every other command is replaced by an `echo` of its text,
and everything else of the buildspec (phases, `finally`, on-failure, env variables, parameter-store
and secrets-manager references, exported variables, artifacts, reports) is kept. The source
directory holds an empty placeholder for each artifact and report path that names a file without
depending on the build's own variables. Files whose every command is kept also run unmodified (in
this corpus only the six batch-only files, which have no command: every other file has at least one
command needing the network, a tool not installed here or files of its own repository).

What a pass proves: every corpus buildspec that parses is accepted by the engine as written (YAML
oddities, null commands, phases out of order, multi-line block and plain scalars as one command,
`case` and `if` blocks, shell variables set in one phase and read in another, exported variables,
secrets through the resolve hook, artifact paths named by variables the commands set); each phase
present runs each of its commands, in order, `finally` after them; echoed commands show their exact
text in the log; kept commands really run and succeed. The one invalid file fails to parse with
its error named.
"""

from __future__ import annotations

import re
import shlex
import subprocess
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from codeyard.runner.artifact_upload import expand, upload_artifacts
from codeyard.runner.buildspec.model import Buildspec
from codeyard.runner.buildspec.parser import parse
from codeyard.runner.buildspec.problems import BuildspecError
from codeyard.runner.engine.environment import VariableType
from codeyard.runner.engine.executors import Workspace
from codeyard.runner.engine.hooks import ArtifactStep, BuildHooks, FinalStep
from codeyard.runner.reports.collect import collect_report
from tests.integration.runner.build_helper import CONTEXT, Build, run_build
from tests.support.corpus_variants import echoed, keeps, variant

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus" / "buildspec"
FILES = sorted(CORPUS.glob("*.y*ml")) if CORPUS.is_dir() else []
INVALID = {"aws__aws-toolkit-vscode__buildspec__release__50githubrelease.yml": "unknown key `Commands`"}
PARSED = [path for path in FILES if path.name not in INVALID]
# Files whose artifacts cannot match in a variant, so that UPLOAD_ARTIFACTS fails as CodeBuild's
# does when no file matches (CLIENT_ERROR) and the build is FAILED: they name their files only
# through variables whose files echoed commands would have made (ecs-agent), or under a directory
# outside the source that echoed commands would have filled (/tmp/testArtifacts, or Windows'
# `$env:TEMP`, in the toolkits' test buildspecs).
NO_ARTIFACT_MATCH = {
    "aws__amazon-ecs-agent__buildspecs__pr-build-windows.yml",
    "aws__amazon-ecs-agent__buildspecs__pr-build.yml",
    "aws__amazon-ecs-agent__buildspecs__signing.yml",
    "aws__aws-toolkit-jetbrains__buildspec__linuxIntegrationTests.yml",
    "aws__aws-toolkit-jetbrains__buildspec__linuxTests.yml",
    "aws__aws-toolkit-jetbrains__buildspec__linuxUiTests.yml",
    "aws__aws-toolkit-jetbrains__buildspec__windowsTests.yml",
    "aws__aws-toolkit-vscode__buildspec__windowsTests.yml",
}
# Files written for Windows images: their commands are PowerShell, not shell.
WINDOWS = {
    "aws__amazon-ecs-agent__buildspecs__pr-build-windows.yml",
    "aws__aws-toolkit-jetbrains__buildspec__windowsTests.yml",
    "aws__aws-toolkit-vscode__buildspec__windowsTests.yml",
}
_REFERENCE = re.compile(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)")
_GLOB = re.compile(r"\*\*?")
_PLAIN_ECHO = re.compile(r"echo(?: +(?:\"[^\"$`\\]*\"|'[^']*'|[^\s$`'\"\\;|&<>()*?\[]+))+")
_NOTE = re.compile(r"^\[Container\] \S+ \S+ (.*)$", re.DOTALL)

pytestmark = pytest.mark.skipif(not FILES, reason=f"the shared buildspec corpus is not at {CORPUS}")


@dataclass
class _Record:
    """What the hooks saw: the secret references resolved, the artifacts zipped, the reports made."""

    secrets: list[tuple[VariableType, str]] = field(default_factory=list)
    artifacts: dict[str, int] = field(default_factory=dict)
    reports: dict[str, str] = field(default_factory=dict)


def _placeholders(buildspec: Buildspec, variables: Mapping[str, str]) -> list[str]:
    """A relative path for each artifact or report pattern that names a file without unknown variables."""
    groups: list[tuple[str | None, tuple[str, ...]]] = []
    if buildspec.artifacts is not None:
        every = [buildspec.artifacts, *buildspec.artifacts.secondary.values()]
        groups += [(artifact.base_directory, artifact.files) for artifact in every]
    groups += [(report.base_directory, report.files) for report in buildspec.reports.values()]
    paths = []
    for base, patterns in groups:
        for pattern in patterns:
            path = "/".join(part for part in (base, pattern) if part)
            if any(name not in variables for name in _REFERENCE.findall(path)):
                continue
            path = _GLOB.sub("placeholder", expand(path, variables))
            if "\\" in path or path.startswith("/") or ".." in path.split("/"):
                continue
            paths.append(path.rstrip("/") or "placeholder")
    return paths


def _hooks(buildspec: Buildspec, runnable: Buildspec, record: _Record) -> BuildHooks:
    async def download_source(workspace: Workspace) -> str:
        known = {**buildspec.env.variables, "CODEBUILD_SRC_DIR": "."}
        for relative in _placeholders(buildspec, known):
            target = workspace.src_dir / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            if not target.exists():
                target.write_bytes(b"")
        return "0123456789abcdef0123456789abcdef01234567"

    async def load_buildspec(workspace: Workspace) -> Buildspec:
        return runnable

    async def resolve_secret(kind: VariableType, reference: str) -> str:
        record.secrets.append((kind, reference))
        return f"corpus-{kind.value.lower()}-value-{len(record.secrets)}"

    async def upload(path: Path, name: str, identifier: str) -> None:
        with zipfile.ZipFile(path) as archive:
            record.artifacts[identifier or "primary"] = len(archive.namelist())

    async def note(message: str) -> None:
        return None

    async def upload_step(step: ArtifactStep) -> None:
        secondary = [] if step.buildspec.artifacts is None else list(step.buildspec.artifacts.secondary)
        await upload_artifacts(step, upload, note, True, secondary)

    async def finalize(step: FinalStep) -> None:
        for group, spec in buildspec.reports.items():
            report = collect_report(
                step.workspace.src_dir,
                spec.files,
                base_directory=spec.base_directory,
                discard_paths=spec.discard_paths,
                file_format=spec.file_format.value,
            )
            record.reports[group] = report.status.value

    return BuildHooks(
        download_source=download_source,
        load_buildspec=load_buildspec,
        resolve_secret=resolve_secret,
        upload_artifacts=upload_step,
        finalize=finalize,
    )


def _notes(build: Build) -> list[str]:
    return [m.group(1) for line in build.log if (m := _NOTE.match(line))]


def _phase_notes(build: Build, phase: str) -> list[str]:
    """The engine's notes between `Entering phase <phase>` and its `Phase complete`."""
    notes = _notes(build)
    start = notes.index(f"Entering phase {phase}")
    end = next(i for i in range(start, len(notes)) if notes[i].startswith(f"Phase complete: {phase} "))
    return notes[start:end]


def _echo_output_follows(build: Build, command: str, original: str) -> bool:
    """True when the note `Running command <command>` is followed by the lines of `original`."""
    lines = original.rstrip("\n").split("\n")
    log = build.log
    for index, line in enumerate(log):
        if (m := _NOTE.match(line)) and m.group(1) == f"Running command {command}":
            following = [entry.rstrip() for entry in log[index + 1 : index + 1 + len(lines)]]
            if following == [entry.rstrip() for entry in lines]:
                return True
    return False


def _literal_echo(command: str) -> str | None:
    """What a kept `echo` of plain words prints (None for any other command, or one with expansions)."""
    if not _PLAIN_ECHO.fullmatch(command):
        return None
    return " ".join(shlex.split(command)[1:])


@pytest.mark.parametrize("path", FILES, ids=[path.name for path in FILES])
def test_corpus_buildspec_runs_as_a_variant(path: Path, tmp_path: Path) -> None:
    text = path.read_bytes().decode("utf-8-sig")
    if path.name in INVALID:
        with pytest.raises(BuildspecError, match=INVALID[path.name]):
            parse(text, path.name)
        return
    buildspec = parse(text, path.name)
    record = _Record()
    build = run_build(tmp_path, None, _hooks(buildspec, variant(buildspec), record), timeout=60.0)

    failed = {phase: status for phase, status in build.statuses.items() if status != "SUCCEEDED"}
    if path.name in NO_ARTIFACT_MATCH:
        assert failed == {"UPLOAD_ARTIFACTS": "FAILED"}, build.log
        [context] = build.record("UPLOAD_ARTIFACTS").contexts
        assert (context.status_code, context.message) == ("CLIENT_ERROR", "no matching artifact paths found")
        assert str(build.ended.status) == "FAILED"
    else:
        assert failed == {}, [(r.phase, r.contexts) for r in build.ended.phases if r.contexts]
        assert str(build.ended.status) == "SUCCEEDED"
    assert not [line for line in build.log if "Command did not exit successfully" in line]

    runnable = variant(buildspec)
    for name, phase in buildspec.phases.items():
        ran = [n.removeprefix("Running command ") for n in _phase_notes(build, name.value.upper())]
        ran = [n for n in ran if not n.startswith(("Entering phase", "Skipping install", "run-as is not"))]
        wanted = [*runnable.phases[name].commands, *runnable.phases[name].finally_]
        assert ran == wanted
        for original in (*phase.commands, *phase.finally_):
            if not keeps(original):
                assert _echo_output_follows(build, echoed(original), original), original
            elif (printed := _literal_echo(original)) is not None:
                assert _echo_output_follows(build, original, printed), original

    env = buildspec.env
    wanted_secrets = {(VariableType.PARAMETER_STORE, name) for name in env.parameter_store.values()}
    wanted_secrets |= {(VariableType.SECRETS_MANAGER, ref.secret_id) for ref in env.secrets_manager.values()}
    assert {(kind, reference.split(":")[0]) for kind, reference in record.secrets} == wanted_secrets
    if "CODEBUILD_BUILD_ID" in env.exported_variables:
        assert build.ended.exported_variables["CODEBUILD_BUILD_ID"] == CONTEXT.build_id
    assert set(build.ended.exported_variables) <= set(env.exported_variables)
    if buildspec.artifacts is not None and path.name not in NO_ARTIFACT_MATCH:
        assert record.artifacts.get("primary", 0) >= 1 or not buildspec.artifacts.files
        assert set(record.artifacts) - {"primary"} == set(buildspec.artifacts.secondary)
    assert set(record.reports) == set(buildspec.reports)


@pytest.mark.parametrize("path", PARSED, ids=[path.name for path in PARSED])
def test_every_command_is_valid_shell_as_the_engine_runs_it(path: Path, tmp_path: Path) -> None:
    """Each command string, written to a script as the engine writes it, parses as bash (`bash -n`):
    block and multi-line plain scalars reach the shell whole."""
    buildspec = parse(path.read_bytes().decode("utf-8-sig"), path.name)
    script = tmp_path / "script.sh"
    invalid = []
    for phase in buildspec.phases.values():
        for command in (*phase.commands, *phase.finally_):
            script.write_text(command if command.endswith("\n") else command + "\n")
            checked = subprocess.run(["bash", "-n", str(script)], capture_output=True, check=False)
            if checked.returncode != 0:
                invalid.append(command)
    assert bool(invalid) == (path.name in WINDOWS), invalid


UNMODIFIED = [
    path
    for path in PARSED
    if all(
        keeps(c)
        for p in parse(path.read_bytes().decode("utf-8-sig")).phases.values()
        for c in (*p.commands, *p.finally_)
    )
]


@pytest.mark.parametrize("path", UNMODIFIED, ids=[path.name for path in UNMODIFIED])
def test_corpus_buildspec_whose_tools_are_all_here_runs_unmodified(path: Path, tmp_path: Path) -> None:
    buildspec = parse(path.read_bytes().decode("utf-8-sig"), path.name)
    assert variant(buildspec) == buildspec
    record = _Record()
    build = run_build(tmp_path, None, _hooks(buildspec, buildspec, record), timeout=60.0)
    assert str(build.ended.status) == "SUCCEEDED"
    assert set(build.statuses.values()) == {"SUCCEEDED"}
