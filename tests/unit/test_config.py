"""Settings: precedence flags > environment > codeyard.toml > defaults, checks, masking."""

from __future__ import annotations

from pathlib import Path

import pytest

from codeyard.config import (
    MIN_RUNNER_FORGET_SECONDS,
    RUNNER_POLL_SECONDS,
    RUNNER_SEEN_WRITE_SECONDS,
    Settings,
    SettingsError,
    load_settings,
    mask_url,
    resolve_settings,
)
from codeyard.execution.work_api import MAX_WAIT
from codeyard.services.codebuild.fleet_pool import SEEN_SECONDS

NO_ENV: dict[str, str] = {}


def write(path: Path, text: str) -> Path:
    path.write_text(text)
    return path


def test_defaults(tmp_path: Path) -> None:
    settings, sources = resolve_settings({}, {"XDG_DATA_HOME": str(tmp_path)}, None)
    assert settings.host == "127.0.0.1"
    assert settings.port == 4567
    assert settings.account_id == "000000000000"
    assert settings.test_mode is False
    assert settings.data_dir == tmp_path / "codeyard"
    assert set(sources.values()) == {"default"}


def test_precedence_flags_over_environment_over_file_over_defaults(tmp_path: Path) -> None:
    toml = write(tmp_path / "codeyard.toml", 'port = 1111\nhost = "0.0.0.0"\naccount_id = "111111111111"\n')
    environ = {"CODEYARD_PORT": "2222", "CODEYARD_HOST": "127.0.0.2"}
    settings, sources = resolve_settings({"port": "3333", "host": None}, environ, toml)
    assert settings.port == 3333
    assert sources["port"] == "flag --port"
    assert settings.host == "127.0.0.2"
    assert sources["host"] == "environment CODEYARD_HOST"
    assert settings.account_id == "111111111111"
    assert sources["account_id"] == str(toml)
    assert settings.log_level == "info"
    assert sources["log_level"] == "default"


def test_environment_over_file(tmp_path: Path) -> None:
    toml = write(tmp_path / "c.toml", "port = 1111\n")
    assert load_settings({}, {"CODEYARD_PORT": "2222"}, toml).port == 2222
    assert load_settings({}, {}, toml).port == 1111


def test_empty_environment_variable_counts_as_unset(tmp_path: Path) -> None:
    toml = write(tmp_path / "c.toml", "port = 1111\n")
    assert load_settings({}, {"CODEYARD_PORT": ""}, toml).port == 1111


def test_codeyard_table_and_dashed_names(tmp_path: Path) -> None:
    toml = write(tmp_path / "c.toml", '[codeyard]\ntest-mode = true\ndatabase-url = "sqlite:///x.db"\n')
    settings = load_settings({}, NO_ENV, toml)
    assert settings.test_mode is True
    assert settings.database_url == "sqlite:///x.db"


def test_config_file_from_the_environment(tmp_path: Path) -> None:
    toml = write(tmp_path / "elsewhere.toml", "port = 4600\n")
    assert load_settings({}, {"CODEYARD_CONFIG": str(toml)}).port == 4600


def test_codeyard_toml_in_the_working_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path / "codeyard.toml", "port = 4601\n")
    monkeypatch.chdir(tmp_path)
    settings, sources = resolve_settings({}, NO_ENV)
    assert settings.port == 4601
    assert sources["port"] == "codeyard.toml"


def test_no_codeyard_toml_is_fine(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert load_settings({}, NO_ENV).port == 4567


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1", True),
        ("true", True),
        ("YES", True),
        ("on", True),
        ("0", False),
        ("false", False),
        ("off", False),
    ],
)
def test_booleans_from_the_environment(raw: str, expected: bool) -> None:
    assert load_settings({}, {"CODEYARD_TEST_MODE": raw}).test_mode is expected


