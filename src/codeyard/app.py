"""The composition root: every object of a server is built here, from Settings."""

from __future__ import annotations

import contextlib
import socket
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from codeyard import demo
from codeyard.accounts import Principal, RequestContext
from codeyard.admin import AdminApi
from codeyard.bootstrap import MASTER_KEY_FILE, RootCredentials, root_credentials
from codeyard.clock import Clock, OffsetClock, SystemClock
from codeyard.config import Settings
from codeyard.crypto import SecretBox, load_master_key
from codeyard.execution.artifact_store import ArtifactStore
from codeyard.execution.batchspec_source import BatchspecReader
from codeyard.execution.build_secrets import BuildSecrets
from codeyard.execution.cache_api import forget as forget_cache
from codeyard.execution.clone_dirs import remove_stale as remove_stale_clones
from codeyard.execution.housekeeping import Housekeeping
from codeyard.execution.queue import WorkQueue
from codeyard.execution.registry import RunnerRegistry, registration_token
from codeyard.execution.report_expiry import ReportExpiry
from codeyard.execution.report_export import ReportExport
from codeyard.execution.report_intake import ReportIntake
from codeyard.execution.scheduler import Scheduler
from codeyard.execution.source_archive import SourceArchives
from codeyard.execution.token_expiry import TokenExpiry
from codeyard.execution.wakeup import Wakeup
from codeyard.execution.work_api import WorkApi
from codeyard.git.access import GitAccess
from codeyard.git.smart_http import SmartHttp
from codeyard.git.ssh_server import GitSshServer
from codeyard.git.ssh_sessions import GitSession
from codeyard.git.storage import GitStorage
from codeyard.ids import IdGenerator
from codeyard.operations import ServiceApi
from codeyard.protocol.authentication import Authenticator
from codeyard.protocol.endpoint import ApiEndpoint, ApiHandler
from codeyard.protocol.models import ServiceCatalog
from codeyard.router import AsgiApp, Router
from codeyard.services.codebuild.api import CodeBuildApi
from codeyard.services.codebuild.batch_scheduler import BatchScheduler
from codeyard.services.codebuild.build_shapes import BuildEvents
from codeyard.services.codebuild.progress import BuildProgress
from codeyard.services.codecommit.api import CodeCommitApi
from codeyard.services.events import EventFactory, envelope
from codeyard.services.iam.api import IamApi
from codeyard.services.iam.arns import root_principal
from codeyard.services.iam.authorizer import IamAuthorizer
from codeyard.services.iam.credentials import IamCredentials
from codeyard.services.iam.epoch import IamEpoch
from codeyard.services.logs.api import LogsApi
from codeyard.services.secretsmanager.api import SecretsManagerApi
from codeyard.services.ssm.api import SsmApi
from codeyard.services.sts.api import StsApi
from codeyard.store.sql.engine import make_engine
from codeyard.store.sql.notifications import WorkNotifications
from codeyard.store.sql.schema import upgrade
from codeyard.store.sql.unit_of_work import SqlStore

# Services whose botocore models the endpoint speaks; operations without code answer 501.
SPOKEN_SERVICES = (
    "iam",
    "sts",
    "ssm",
    "secretsmanager",
    "codecommit",
    "codebuild",
    "codepipeline",
    "codedeploy",
    "logs",
    "events",
)


def ssh_url_base(settings: Settings) -> str | None:
    """Where SSH clone URLs point, when the SSH server is on."""
    if not settings.ssh_port:
        return None
    host = f"[{settings.host}]" if ":" in settings.host else settings.host
    return f"ssh://{host}:{settings.ssh_port}"


@dataclass
class Codeyard:
    """A built server: the ASGI app and the parts tests and commands reach for."""

    settings: Settings
    app: Router
    handler: ApiHandler
    store: SqlStore
    root: RootCredentials
    root_principal: Principal
    services: dict[str, ServiceApi]
    ssh: GitSshServer | None = None  # the git SSH server, when ssh_port is set (started by the caller)
    scheduler: Scheduler | None = None
    registration_token: str = ""

    @contextlib.asynccontextmanager
    async def background(self, ssh_socket: socket.socket | None) -> AsyncIterator[None]:
        """What runs beside the HTTP server: the git SSH server (when on) and the scheduler tick."""
        async with contextlib.AsyncExitStack() as stack:
            if self.ssh is not None and ssh_socket is not None:
                await stack.enter_async_context(self.ssh.serving(ssh_socket))
            if self.scheduler is not None:
                await stack.enter_async_context(self.scheduler.running())
            yield

    def close(self) -> None:
        self.store.dispose()


