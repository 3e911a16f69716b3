"""One leased build: the engine run with hooks that fetch the source, and its events streamed to the server."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
from datetime import UTC, datetime
from pathlib import Path

import httpx

from codeyard.execution.buildspec_location import is_s3_arn
from codeyard.execution.messages import Completion, Job, LogChunk, PhaseUpdate, ReportFiled, ReportUpload
from codeyard.runner.artifact_upload import upload_artifacts
from codeyard.runner.build_cache import BuildCache
from codeyard.runner.buildspec.model import Buildspec
from codeyard.runner.buildspec.parser import parse
from codeyard.runner.client import Refused, WorkClient
from codeyard.runner.engine.container import ContainerExecutor
from codeyard.runner.engine.environment import BuildContext, EnvironmentVariable, VariableType
from codeyard.runner.engine.events import BuildEnded, BuildEvent, LogLines, PhaseEnded, PhaseStarted
from codeyard.runner.engine.executors import Executor, Workspace
from codeyard.runner.engine.hooks import ArtifactStep, BuildHooks, FinalStep, PhaseError
from codeyard.runner.engine.lines import utf8_safe
from codeyard.runner.engine.masking import Masker
from codeyard.runner.engine.runner import BuildRequest, BuildRunner
from codeyard.runner.engine.states import CLIENT_ERROR, YAML_FILE_ERROR
from codeyard.runner.hash_files import write_command
from codeyard.runner.remote_cache import WorkApiCacheStore
from codeyard.runner.report_export import ExportFailed
from codeyard.runner.report_upload import ReportNotFiled, cleaned, upload_reports
from codeyard.runner.sources import download_sources, read_buildspec, work_api_fetch

log = logging.getLogger(__name__)
MAX_CHUNK_BYTES = 256 * 1024
# Engine events waiting to be sent: when the server stores lines slower than a build prints them,
# the engine waits (and the build's output pipe with it) instead of the runner holding the backlog.
MAX_PENDING_EVENTS = 256


def _ms(time: datetime) -> int:
    return int(time.timestamp() * 1000)


def _variables(items: list[dict[str, str]]) -> tuple[EnvironmentVariable, ...]:
    return tuple(
        EnvironmentVariable(v["name"], v["value"], VariableType(v.get("type", "PLAINTEXT"))) for v in items
    )


class BuildJob:
    """Runs `job` on `executor`, reporting phases and log chunks in order, heartbeating its lease."""

    def __init__(self, client: WorkClient, job: Job, executor: Executor) -> None:
        self._client = client
        self._job = job
        self._executor = executor
        self._events: asyncio.Queue[BuildEvent | None] = asyncio.Queue(MAX_PENDING_EVENTS)
        self._sequence = 0
        self._resolved: str | None = None
        self._lease_lost = False
        # built-in variables known once the workspace exists (secondary sources, the tools on PATH)
        self._extra: dict[str, str] = {}
        self._blocking: httpx.Client | None = None
        # the engine's masker (it adds the build's secrets): the runner's own notes and what the
        # hooks send to the server go through it as the commands' output does
        self._masker = Masker()
        self._cache = BuildCache(
            job.cache_type,
            job.cache_modes,
            job.project_name,
            local_root=Path(),  # set once the workspace exists: the runner's work directory
            remote=self._remote_cache,
            note=self._note,
            docker_layers=executor.docker_layer_note if isinstance(executor, ContainerExecutor) else None,
            generation=job.cache_generation,
            project_arn=job.project_arn,
        )

    async def run(self) -> None:
        job = self._job
        context = BuildContext(
            build_id=job.build_id,
            build_arn=job.build_arn,
            build_number=job.build_number,
            region=job.region,
            start_time=datetime.fromtimestamp(job.start_time_ms / 1000, UTC),
            project_arn=job.project_arn,
            image=job.image,
            initiator=job.initiator,
            source_version=job.source_version,
            source_repo_url=job.source_location,
            log_path=job.log_stream,
            batch_identifier=job.batch_identifier or None,
            extra=self._extra,
        )
        request = BuildRequest(
            context=context,
            project_variables=_variables(job.variables),
            override_variables=_variables(job.override_variables),
            timeout_seconds=float(job.timeout_seconds),
        )
        hooks = BuildHooks(
            download_source=self._download,
            load_buildspec=self._load_buildspec,
            resolve_secret=self._secret,
            finalize=self._reports,
            upload_artifacts=self._upload
            if job.artifacts_type == "S3" or job.secondary_artifacts or self._cache.enabled
            else None,
            restore_cache=self._cache.restore if self._cache.enabled else None,
        )
        runner = BuildRunner(self._executor, request, self._events.put, hooks, masker=self._masker)
        sender = asyncio.create_task(self._send_events())
        body = asyncio.create_task(runner.run())
        beats = asyncio.create_task(self._heartbeats(runner, body))
        try:
            try:
                ended = await body
            except asyncio.CancelledError:
                sender.cancel()
                if not self._lease_lost:
                    raise  # the runner itself is stopping
                log.warning("build %s abandoned: the lease was lost", job.build_id)
                return
            finally:
                if self._blocking is not None:
                    await asyncio.to_thread(self._blocking.close)
            await self._events.put(None)
            await sender
        finally:
            beats.cancel()  # only now: the lease is kept while the last log lines go out
        completion = Completion(
            status=str(ended.status),
            end_ms=_ms(ended.time),
            resolved_source_version=self._resolved,
            exported_variables=dict(ended.exported_variables),
        )
        with contextlib.suppress(Refused):  # the lease was lost meanwhile: the server decided already
            await self._client.complete(job.build_id, completion)

    async def _heartbeats(self, runner: BuildRunner, body: asyncio.Task[BuildEnded]) -> None:
        interval = max(0.2, self._job.lease_seconds / 3)
        while True:
            await asyncio.sleep(interval)
            try:
                renewal = await self._client.heartbeat(self._job.build_id)
            except (ConnectionError, Refused) as error:
                log.warning("heartbeat of %s failed: %s", self._job.build_id, error)
                continue
            if not renewal.leased:
                self._lease_lost = True
                body.cancel()
                return
            if renewal.stop:
                runner.stop()

    async def _send_events(self) -> None:
        """Sends the engine's events in order; log lines waiting together go as one chunk."""
        pending: BuildEvent | None = None
        while True:
            event = pending if pending is not None else await self._events.get()
            pending = None
            if event is None:
                return
            try:
                if isinstance(event, LogLines):
                    lines, size = list(event.lines), sum(len(line) for line in event.lines)
                    while size < MAX_CHUNK_BYTES and not self._events.empty():
                        following = self._events.get_nowait()
                        if not isinstance(following, LogLines):
                            pending = following
                            break
                        lines += following.lines
                        size += sum(len(line) for line in following.lines)
                    chunk = LogChunk(self._sequence, _ms(event.time), lines)
                    self._sequence += 1
                    await self._client.log(self._job.build_id, chunk)
                elif isinstance(event, PhaseStarted):
                    await self._client.phase(
                        self._job.build_id, PhaseUpdate(str(event.phase), _ms(event.time))
                    )
                elif isinstance(event, PhaseEnded):
                    contexts = [{"statusCode": c.status_code, "message": c.message} for c in event.contexts]
                    update = PhaseUpdate(
                        str(event.phase),
                        _ms(event.start_time),
                        str(event.status),
                        _ms(event.end_time),
                        contexts,
                    )
                    await self._client.phase(self._job.build_id, update)
            except Refused as error:
                log.warning("the server refused an update of %s: %s", self._job.build_id, error)
            except Exception:  # the sender must go on: the engine waits on its bounded queue
                log.exception("an update of %s was not sent", self._job.build_id)

    async def _download(self, workspace: Workspace) -> str | None:
        work_dir = workspace.root.parent  # the runner's: the LOCAL caches and the build tools live there
        self._cache.local_root = work_dir / "local-cache"
        if workspace.shell_src_dir == str(workspace.src_dir):  # the shell sees this host's paths
            tools = await asyncio.to_thread(_tools, work_dir / "bin")
            self._extra["PATH"] = f"{tools}{os.pathsep}{os.environ.get('PATH', os.defpath)}"
        fetch = work_api_fetch(self._client, self._job.build_id)
        commit, variables = await download_sources(self._job, workspace, fetch)
        self._extra.update(variables)
        self._resolved = commit
        return commit

    async def _upload(self, step: ArtifactStep) -> None:
        async def send(path: Path, name: str, identifier: str) -> None:
            try:
                await self._client.artifact(self._job.build_id, path, self._clean(name), identifier)
            except Refused as error:
                raise PhaseError(error.code or CLIENT_ERROR, error.reason) from None

        job = self._job
        await upload_artifacts(step, send, self._say, job.artifacts_type == "S3", job.secondary_artifacts)
        await self._cache.save(step)

    def _remote_cache(self) -> WorkApiCacheStore:
        """The S3-type cache through the work API (a blocking client: the cache works in threads)."""
        if self._blocking is None:
            self._blocking = self._client.blocking()
        return WorkApiCacheStore(self._blocking, self._job.build_id)

    async def _note(self, message: str) -> None:
        await self._say(f"{datetime.now(UTC):%Y/%m/%d %H:%M:%S.%f} {message}")

    async def _say(self, line: str) -> None:
        """One line of the runner's own in the build log (masked, and encodable whatever it names)."""
        await self._events.put(LogLines(datetime.now(UTC), (f"[Container] {self._clean(line)}",)))

    def _clean(self, text: str) -> str:
        return self._masker.mask(utf8_safe(text))

    async def _secret(self, kind: VariableType, reference: str) -> str:
        try:
            return await self._client.secret(self._job.build_id, str(kind), reference)
        except Refused as error:
            raise PhaseError(error.code or CLIENT_ERROR, error.reason) from None

    async def _reports(self, step: FinalStep) -> None:
        async def send(upload: ReportUpload) -> ReportFiled:
            try:
                return await self._client.report(self._job.build_id, cleaned(upload, self._clean))
            except Refused as error:
                raise ReportNotFiled(error.reason) from None

        async def export(report_arn: str, raw_zip: Path) -> None:
            try:
                await self._client.report_raw(self._job.build_id, report_arn, raw_zip)
            except Refused as error:
                raise ExportFailed(error.reason) from None
            except httpx.HTTPError as error:
                raise ExportFailed(f"{type(error).__name__}: {error}") from None

        await upload_reports(step, send, self._say, export)

    async def _load_buildspec(self, workspace: Workspace) -> Buildspec:
        job = self._job
        if job.buildspec is not None:
            return parse(job.buildspec)
        if is_s3_arn(job.buildspec_path):
            try:
                text = await self._client.buildspec(job.build_id)
            except Refused as error:
                raise PhaseError(error.code or CLIENT_ERROR, error.reason) from None
            except UnicodeDecodeError:
                raise PhaseError(
                    YAML_FILE_ERROR,
                    f"YAML_FILE_ERROR: the buildspec object {job.buildspec_path} is not UTF-8",
                ) from None
            return parse(text, job.buildspec_path)
        try:
            text = await asyncio.to_thread(read_buildspec, workspace, job.buildspec_path)
        except (OSError, UnicodeDecodeError, ValueError) as error:
            raise PhaseError(
                YAML_FILE_ERROR, f"YAML_FILE_ERROR: cannot read {job.buildspec_path}: {error}"
            ) from None
        return parse(text, job.buildspec_path)


def _tools(directory: Path) -> Path:
    """The directory of the commands builds find on PATH (codebuild-hash-files), written once."""
    if not (directory / "codebuild-hash-files").is_file():
        write_command(directory)
    return directory
