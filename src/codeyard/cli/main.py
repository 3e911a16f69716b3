"""`codeyard up | server | config | db upgrade | lint | build | version`."""

from __future__ import annotations

import argparse
import atexit
import gc
import os
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from codeyard import __version__
from codeyard.cli import build_arguments, lint, runner

if TYPE_CHECKING:
    import socket

    from codeyard.config import Settings

# Exit codes: 0 stopped cleanly, 1 could not run (port taken, database unreachable), 2 bad settings.
EXIT_FAILED = 1
EXIT_SETTINGS = 2
_COMMANDS = ("up", "server", "config", "db", "lint", "build", "runner")
_FLAGS = (
    "host",
    "port",
    "data_dir",
    "database_url",
    "account_id",
    "root_access_key_id",
    "root_secret_access_key",
    "test_mode",
    "log_level",
    "public_url",
    "ssh_port",
    "lease_seconds",
)


class _Failure(Exception):
    """A start-up failure with a one-line explanation."""


def _server_flags(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", help="address to listen on (CODEYARD_HOST; default 127.0.0.1)")
    parser.add_argument("--port", help="port to listen on (CODEYARD_PORT; default 4567)")
    parser.add_argument("--data-dir", type=Path, help="state directory (default ~/.local/share/codeyard)")
    parser.add_argument("--database-url", help="SQLAlchemy URL, e.g. postgresql+psycopg://user@host/db")
    parser.add_argument("--account-id", help="the AWS account id (default 000000000000)")
    parser.add_argument("--root-access-key-id", help="use this root access key id")
    parser.add_argument("--root-secret-access-key", help="use this root secret access key")
    parser.add_argument("--test-mode", action="store_true", default=None, help="moto-style test mode")
    parser.add_argument("--log-level", help="debug, info, warning or error")
    parser.add_argument(
        "--public-url", help="base of git clone URLs when behind a proxy (default: the endpoint)"
    )
    parser.add_argument("--ssh-port", help="serve git over SSH on this port (CODEYARD_SSH_PORT; default off)")
    parser.add_argument(
        "--lease-seconds", help="seconds a runner keeps a build without a heartbeat (default 30)"
    )
    parser.add_argument(
        "--config", type=Path, help="settings file (CODEYARD_CONFIG; default ./codeyard.toml)"
    )


def _settings(args: argparse.Namespace) -> tuple[Settings, dict[str, str]]:
    from codeyard.config import resolve_settings

    flags: dict[str, Any] = {name: getattr(args, name, None) for name in _FLAGS}
    return resolve_settings(flags, config_file=getattr(args, "config", None))


# logging, socket and signal are imported where used: the server's commands need them, and a local build
# loads them with asyncio, after main() has turned the collector off.


def _logging(settings: Settings) -> None:
    import logging

    level = getattr(logging, settings.log_level.upper())
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    # Alembic tells every start which migration context it uses, asyncssh every SSH connection: noise
    # unless debugging.
    for noisy in ("alembic", "asyncssh"):
        logging.getLogger(noisy).setLevel(level if level <= logging.DEBUG else max(level, logging.WARNING))


def _data_dir(settings: Settings) -> None:
    """Made private to the user when Codeyard makes it: it holds the keys and the database."""
    try:
        settings.data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as error:
        raise _Failure(f"cannot make the data directory {settings.data_dir}: {error.strerror}") from None


def _listen(settings: Settings, port: int | None = None) -> socket.socket:
    """A listening socket (the HTTP port unless `port` is given), bound before anything else
    starts, so a taken port fails at once."""
    import socket

    port = settings.port if port is None else port
    family = socket.AF_INET6 if ":" in settings.host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((settings.host, port))
    except OSError as error:
        sock.close()
        raise _Failure(f"cannot listen on {settings.host}:{port}: {error.strerror or error}") from None
    return sock


@contextmanager
def _quiet_signals() -> Iterator[None]:
    """The HTTP server handles SIGINT/SIGTERM while it runs; these no-op ones cover the moments
    around it (Codeyard closing down), so that Ctrl-C and `kill` are a clean stop, not a traceback."""
    import signal

    previous = {sig: signal.signal(sig, lambda *_: None) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _open_failure(settings: Settings, error: Exception) -> _Failure:
    from codeyard.config import mask_url

    first_line = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    return _Failure(f"cannot open the database {mask_url(settings.effective_database_url)}: {first_line}")


def _serve(settings: Settings, *, embedded: bool = False) -> int:
    from sqlalchemy.exc import SQLAlchemyError

    from codeyard.app import build
    from codeyard.bootstrap import banner
    from codeyard.cli.runner import embedded_runner, stop_child
    from codeyard.http import serve

    _logging(settings)
    _data_dir(settings)
    sock = _listen(settings)
    ssh_sock: socket.socket | None = None
    try:
        ssh_sock = _listen(settings, settings.ssh_port) if settings.ssh_port else None
        try:
            codeyard = build(settings)
        except SQLAlchemyError as error:
            raise _open_failure(settings, error) from None
        # Everything built so far (the botocore models above all) lives as long as the server:
        # moved out of the collector's sight, it is not traversed again by every full collection.
        gc.collect()
        gc.freeze()
        try:
            print(banner(settings, codeyard.root), flush=True)
            child = (
                embedded_runner(settings, codeyard.registration_token)
                if embedded and settings.runner
                else None
            )
            try:
                with _quiet_signals():
                    serve(codeyard.app, [sock], graceful_timeout=5, alongside=codeyard.background(ssh_sock))
            finally:
                if child is not None:
                    stop_child(child)
        finally:
            codeyard.close()
    finally:
        sock.close()
        if ssh_sock is not None:
            ssh_sock.close()
    print("Codeyard stopped.", flush=True)
    return 0


def _db_upgrade(settings: Settings) -> int:
    from sqlalchemy.exc import SQLAlchemyError

    from codeyard.config import mask_url
    from codeyard.store.sql.engine import make_engine
    from codeyard.store.sql.schema import current_revision, upgrade

    _logging(settings)
    _data_dir(settings)
    engine = make_engine(settings.effective_database_url)
    try:
        upgrade(engine)
        print(f"database {mask_url(settings.effective_database_url)} at revision {current_revision(engine)}")
    except SQLAlchemyError as error:
        raise _open_failure(settings, error) from None
    finally:
        engine.dispose()
    return 0


def _print_config(settings: Settings, sources: dict[str, str]) -> int:
    shown = settings.describe()
    width = max(len(name) for name in shown)
    for name, value in shown.items():
        source = sources.get(name, "derived")
        print(f"{name.ljust(width)} = {value}  ({source})")
    return 0


class _TrialError(Exception):
    """A command line the parser of one command alone could not parse (see _parse_args)."""


class _TrialParser(argparse.ArgumentParser):
    """A parser that raises _TrialError where an ArgumentParser prints an error and exits."""

    def error(self, message: str) -> NoReturn:
        raise _TrialError(message)


def _parser(
    only: str | None = None, parser_class: type[argparse.ArgumentParser] = argparse.ArgumentParser
) -> argparse.ArgumentParser:
    """The command line's parser; with `only`, the parser of that one command (see _parse_args)."""
    parser = parser_class(prog="codeyard", description="Self-hosted AWS developer tools.")
    parser.add_argument("--version", action="version", version=f"codeyard {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)
    if only in (None, "up"):
        up = commands.add_parser("up", help="run the embedded server (API, git, console) in the foreground")
        _server_flags(up)
    if only in (None, "server"):
        server = commands.add_parser(
            "server", help="run an API server node (same as up, without embedded workers)"
        )
        _server_flags(server)
    if only in (None, "config"):
        config = commands.add_parser("config", help="print the effective settings (secrets masked)")
        _server_flags(config)
    if only in (None, "db"):
        db = commands.add_parser("db", help="database maintenance")
        db_commands = db.add_subparsers(dest="db_command", required=True)
        db_upgrade = db_commands.add_parser("upgrade", help="apply the schema migrations")
        _server_flags(db_upgrade)
    if only in (None, "lint"):
        lint.add_parser(commands)
    if only in (None, "build"):
        build_arguments.add_parser(commands)
    if only in (None, "runner"):
        runner.add_parser(commands)
    return parser


def _parse_args(argv: Sequence[str]) -> argparse.Namespace:
    """The parsed command line. The parser of the named command alone tries first: every command's
    parser costs `codeyard build` a few ms to make (argparse looks its messages up in gettext for each,
    on disk). When it finds an error, the full parser parses again and reports the error as ever (its
    usage line names every command); `--help` of a command prints the same with either."""
    command = next((word for word in argv if not word.startswith("-")), None)
    if command in _COMMANDS:
        try:
            return _parser(command, _TrialParser).parse_args(argv)
        except _TrialError:
            pass
    return _parser().parse_args(argv)


def _parse(argv: Sequence[str] | None) -> argparse.Namespace:
    """The command line, parsed with the collector off; for `codeyard build`, the engine's modules loaded
    too, and everything loaded so far frozen, out of the collector's sight.

    Start-up makes many objects and frees almost none: a collection then is pure cost (`codeyard/__main__.py`
    turns the collector off before anything is imported). Frozen, what the modules made is not traversed
    again, neither by the build's own collections nor by the one at exit."""
    gc.disable()
    try:
        args = _parse_args(sys.argv[1:] if argv is None else argv)
        if args.command == "build":
            _asyncio_without_tls()
            from codeyard.cli import build  # noqa: F401 - the engine, only for this command

            gc.freeze()
        return args
    finally:
        gc.enable()


def _asyncio_without_tls() -> None:
    """Loads asyncio without its TLS support, for `codeyard build`: the ssl module costs about 5 ms to load,
    and a local build's event loop only runs processes and pipes. ssl itself stays importable: httpx, for
    secrets from a server, does its TLS through its own memory-BIO streams, not through asyncio's."""
    if "asyncio" in sys.modules or "ssl" in sys.modules:
        return
    sys.modules["ssl"] = None  # type: ignore[assignment]  # documented: the import then fails, asyncio copes
    try:
        import asyncio  # noqa: F401
    finally:
        del sys.modules["ssl"]


# The exit status of this process's `codeyard build`, once it has ended (see _exit_at_once).
_ended_build: list[int] = []


def _exit_at_once() -> None:
    """The last exit handler of a process that ran `codeyard build`: flushes the standard streams and
    ends the process with the build's status, skipping the interpreter's teardown (every module and
    object freed one by one, ≈ 5% of a small build's CPU) after every other exit handler has run.
    Without an ended build, or if a flush fails, the interpreter ends as usual."""
    if not _ended_build:
        return
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):
        return
    os._exit(_ended_build[0])


def main(argv: Sequence[str] | None = None) -> int:
    if argv is None:  # this process's own command line: how it ends is ours to say
        atexit.register(_exit_at_once)  # registered first, so it runs last
    args = _parse(argv)
    if args.command == "lint":
        return lint.run(args.files)
    if args.command == "runner":
        return runner.run(args)
    if args.command == "build":
        from codeyard.cli import build

        status = build.run(args)
        if argv is None:
            _ended_build.append(status)
        return status
    # Settings (and their TOML reader) only for the server's commands.
    from codeyard.config import SettingsError

    try:
        settings, sources = _settings(args)
        if args.command in ("up", "server"):
            return _serve(settings, embedded=args.command == "up")
        if args.command == "config":
            return _print_config(settings, sources)
        return _db_upgrade(settings)
    except SettingsError as error:
        print(f"codeyard: {error}", file=sys.stderr)
        return EXIT_SETTINGS
    except _Failure as error:
        print(f"codeyard: {error}", file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        print("Codeyard stopped.", flush=True)
        return 0
