"""Settings: command-line flags over `CODEYARD_*` environment variables over `codeyard.toml`."""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

DEFAULT_PORT = 4567


def default_data_dir() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
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
    root_access_key_id: str = ""
    root_secret_access_key: str = field(default="", repr=False)
    master_key: str = field(default="", repr=False)
    log_level: str = "info"

    @property
    def effective_database_url(self) -> str:
        return self.database_url or f"sqlite:///{self.data_dir / 'codeyard.db'}"

    @property
    def endpoint(self) -> str:
        return f"http://{self.host}:{self.port}"

    def describe(self) -> dict[str, str]:
        """Every setting as text, secrets masked: what `codeyard config` prints."""
        shown: dict[str, str] = {}
        for item in fields(self):
            value = getattr(self, item.name)
            if not item.repr and value:
                value = "********"
            shown[item.name] = str(value)
        shown["effective_database_url"] = self.effective_database_url
        return shown


_SECRET_FIELDS = {"root_secret_access_key", "master_key"}


def _coerce(name: str, raw: Any) -> Any:
    kind = {f.name: f.type for f in fields(Settings)}[name]
    if kind == "int":
        return int(raw)
    if kind == "bool":
        if isinstance(raw, bool):
            return raw
        return str(raw).strip().lower() in ("1", "true", "yes", "on")
    if kind == "Path":
        return Path(str(raw)).expanduser()
    return str(raw)


def load_settings(
    flags: Mapping[str, Any] | None = None,
    environ: Mapping[str, str] | None = None,
    config_file: Path | None = None,
) -> Settings:
    """Merge the three sources; a flag given as None counts as not given."""
    environ = os.environ if environ is None else environ
    names = [f.name for f in fields(Settings)]
    merged: dict[str, Any] = {}
    toml_path = config_file or Path(environ.get("CODEYARD_CONFIG", "codeyard.toml"))
    if toml_path.is_file():
        with toml_path.open("rb") as handle:
            document = tomllib.load(handle)
        section = document.get("codeyard", document)
        for key, value in section.items():
            name = key.replace("-", "_")
            if name not in names:
                raise ValueError(f"{toml_path}: unknown setting {key!r}")
            merged[name] = value
    for name in names:
        env_value = environ.get(f"CODEYARD_{name.upper()}")
        if env_value is not None and env_value != "":
            merged[name] = env_value
    for name, value in (flags or {}).items():
        if value is not None and name in names:
            merged[name] = value
    settings = Settings()
    return replace(settings, **{name: _coerce(name, value) for name, value in merged.items()})
