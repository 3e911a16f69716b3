"""`codeyard build`: one buildspec run in the current directory by the real engine, with no server."""

from __future__ import annotations

import argparse
import asyncio
import importlib
import os
import re
import shutil
import signal
import sys
import tempfile
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import NamedTuple

from codeyard.cli.build_output import BuildView, wants_colour
from codeyard.cli.build_results import BuildResults, collect_reports, package_artifacts
from codeyard.cli.build_secrets import secret_resolver
from codeyard.cli.build_source import InPlaceHostExecutor, SourceError, copy_source, git_commit
from codeyard.runner.buildspec.lint import has_errors, lint_file
from codeyard.runner.buildspec.model import Buildspec
from codeyard.runner.buildspec.parser import parse
from codeyard.runner.buildspec.problems import BuildspecError
from codeyard.runner.engine.environment import BuildContext, EnvironmentVariable
from codeyard.runner.engine.events import BuildEnded
from codeyard.runner.engine.executors import Executor, HostExecutor, Workspace
from codeyard.runner.engine.hooks import ArtifactStep, BuildHooks, FinalStep, PhaseError
from codeyard.runner.engine.masking import Masker
from codeyard.runner.engine.runner import BuildRequest, BuildRunner
from codeyard.runner.engine.states import CLIENT_ERROR, StatusType
from codeyard.runner.hash_files import write_command

EXIT_SUCCEEDED = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
ACCOUNT = "000000000000"
# The executors other than host, by the module that holds each (or will) and the factory it offers:
# `for_local_build(base_dir: Path, image: str | None) -> Executor`, raising RuntimeError when it cannot
# run on this host.
OPTIONAL_EXECUTORS = {
    "sandbox": "codeyard.runner.engine.sandbox",
    "container": "codeyard.runner.engine.container",
}


class UsageError(Exception):
    """A request `codeyard build` cannot run (exit status 2)."""


class _Plan(NamedTuple):
    """Everything decided before the build starts (a NamedTuple: cheaper to define than a dataclass)."""

    source: Path
    buildspec: Buildspec
    buildspec_text: str
    buildspec_name: str
    variables: tuple[EnvironmentVariable, ...]
    artifacts: Path | None
    zipped: bool
    reports: Path | None
    endpoint: str | None


def run(args: argparse.Namespace) -> int:
    """Run the build; 0 when it SUCCEEDED, 1 when it did not, 2 for a bad request or buildspec."""
    try:
        plan = _plan(args)
        if plan is None:
            return EXIT_USAGE
        base = Path(tempfile.mkdtemp(prefix="codeyard-build-"))
        try:
            executor = _executor(
                args.executor, base / "work", plan.source if args.in_place else None, args.image
            )
            return _build(args, plan, executor, base)
        finally:
            shutil.rmtree(base, ignore_errors=True)
    except UsageError as error:
        print(f"codeyard build: {error}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:  # before the build started or after it ended; during it, Ctrl-C stops it
        print("codeyard build: interrupted", file=sys.stderr)
        return EXIT_FAILED


def _plan(args: argparse.Namespace) -> _Plan | None:
    source = (args.source or Path.cwd()).resolve()
    if not source.is_dir():
        raise UsageError(f"the source {args.source} is not a directory")
    path = args.buildspec if args.buildspec is not None else source / "buildspec.yml"
    shown = str(args.buildspec) if args.buildspec is not None else "buildspec.yml"
    try:
        problems = lint_file(path, shown)
        text = path.read_bytes().decode("utf-8-sig") if not has_errors(problems) else ""
    except OSError as error:
        raise UsageError(f"cannot read the buildspec {shown}: {error.strerror or error}") from None
    for problem in problems:
        print(problem, file=sys.stderr)
    if has_errors(problems):
        return None
    try:
        buildspec = parse(text, shown)
    except BuildspecError as error:
        print(error, file=sys.stderr)
        return None
    return _Plan(
        source,
        buildspec,
        text,
        shown,
        tuple(args.env),
        args.artifacts.resolve() if args.artifacts else None,
        args.packaging == "ZIP",
        args.reports.resolve() if args.reports else None,
        args.endpoint_url,
    )


def _executor(name: str, work: Path, in_place: Path | None, image: str | None) -> Executor:
    if name == "host":
        return HostExecutor(work) if in_place is None else InPlaceHostExecutor(work, in_place)
    if in_place is not None:
        raise UsageError(f"--in-place works with the host executor only, not {name}")
    module_name = OPTIONAL_EXECUTORS[name]
    try:
        module = importlib.import_module(module_name)
    except ImportError:
        raise UsageError(
            f"the {name} executor is not available in this Codeyard yet (use --executor host)"
        ) from None
    factory = getattr(module, "for_local_build", None)
    if factory is None:
        raise UsageError(f"the {name} executor cannot run local builds yet (use --executor host)")
    try:
        executor: Executor = factory(work, image)
    except RuntimeError as error:  # the executor's own "cannot run here" error, e.g. no user namespaces
        raise UsageError(f"the {name} executor cannot run here: {error}") from None
    return executor


def _build(args: argparse.Namespace, plan: _Plan, executor: Executor, base: Path) -> int:
    started = datetime.now(UTC)
    # On the host, codebuild-hash-files is a script this interpreter runs (no zipapp to write).
    tools = write_command(base / "bin", python=sys.executable if args.executor == "host" else None)
    context = _context(plan.source, started, args.image, tools.parent)
    results = BuildResults()
    request = BuildRequest(
        context=context,
        buildspec=plan.buildspec,
        project_variables=plan.variables,
        timeout_seconds=args.timeout * 60,
    )
    # The engine adds the build's secrets to it; the summary, the artifacts' names and the reports
    # written go through it as the log lines do.
    masker = Masker()
    view = BuildView(sys.stdout, colour=wants_colour(sys.stdout), quiet=args.quiet, mask=masker.mask)
    hooks = _hooks(plan, args.in_place, context, results, masker.mask)
    # The host executor's workspace is a few directories: made at once, without a worker thread.
    runner = BuildRunner(
        executor, request, view, hooks, prepare_in_thread=args.executor != "host", masker=masker
    )
    ended = asyncio.run(_drive(runner))
    view.summary(ended, started, results)
    return EXIT_SUCCEEDED if ended.status is StatusType.SUCCEEDED else EXIT_FAILED


async def _drive(runner: BuildRunner) -> BuildEnded:
    """Runs the build; Ctrl-C or SIGTERM stop it (STOPPED, the process tree killed)."""
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, runner.stop)
    try:
        return await runner.run()
    finally:
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(sig)