def build(settings: Settings, *, clock: Clock | None = None, ids: IdGenerator | None = None) -> Codeyard:
    wall_clock = clock or SystemClock()
    # in test mode tests move the server's clock (POST /_codeyard/v1/clock); signatures keep the wall's
    moved = OffsetClock(wall_clock) if settings.test_mode else None
    clock = moved or wall_clock
    ids = ids or IdGenerator()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    engine = make_engine(settings.effective_database_url)
    upgrade(engine)
    store = SqlStore(engine)
    box = SecretBox(load_master_key(settings.data_dir / MASTER_KEY_FILE, settings.master_key or None))
    account_id = settings.account_id
    events = EventFactory(clock, ids)

    epoch = IamEpoch(store, clock)
    credentials = IamCredentials(store, box, clock, account_id, epoch, ids)
    root = root_credentials(settings, ids)
    credentials.ensure_root_key(root.access_key_id, root.secret_access_key)

    iam = IamApi(store, box, clock, ids, account_id, epoch)
    ssm = SsmApi(store, box, clock, ids, events)
    secrets = SecretsManagerApi(store, box, clock, ids)
    git = GitStorage(settings.data_dir / "git")
    remove_stale_clones(git.root)  # left by a server that died mid-clone
    wakeup = Wakeup()
    notifications = WorkNotifications(engine)

    def queued() -> None:
        """A build was queued: wake this server's long polls, and the other servers'."""
        wakeup.notify()
        notifications.notify()

    codecommit = CodeCommitApi(
        store,
        clock,
        ids,
        events,
        git,
        clone_url_base=settings.clone_url_base,
        ssh_url_base=ssh_url_base(settings),
    )
    services: dict[str, ServiceApi] = {
        "iam": iam,
        "sts": StsApi(store, box, clock, ids, account_id),
        "ssm": ssm,
        "secretsmanager": secrets,
        "codecommit": codecommit,
        "codebuild": CodeBuildApi(
            store,
            clock,
            ids,
            clone_url_base=settings.clone_url_base,
            wake=queued,
            minute_seconds=settings.build_minute_seconds,
            box=box,
            forget_cache=lambda location, project: forget_cache(artifacts.root, location, project),
            # a lambda: `artifacts` is made below
            read_batchspec=lambda *read: BatchspecReader(store, git, artifacts)(*read),  # noqa: PLW0108
        ),
    }
    logs = LogsApi(store, clock, account_id)  # builds append their logs through logs.append()
    services["logs"] = logs
    catalog = ServiceCatalog(SPOKEN_SERVICES)
    catalog.load_all()
    principal = root_principal(account_id, root.access_key_id)
    authenticator = Authenticator(
        credentials, clock, principal, test_mode=settings.test_mode, signing_clock=wall_clock
    )
    authorizer = IamAuthorizer(store, clock, epoch)
    handler = ApiHandler(
        catalog,
        services,
        authenticator,
        authorizer,
        ids,
        account_id,
        strict_output=settings.test_mode,
    )

    artifacts = ArtifactStore(settings.data_dir / "artifacts")

    def reset() -> None:
        if moved is not None:
            moved.set_offset(timedelta(0))
        store.wipe()
        git.wipe()
        artifacts.wipe()
        epoch.forget()
        credentials.ensure_root_key(root.access_key_id, root.secret_access_key)

    def outbox(source: str | None) -> list[dict[str, Any]]:
        """Every event in the outbox, oldest first, in the EventBridge envelope (test mode)."""
        with store.reader() as uow:
            rows = uow.outbox.find(order_by="id", source=source) if source else uow.outbox.find(order_by="id")
        return [envelope(row) for row in rows]

    token = settings.registration_token or registration_token(settings.data_dir, ids)
    registry = RunnerRegistry(store, clock, ids, token, settings.runner_forget_seconds)
    housekeeping = Housekeeping(ReportExpiry(store, clock), registry, artifacts, TokenExpiry(store, clock))
    admin = AdminApi(
        reset if settings.test_mode else None,
        lambda: True,
        outbox if settings.test_mode else None,
        clock=moved,
        sweep=housekeeping.sweep if settings.test_mode else None,
    )
    # Embedded SQLite answers in well under a millisecond: calls run on the event loop.
    inline = engine.dialect.name == "sqlite"
    access = GitAccess(
        iam, codecommit, authorizer, ids, account_id=account_id, region=settings.default_region, inline=inline
    )
    progress = BuildProgress(
        BuildEvents(clock, ids),
        BatchScheduler(BuildEvents(clock, ids), ids, settings.build_minute_seconds, wake=queued),
    )
    queue = WorkQueue(store, clock, progress, settings.lease_seconds, log_sink=logs.append, wake=queued)
    build_secrets = BuildSecrets(ssm.get_parameter, secrets.get_secret_value, principal)
    work = WorkApi(
        queue,
        registry,
        wakeup,
        SourceArchives(store, git, (settings.clone_url_base, ssh_url_base(settings) or "")),
        build_secrets,
        artifacts,
        ReportIntake(store, clock, ids),
        ReportExport(store, queue, registry, artifacts),
        cache_max_upload=settings.cache_upload_max_bytes or None,
        recheck=max(1, settings.poll_recheck_seconds),
    )
    mounts: list[tuple[str, AsgiApp]] = [
        ("/_codeyard/v1/work/", work),
        ("/_codeyard/", admin),
        ("/v1/repos/", SmartHttp(access, git, git.root)),
    ]
    if settings.test_mode:
        mounts.append(("/moto-api/", admin))
    router = Router(ApiEndpoint(handler, inline=inline), mounts)
    ssh = (
        GitSshServer(access, GitSession(access, git, git.root), settings.data_dir)
        if settings.ssh_port
        else None
    )
    if settings.demo:
        ctx = RequestContext(principal, settings.default_region, account_id, ids.request_id())
        demo.seed(ctx, iam, ssm, secrets, codecommit)
    scheduler = Scheduler(
        queue, wakeup, max(0.2, min(1.0, settings.lease_seconds / 3)), notifications, housekeeping
    )
    return Codeyard(
        settings, router, handler, store, root, principal, services, ssh, scheduler, registration_token=token
    )
