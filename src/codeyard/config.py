"""Settings: command-line flags over `CODEYARD_*` environment variables over `codeyard.toml`."""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

DEFAULT_PORT = 4567
CONFIG_FILE = "codeyard.toml"
LOG_LEVELS = ("debug", "info", "warning", "error", "critical")
_TRUE = ("1", "true", "yes", "on")
_FALSE = ("0", "false", "no", "off", "")
_URL_PASSWORD = re.compile(r"(://[^/:@]*:)[^@/]*@")
# The floor of runner_forget_seconds: a polling runner's last-seen time is written at most every
# RUNNER_SEEN_WRITE_SECONDS (fleet_pool.SEEN_SECONDS) and one poll waits up to RUNNER_POLL_SECONDS
# (work_api.MAX_WAIT), so a runner still polling is never quiet for three polls and one write.
RUNNER_POLL_SECONDS = 20
RUNNER_SEEN_WRITE_SECONDS = 5
MIN_RUNNER_FORGET_SECONDS = 3 * RUNNER_POLL_SECONDS + RUNNER_SEEN_WRITE_SECONDS


class SettingsError(ValueError):
    """A setting Codeyard cannot use; the message names the setting and where it came from."""


def default_data_dir(environ: Mapping[str, str] | None = None) -> Path:
    environ = os.environ if environ is None else environ
    base = environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "codeyard"