def _context(source: Path, started: datetime, image: str | None, tools: Path) -> BuildContext:
    project = re.sub(r"[^A-Za-z0-9_-]", "-", source.name)[:150] or "local"
    build_id = f"{project}:{_uuid4()}"
    region = os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or "us-east-1"
    return BuildContext(
        build_id=build_id,
        build_arn=f"arn:aws:codebuild:{region}:{ACCOUNT}:build/{build_id}",
        build_number=1,
        region=region,
        start_time=started,
        project_arn=f"arn:aws:codebuild:{region}:{ACCOUNT}:project/{project}",
        image=image or "",
        initiator=os.environ.get("USER", ""),
        extra={"PATH": f"{tools}{os.pathsep}{os.environ.get('PATH', os.defpath)}"},
    )


def _hooks(
    plan: _Plan, in_place: bool, context: BuildContext, results: BuildResults, mask: Callable[[str], str]
) -> BuildHooks:
    async def download_source(workspace: Workspace) -> str | None:
        if not in_place:
            try:
                await copy_source(plan.source, workspace.src_dir)
            except SourceError as error:
                raise PhaseError(CLIENT_ERROR, str(error)) from None
        return await git_commit(plan.source)

    async def upload_artifacts(step: ArtifactStep) -> None:
        if step.buildspec.artifacts is None:
            return
        from codeyard.runner.artifacts import ArtifactError  # only for builds with artifacts: a faster start

        try:
            package_artifacts(
                step.workspace.src_dir,
                step.buildspec,
                step.environment,
                plan.artifacts,
                plan.zipped,
                results,
                filesystem_root=step.workspace.filesystem_root,
                readable_roots=step.workspace.readable_roots,
                mask=mask,
            )
        except (ArtifactError, OSError) as error:
            raise PhaseError(CLIENT_ERROR, str(error)) from None

    async def finalize(step: FinalStep) -> None:
        if step.buildspec is None or not step.buildspec.reports:
            return
        try:
            collect_reports(
                step.workspace.src_dir,
                step.buildspec,
                plan.reports,
                context.build_arn,
                context.start_time,
                results,
                environment=step.environment,
                filesystem_root=step.workspace.filesystem_root,
                readable_roots=step.workspace.readable_roots,
                mask=mask,
            )
        except OSError as error:
            raise PhaseError(CLIENT_ERROR, f"cannot write the reports: {error}") from None

    return BuildHooks(
        download_source=download_source,
        resolve_secret=secret_resolver(
            plan.buildspec_text, plan.buildspec_name, plan.buildspec, plan.endpoint, context.region
        ),
        upload_artifacts=upload_artifacts,
        finalize=finalize,
    )


def _uuid4() -> str:
    """A random (version 4) UUID, without the uuid module's start-up cost."""
    value = bytearray(os.urandom(16))
    value[6] = (value[6] & 0x0F) | 0x40
    value[8] = (value[8] & 0x3F) | 0x80
    text = value.hex()
    return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"
