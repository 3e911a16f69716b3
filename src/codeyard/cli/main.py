"""`codeyard up | server | config | db upgrade | version`."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from codeyard import __version__
from codeyard.config import Settings, load_settings


def _server_flags(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", help="address to listen on (CODEYARD_HOST; default 127.0.0.1)")
    parser.add_argument("--port", type=int, help="port to listen on (CODEYARD_PORT; default 4567)")
    parser.add_argument("--data-dir", type=Path, help="state directory (default ~/.local/share/codeyard)")
    parser.add_argument("--database-url", help="SQLAlchemy URL, e.g. postgresql+psycopg://user@host/db")
    parser.add_argument("--account-id", help="the AWS account id (default 000000000000)")
    parser.add_argument("--root-access-key-id", help="use this root access key id")
    parser.add_argument("--root-secret-access-key", help="use this root secret access key")
    parser.add_argument("--test-mode", action="store_true", default=None, help="moto-style test mode")
    parser.add_argument("--log-level", help="debug, info, warning or error")
    parser.add_argument("--config", type=Path, help="settings file (default ./codeyard.toml)")


def _settings(args: argparse.Namespace) -> Settings:
    flags: dict[str, Any] = {
        name: getattr(args, name, None)
        for name in (
            "host",
            "port",
            "data_dir",
            "database_url",
            "account_id",
            "root_access_key_id",
            "root_secret_access_key",
            "test_mode",
            "log_level",
        )
    }
    return load_settings(flags, config_file=getattr(args, "config", None))


def _serve(settings: Settings) -> int:
    import uvicorn

    from codeyard.app import build
    from codeyard.bootstrap import banner

    logging.basicConfig(
        level=settings.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    codeyard = build(settings)
    print(banner(settings, codeyard.root), flush=True)
    config = uvicorn.Config(
        codeyard.app,
        host=settings.host,
        port=settings.port,
        lifespan="off",
        log_level="warning",
        access_log=False,
        timeout_graceful_shutdown=5,
    )
    try:
        uvicorn.Server(config).run()
    finally:
        codeyard.close()
    print("Codeyard stopped.", flush=True)
    return 0


def _db_upgrade(settings: Settings) -> int:
    from codeyard.store.sql.engine import make_engine
    from codeyard.store.sql.schema import current_revision, upgrade

    engine = make_engine(settings.effective_database_url)
    upgrade(engine)
    print(f"database at revision {current_revision(engine)}")
    engine.dispose()
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="codeyard", description="Self-hosted AWS developer tools.")
    parser.add_argument("--version", action="version", version=f"codeyard {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)
    up = commands.add_parser("up", help="run the embedded server (API, git, console) in the foreground")
    _server_flags(up)
    server = commands.add_parser(
        "server", help="run an API server node (same as up, without embedded workers)"
    )
    _server_flags(server)
    config = commands.add_parser("config", help="print the effective settings")
    _server_flags(config)
    db = commands.add_parser("db", help="database maintenance")
    db_commands = db.add_subparsers(dest="db_command", required=True)
    db_upgrade = db_commands.add_parser("upgrade", help="apply the schema migrations")
    _server_flags(db_upgrade)

    args = parser.parse_args(argv)
    try:
        settings = _settings(args)
    except ValueError as error:
        print(f"codeyard: {error}", file=sys.stderr)
        return 2
    if args.command in ("up", "server"):
        return _serve(settings)
    if args.command == "config":
        for name, value in settings.describe().items():
            print(f"{name} = {value}")
        return 0
    return _db_upgrade(settings)
