"""The build runner: a buildspec driven through CodeBuild's phase state machine, as a stream of events."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from datetime import UTC, datetime
from typing import NamedTuple

from codeyard.runner.buildspec.model import Buildspec, FailureAction, PhaseName
from codeyard.runner.buildspec.model import Phase as BuildspecPhase
from codeyard.runner.buildspec.problems import BuildspecError
from codeyard.runner.engine.artifact_variables import artifact_variable_names, report_variable_names
from codeyard.runner.engine.environment import BuildContext, EnvironmentVariable, builtin_variables
from codeyard.runner.engine.events import BuildEnded, EventSink, LogLines, PhaseEnded, PhaseStarted
from codeyard.runner.engine.executors import Executor, UnsupportedShellError, Workspace
from codeyard.runner.engine.exported_variables import bounded_exports
from codeyard.runner.engine.hooks import ArtifactStep, BuildHooks, FinalStep, PhaseError
from codeyard.runner.engine.lines import utf8_safe
from codeyard.runner.engine.masking import MIN_SECRET_LENGTH, Masker
from codeyard.runner.engine.phases import PhaseRunner
from codeyard.runner.engine.resolution import resolve_environment
from codeyard.runner.engine.session import MAX_VARIABLE_BYTES, ShellSession, VariableValues
from codeyard.runner.engine.states import (
    BUILD_STOPPED,
    BUILD_TIMED_OUT,
    CLIENT_ERROR,
    COMMAND_PHASES,
    INTERNAL_ERROR,
    PHASE_KEYS,
    YAML_FILE_ERROR,
    BuildPhaseType,
    PhaseContext,
    StatusType,
    next_after_failure,
)
from codeyard.runner.engine.workspace_preparation import prepare_workspace

Phase = BuildPhaseType


class BuildRequest(NamedTuple):
    """One build to run: its context, buildspec (or None to load it from the source), variables, limits."""

    context: BuildContext
    buildspec: Buildspec | None = None
    project_variables: tuple[EnvironmentVariable, ...] = ()
    override_variables: tuple[EnvironmentVariable, ...] = ()
    timeout_seconds: float = 3600.0
    kill_grace_seconds: float = 5.0


class BuildRunner:
    """Runs one build on an executor, sending every event to `sink`; `stop()` asks it to stop."""

    def __init__(
        self,
        executor: Executor,
        request: BuildRequest,
        sink: EventSink,
        hooks: BuildHooks | None = None,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
        *,
        prepare_in_thread: bool = True,
        masker: Masker | None = None,
    ) -> None:
        self._executor = executor
        self._prepare_in_thread = prepare_in_thread
        self._request = request
        self._sink = sink
        self._hooks = hooks or BuildHooks()
        self._now = now
        # the build's secrets are added to it; a caller passing its own masks its own lines with it too
        self._masker = masker if masker is not None else Masker()
        self._stop = asyncio.Event()
        self._deadline = 0.0  # the event loop's time when the build's timeout is reached (set by run)
        self._status = StatusType.SUCCEEDED
        self._records: list[PhaseEnded] = []
        self._current: tuple[Phase, datetime] | None = None
        self._workspace: Workspace | None = None
        self._buildspec: Buildspec | None = None
        self._session: ShellSession | None = None
        self._env: dict[str, str] = {}
        self._unexportable: set[str] = set()
        self._exported: dict[str, str] = {}

    def stop(self) -> None:
        """Asks the build to stop: the running phase and the build end STOPPED, the tree is killed.

        Call it on the build's event loop (from another thread: `loop.call_soon_threadsafe(runner.stop)`)."""
        self._stop.set()

    async def run(self) -> BuildEnded:
        """Runs the build to COMPLETED; the answer is also the last event sent."""
        body = asyncio.create_task(self._body())
        stopped = asyncio.create_task(self._stop.wait())
        timeout = self._request.timeout_seconds
        self._deadline = asyncio.get_running_loop().time() + timeout
        try:
            done, _ = await asyncio.wait(
                {body, stopped}, timeout=timeout, return_when=asyncio.FIRST_COMPLETED
            )
        except asyncio.CancelledError:
            await self._abandon(body)
            raise
        finally:
            stopped.cancel()
        if body not in done:
            body.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await body
            await self._interrupt(StatusType.STOPPED if self._stop.is_set() else StatusType.TIMED_OUT)
        elif (error := body.exception()) is not None:
            await self._fault(error)
        return await self._finalize()

    async def _body(self) -> None:
        await self._enter(Phase.PROVISIONING)
        try:
            self._workspace = await prepare_workspace(
                self._executor, self._request.context.build_id, in_thread=self._prepare_in_thread
            )
        except OSError as error:
            await self._leave(
                StatusType.FAULT, PhaseContext(CLIENT_ERROR, f"Cannot prepare the workspace: {error}")
            )
            return
        await self._leave(StatusType.SUCCEEDED)
        if not await self._download(self._workspace):
            return
        assert self._buildspec is not None
        current = Phase.INSTALL
        while current in COMMAND_PHASES:
            spec = self._buildspec.phase(PhaseName(PHASE_KEYS[current]))
            await self._enter(current)
            await self._warn_unsupported(spec)
            outcome = await PhaseRunner(self._live_session, self._output, self._note).run(spec)
            await self._leave(outcome.status, *outcome.contexts)
            following = Phase(list(Phase)[list(Phase).index(current) + 1])
            if outcome.status is not StatusType.SUCCEEDED:
                await self._mark_failing()
                action = spec.on_failure.action if spec and spec.on_failure else None
                if action is FailureAction.ABORT:
                    following = Phase.FINALIZING
                elif action is not FailureAction.CONTINUE:
                    following = next_after_failure(current)
            current = following
        # Exported variables are read once, after the last command phase, and frozen from then on.
        self._exported = await self._capture_exports()
        if current is Phase.UPLOAD_ARTIFACTS:
            await self._upload(self._workspace)

    async def _warn_unsupported(self, spec: BuildspecPhase | None) -> None:
        """Notes what the buildspec asks for that this runner does not do (the commands still run)."""
        assert self._buildspec is not None
        if spec is not None and spec.runtime_versions:
            await self._note(
                "Skipping install of runtimes. Runtime version selection is not supported by this build image."
            )
        if spec is not None and (spec.run_as or self._buildspec.run_as):
            await self._note("run-as is not supported by this executor: commands run as the runner's user")

    async def _download(self, workspace: Workspace) -> bool:
        await self._enter(Phase.DOWNLOAD_SOURCE)
        try:
            resolved = self._request.context.resolved_source_version
            if self._hooks.download_source is not None:
                resolved = await self._hooks.download_source(workspace)
            self._buildspec = self._request.buildspec
            if self._buildspec is None and self._hooks.load_buildspec is not None:
                self._buildspec = await self._hooks.load_buildspec(workspace)
            if self._buildspec is None:
                raise PhaseError(YAML_FILE_ERROR, "No buildspec was given and none can be loaded")
            await self._compute_environment(self._buildspec, workspace, resolved)
            self._session = self._start_session()
            if self._hooks.restore_cache is not None and await self._hooks.restore_cache(
                ArtifactStep(workspace, self._buildspec, dict(self._env), self._session, True)
            ):
                # a fresh session sees the restored files as the build's own (a sandbox hands them over)
                await self._session.close(self._request.kill_grace_seconds)
                self._session = self._start_session()
        except BuildspecError as error:
            await self._leave(StatusType.FAILED, PhaseContext(YAML_FILE_ERROR, str(error)))
            return False
        except UnsupportedShellError as error:
            await self._leave(StatusType.FAILED, PhaseContext(CLIENT_ERROR, str(error)))
            return False
        except PhaseError as error:
            await self._leave(error.status, PhaseContext(error.status_code, error.message))
            return False
        await self._leave(StatusType.SUCCEEDED)
        return True

    async def _compute_environment(
        self, buildspec: Buildspec, workspace: Workspace, resolved: str | None
    ) -> None:
        context = self._request.context._replace(resolved_source_version=resolved)
        request = self._request
        result = await resolve_environment(
            builtin_variables(context, workspace.shell_src_dir),
            buildspec.env,
            request.project_variables,
            request.override_variables,
            self._hooks.resolve_secret,
        )
        self._env, self._unexportable = result.variables, result.unexportable
        for name in result.ignored:
            await self._note(f"Ignoring variable {name}: names starting CODEBUILD_ are reserved")
        for _ in self._masker.add(result.secrets):
            await self._note(
                f"A secret value shorter than {MIN_SECRET_LENGTH} characters is not masked in this log"
            )

    def _start_session(self) -> ShellSession:
        assert self._workspace is not None
        assert self._buildspec is not None
        separate = not self._buildspec.shares_shell
        return self._executor.start_session(self._workspace, self._env, self._buildspec.env.shell, separate)

    async def _live_session(self) -> ShellSession:
        """The build's session; one that a command ended is replaced by a fresh one (cwd and shell
        variables start over, the build's environment stays)."""
        if self._session is None or self._session.ended:
            if self._session is not None:
                await self._session.close(self._request.kill_grace_seconds)
                await self._note("The shell session has ended; later commands run in a new one")
            self._session = self._start_session()
        return self._session

    async def _mark_failing(self) -> None:
        self._env["CODEBUILD_BUILD_SUCCEEDING"] = "0"
        if self._session is not None and not self._session.ended:
            await self._session.run("export CODEBUILD_BUILD_SUCCEEDING=0", self._output)

    async def _capture_exports(self) -> dict[str, str]:
        assert self._buildspec is not None
        names = [
            name
            for name in self._buildspec.env.exported_variables
            if not name.startswith("AWS_") and name not in self._unexportable
        ]
        if not names:
            return {}
        values = await (await self._live_session()).variables(names, self._output)
        # A secret copied into an exported variable is masked as in the log (see docs/behaviour.md).
        exported, notes = bounded_exports(values, self._masker.mask)
        for note in notes:
            await self._note(note)
        return exported

    async def _upload(self, workspace: Workspace) -> None:
        assert self._buildspec is not None
        await self._enter(Phase.UPLOAD_ARTIFACTS)
        if self._hooks.upload_artifacts is not None:
            step = ArtifactStep(
                workspace,
                self._buildspec,
                await self._artifact_environment(),
                await self._live_session(),
                self._env.get("CODEBUILD_BUILD_SUCCEEDING") == "1",
            )
            try:
                await self._hooks.upload_artifacts(step)
            except PhaseError as error:
                await self._leave(error.status, PhaseContext(error.status_code, error.message))
                return
        await self._leave(StatusType.SUCCEEDED)

    async def _artifact_environment(self) -> dict[str, str]:
        """The build's variables, over them the shell's current values of those the artifacts block
        names: `files: [$TARBALL]` takes the value a command gave TARBALL, as on CodeBuild."""
        assert self._buildspec is not None
        names = artifact_variable_names(self._buildspec.artifacts)
        if not names:
            return dict(self._env)
        current = await (await self._live_session()).variables(names, self._output)
        await self._note_oversized(current)
        return {**self._env, **current}

    async def _note_oversized(self, values: VariableValues) -> None:
        for name in values.oversized:
            await self._note(
                f"Variable {name} is not expanded: its value is larger than {MAX_VARIABLE_BYTES:,} bytes"
            )

    async def _report_environment(self) -> dict[str, str]:
        """The build's variables, over them the shell's last values of those the reports block names,
        read before FINALIZING closes the shell (none when it ended: a timeout, a stop). The build can
        keep its shell from answering (a FIFO for the variables file, a DEBUG trap): the read waits
        at most for the rest of the build's timeout, or until a stop."""
        names = report_variable_names(self._buildspec.reports) if self._buildspec is not None else []
        session = self._session
        if not names or session is None or session.ended:
            return dict(self._env)
        reading = asyncio.create_task(session.variables(names, self._output))
        stopped = asyncio.create_task(self._stop.wait())
        left = max(0.0, self._deadline - asyncio.get_running_loop().time())
        await asyncio.wait({reading, stopped}, timeout=left, return_when=asyncio.FIRST_COMPLETED)
        stopped.cancel()
        if not reading.done():
            reading.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await reading
            return dict(self._env)
        await self._note_oversized(reading.result())
        return {**self._env, **reading.result()}

    async def _interrupt(self, status: StatusType) -> None:
        """A timeout or a stop: the running phase ends with `status`, the process tree is killed."""
        if self._session is not None:
            await self._session.kill(self._request.kill_grace_seconds)
        code, message = (
            (BUILD_TIMED_OUT, "Build timed out")
            if status is StatusType.TIMED_OUT
            else (BUILD_STOPPED, "Build was stopped")
        )
        if self._current is not None:
            await self._leave(status, PhaseContext(code, message))
        self._status = status

    async def _abandon(self, body: asyncio.Task[None]) -> None:
        """run() itself was cancelled (the runner is shutting down): no more events, no process left."""
        body.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await body
        if self._session is not None:
            await self._session.close(self._request.kill_grace_seconds)
        if self._workspace is not None:
            self._executor.cleanup(self._workspace)

    async def _fault(self, error: BaseException) -> None:
        """An unexpected error (a bug, a hook's own failure): the running phase and the build are FAULT.
        The shell is ended: the error may have left a command running, which FINALIZING must not await."""
        if self._session is not None:
            await self._session.kill(self._request.kill_grace_seconds)
        if self._current is not None:
            await self._leave(
                StatusType.FAULT, PhaseContext(INTERNAL_ERROR, f"{type(error).__name__}: {error}")
            )
        self._status = StatusType.FAULT

    async def _finalize(self) -> BuildEnded:
        await self._enter(Phase.FINALIZING)
        environment = await self._report_environment()
        if self._session is not None:
            await self._session.close(self._request.kill_grace_seconds)
        outcome: tuple[StatusType, tuple[PhaseContext, ...]] = (StatusType.SUCCEEDED, ())
        if self._workspace is not None:
            try:
                if self._hooks.finalize is not None:
                    step = FinalStep(self._workspace, self._buildspec, self._status, environment)
                    await self._hooks.finalize(step)
            except PhaseError as error:
                outcome = (error.status, (PhaseContext(error.status_code, error.message),))
            finally:
                self._executor.cleanup(self._workspace)
        await self._leave(outcome[0], *outcome[1])
        await self._sink(PhaseStarted(Phase.COMPLETED, self._now()))
        ended = BuildEnded(self._status, self._now(), tuple(self._records), dict(self._exported))
        await self._sink(ended)
        return ended

    async def _enter(self, phase: Phase) -> None:
        start = self._now()
        self._current = (phase, start)
        await self._sink(PhaseStarted(phase, start))
        await self._note(f"Entering phase {phase}")

    async def _leave(self, status: StatusType, *contexts: PhaseContext) -> None:
        assert self._current is not None
        phase, start = self._current
        self._current = None
        # a context may name a path or quote an error that holds a secret value or undecodable bytes
        contexts = tuple(
            PhaseContext(context.status_code, self._masker.mask(utf8_safe(context.message)))
            for context in contexts
        )
        await self._note(f"Phase complete: {phase} State: {status}")
        for context in contexts or (PhaseContext("", ""),):
            await self._note(f"Phase context status code: {context.status_code} Message: {context.message}")
        record = PhaseEnded(phase, status, start, self._now(), contexts)
        self._records.append(record)
        if status is not StatusType.SUCCEEDED and self._status is StatusType.SUCCEEDED:
            self._status = StatusType.FAULT if status is StatusType.FAULT else StatusType.FAILED
        await self._sink(record)

    async def _note(self, message: str) -> None:
        """One line of the engine's own, in the CodeBuild agent's form."""
        time = self._now()
        await self._output([f"[Container] {time:%Y/%m/%d %H:%M:%S.%f} {utf8_safe(message)}"])

    async def _output(self, lines: list[str]) -> None:
        await self._sink(LogLines(self._now(), tuple(self._masker.mask(line) for line in lines)))