def test_paths_are_expanded_and_absolute(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert load_settings({"data_dir": "relative"}, NO_ENV).data_dir == tmp_path / "relative"
    assert load_settings({"data_dir": "~/x"}, NO_ENV).data_dir == Path.home() / "x"


@pytest.mark.parametrize(
    ("flags", "environ", "toml", "message"),
    [
        ({"port": "abc"}, {}, None, "port must be a number, not 'abc' (from flag --port)"),
        ({}, {"CODEYARD_PORT": "12ab"}, None, "(from environment CODEYARD_PORT)"),
        ({}, {"CODEYARD_PORT": "70000"}, None, "port must be between 1 and 65535"),
        (
            {},
            {"CODEYARD_RUNNER_FORGET_SECONDS": "64"},
            None,
            "runner_forget_seconds must be at least 65 (a polling runner could be forgotten), not 64 "
            "(from environment CODEYARD_RUNNER_FORGET_SECONDS)",
        ),
        ({}, {}, "runner_forget_seconds = 0\n", "runner_forget_seconds must be at least 65"),
        ({}, {}, 'port = "x"\n', "port must be a number"),
        ({}, {}, "port = true\n", "port must be a number"),
        ({}, {"CODEYARD_TEST_MODE": "maybe"}, None, "test_mode must be true or false"),
        ({}, {}, "account_id = 123456789012\n", "account_id must be text"),
        ({"account_id": "12345"}, {}, None, "account_id must be 12 digits"),
        ({"log_level": "loud"}, {}, None, "log_level must be one of debug, info, warning, error, critical"),
        ({"host": " "}, {}, None, "host must not be empty"),
        ({}, {}, "colour = 'red'\n", "unknown setting 'colour'"),
        ({}, {}, "port = \n", "not valid TOML"),
        ({}, {}, "codeyard = 5\n", "[codeyard] must be a table"),
        ({"root_access_key_id": "AKIA"}, {}, None, "give both root_access_key_id and root_secret_access_key"),
    ],
)
def test_bad_settings_are_one_clear_line(
    tmp_path: Path, flags: dict[str, str], environ: dict[str, str], toml: str | None, message: str
) -> None:
    config = write(tmp_path / "c.toml", toml) if toml is not None else None
    with pytest.raises(SettingsError) as caught:
        load_settings(flags, environ, config)
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)


def test_missing_explicit_settings_file(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match="no such settings file"):
        load_settings({}, NO_ENV, tmp_path / "missing.toml")
    with pytest.raises(SettingsError, match="no such settings file"):
        load_settings({}, {"CODEYARD_CONFIG": str(tmp_path / "missing.toml")})


def test_unknown_flags_and_environment_variables_are_ignored() -> None:
    settings = load_settings({"config": "x", "command": "up"}, {"CODEYARD_SOMETHING_ELSE": "1"})
    assert settings.port == 4567


def test_describe_masks_secrets() -> None:
    settings = Settings(
        root_access_key_id="AKIAEXAMPLE",
        root_secret_access_key="very-secret",
        master_key="also-secret",
        database_url="postgresql+psycopg://codeyard:pa55word@db.internal:5432/codeyard",
    )
    shown = settings.describe()
    text = "\n".join(shown.values())
    assert "very-secret" not in text
    assert "also-secret" not in text
    assert "pa55word" not in text
    assert shown["root_access_key_id"] == "AKIAEXAMPLE"
    assert shown["root_secret_access_key"] == "********"
    assert shown["database_url"] == "postgresql+psycopg://codeyard:********@db.internal:5432/codeyard"
    assert "very-secret" not in repr(settings)


def test_describe_leaves_empty_secrets_empty(tmp_path: Path) -> None:
    shown = Settings(data_dir=tmp_path).describe()
    assert shown["root_secret_access_key"] == ""
    assert shown["effective_database_url"] == f"sqlite:///{tmp_path / 'codeyard.db'}"


@pytest.mark.parametrize(
    ("url", "masked"),
    [
        ("postgresql+psycopg://u:p@h/db", "postgresql+psycopg://u:********@h/db"),
        ("postgresql+psycopg://u@h/db", "postgresql+psycopg://u@h/db"),
        ("postgresql+psycopg://h:5432/db", "postgresql+psycopg://h:5432/db"),
        ("sqlite:////var/lib/codeyard/codeyard.db", "sqlite:////var/lib/codeyard/codeyard.db"),
    ],
)
def test_mask_url(url: str, masked: str) -> None:
    assert mask_url(url) == masked


def test_endpoint_of_an_ipv6_host() -> None:
    assert Settings(host="::1", port=4567).endpoint == "http://[::1]:4567"
    assert Settings(host="127.0.0.1", port=4567).endpoint == "http://127.0.0.1:4567"


def test_runner_forget_floor_follows_the_poll_and_the_last_seen_write() -> None:
    """The floor's constants are those the work API and the claims use, and the floor is allowed."""
    assert RUNNER_POLL_SECONDS == MAX_WAIT
    assert RUNNER_SEEN_WRITE_SECONDS == SEEN_SECONDS
    assert MIN_RUNNER_FORGET_SECONDS == 3 * MAX_WAIT + SEEN_SECONDS
    settings = load_settings({}, {"CODEYARD_RUNNER_FORGET_SECONDS": str(MIN_RUNNER_FORGET_SECONDS)}, None)
    assert settings.runner_forget_seconds == MIN_RUNNER_FORGET_SECONDS