@dataclass(frozen=True)
class Settings:
    host: str = "127.0.0.1"
    port: int = DEFAULT_PORT
    data_dir: Path = field(default_factory=default_data_dir)
    database_url: str = ""
    account_id: str = "000000000000"
    default_region: str = "us-east-1"
    test_mode: bool = False
    demo: bool = False
    root_access_key_id: str = ""
    root_secret_access_key: str = field(default="", repr=False)
    master_key: str = field(default="", repr=False)
    log_level: str = "info"
    # The base of CodeCommit HTTPS clone URLs when the server sits behind a proxy ("" = endpoint).
    public_url: str = ""
    # The git SSH server's port; 0 leaves it off.
    ssh_port: int = 0
    # Seconds a runner's lease on a build lasts without a heartbeat.
    lease_seconds: int = 30
    # Seconds after its last poll a runner that holds no build is forgotten (it registers again if it returns).
    runner_forget_seconds: int = 24 * 3600
    # Whether `codeyard up` starts a runner alongside the server.
    runner: bool = True
    # The fleet (name or ARN) that runner serves ("" = on-demand builds); until the fleet exists the
    # runner registers again every 5 s (--wait-for-fleet).
    runner_fleet: str = ""
    # The token runners register with ("" = the one kept in the data directory, made on first start).
    registration_token: str = field(default="", repr=False)
    # Seconds one minute of a build's timeoutInMinutes lasts (tests shorten it; AWS's minimum is 5).
    build_minute_seconds: int = 60
    # Bytes an S3-type cache archive a runner uploads may hold (S3's single PUT limit); 0: no cap.
    cache_upload_max_bytes: int = 5 * 1024**3
    # Seconds between a waiting runner poll's looks at the queue (queued builds wake the polls at once).
    poll_recheck_seconds: int = 1

    @property
    def clone_url_base(self) -> str:
        return (self.public_url or self.endpoint).rstrip("/")

    @property
    def effective_database_url(self) -> str:
        return self.database_url or f"sqlite:///{self.data_dir / 'codeyard.db'}"

    @property
    def endpoint(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    def describe(self) -> dict[str, str]:
        """Every setting as text, secrets masked: what `codeyard config` prints."""
        shown: dict[str, str] = {}
        for item in fields(self):
            value = getattr(self, item.name)
            if not item.repr and value:
                value = "********"
            shown[item.name] = str(value)
        shown["database_url"] = mask_url(self.database_url)
        shown["effective_database_url"] = mask_url(self.effective_database_url)
        return shown


def mask_url(url: str) -> str:
    """The URL with its password, if any, replaced by asterisks."""
    return _URL_PASSWORD.sub(r"\1********@", url)


_NAMES = tuple(f.name for f in fields(Settings))
_TYPES = {f.name: str(f.type) for f in fields(Settings)}


def _coerce(name: str, raw: Any, source: str) -> Any:
    """The typed value of one setting, or a SettingsError naming it and its source."""
    kind = _TYPES[name]
    if kind == "int":
        text = str(raw).strip() if not isinstance(raw, bool) else ""
        if not text.isdigit():
            raise SettingsError(f"{name} must be a number, not {raw!r} (from {source})")
        number = int(text)
        if name == "port" and not 1 <= number <= 65535:
            raise SettingsError(f"port must be between 1 and 65535, not {number} (from {source})")
        if name == "runner_forget_seconds" and number < MIN_RUNNER_FORGET_SECONDS:
            raise SettingsError(
                f"runner_forget_seconds must be at least {MIN_RUNNER_FORGET_SECONDS} (a polling runner "
                f"could be forgotten), not {number} (from {source})"
            )
        return number
    if kind == "bool":
        if isinstance(raw, bool):
            return raw
        lowered = str(raw).strip().lower()
        if lowered not in _TRUE + _FALSE:
            raise SettingsError(f"{name} must be true or false, not {raw!r} (from {source})")
        return lowered in _TRUE
    if not isinstance(raw, str | Path):
        raise SettingsError(f"{name} must be text, not {raw!r} (from {source}; quote it in TOML)")
    if kind == "Path":
        return Path(str(raw)).expanduser().absolute()
    text = str(raw)
    if name == "account_id" and not re.fullmatch(r"[0-9]{12}", text):
        raise SettingsError(f"account_id must be 12 digits, not {text!r} (from {source})")
    if name == "log_level" and text.lower() not in LOG_LEVELS:
        raise SettingsError(f"log_level must be one of {', '.join(LOG_LEVELS)}, not {text!r} (from {source})")
    if name == "log_level":
        return text.lower()
    if name == "host" and not text.strip():
        raise SettingsError(f"host must not be empty (from {source})")
    return text


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            document = tomllib.load(handle)
    except tomllib.TOMLDecodeError as error:
        raise SettingsError(f"{path}: not valid TOML: {error}") from None
    except OSError as error:
        raise SettingsError(f"{path}: cannot read it: {error.strerror}") from None
    section = document.get("codeyard", document)
    if not isinstance(section, dict):
        raise SettingsError(f"{path}: [codeyard] must be a table")
    values: dict[str, Any] = {}
    for key, value in section.items():
        name = key.replace("-", "_")
        if name not in _NAMES:
            raise SettingsError(f"{path}: unknown setting {key!r} (known: {', '.join(_NAMES)})")
        values[name] = value
    return values


def resolve_settings(
    flags: Mapping[str, Any] | None = None,
    environ: Mapping[str, str] | None = None,
    config_file: Path | None = None,
) -> tuple[Settings, dict[str, str]]:
    """The merged settings and, for each, where its value came from.

    A flag given as None counts as not given; an empty environment variable too. The settings
    file is `config_file`, else `$CODEYARD_CONFIG`, else `./codeyard.toml` when it exists.
    """
    environ = os.environ if environ is None else environ
    raw: dict[str, tuple[Any, str]] = {}
    explicit = config_file or (Path(environ["CODEYARD_CONFIG"]) if environ.get("CODEYARD_CONFIG") else None)
    toml_path = explicit or Path(CONFIG_FILE)
    if explicit is not None or toml_path.is_file():
        if not toml_path.is_file():
            raise SettingsError(f"{toml_path}: no such settings file")
        raw.update({name: (value, str(toml_path)) for name, value in _read_toml(toml_path).items()})
    for name in _NAMES:
        variable = f"CODEYARD_{name.upper()}"
        if environ.get(variable):
            raw[name] = (environ[variable], f"environment {variable}")
    for name, value in (flags or {}).items():
        if value is not None and name in _NAMES:
            raw[name] = (value, f"flag --{name.replace('_', '-')}")
    values = {name: _coerce(name, value, source) for name, (value, source) in raw.items()}
    values.setdefault("data_dir", default_data_dir(environ))
    settings = replace(Settings(), **values)
    if bool(settings.root_access_key_id) != bool(settings.root_secret_access_key):
        raise SettingsError("give both root_access_key_id and root_secret_access_key, or neither")
    sources = {name: raw[name][1] if name in raw else "default" for name in _NAMES}
    return settings, sources


def load_settings(
    flags: Mapping[str, Any] | None = None,
    environ: Mapping[str, str] | None = None,
    config_file: Path | None = None,
) -> Settings:
    """Merge the three sources over the defaults (see resolve_settings)."""
    return resolve_settings(flags, environ, config_file)[0]
