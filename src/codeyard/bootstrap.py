"""First start: the data directory, the master key and the root credentials."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from codeyard import demo
from codeyard.config import Settings, SettingsError
from codeyard.ids import IdGenerator

ROOT_CREDENTIALS_FILE = "root-credentials.json"
MASTER_KEY_FILE = "master.key"


@dataclass(frozen=True)
class RootCredentials:
    access_key_id: str
    secret_access_key: str = field(repr=False)
    created: bool
    path: Path
    given: bool = False  # by flags, environment or settings file: nothing is read or written


def _write_private(path: Path, text: str) -> None:
    temporary = path.with_suffix(".tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)


def root_credentials(settings: Settings, ids: IdGenerator) -> RootCredentials:
    """The root key: given explicitly, else the one in the data directory, else a new one."""
    path = settings.data_dir / ROOT_CREDENTIALS_FILE
    if settings.root_access_key_id and settings.root_secret_access_key:
        return RootCredentials(
            settings.root_access_key_id, settings.root_secret_access_key, False, path, given=True
        )
    if path.is_file():
        try:
            stored = json.loads(path.read_text())
            return RootCredentials(str(stored["AccessKeyId"]), str(stored["SecretAccessKey"]), False, path)
        except (ValueError, KeyError, TypeError):
            raise SettingsError(
                f"{path}: not a root credentials file (AccessKeyId, SecretAccessKey); "
                "fix it, or remove it to have new root credentials made"
            ) from None
    key_id, secret = ids.aws_id("AKIA"), ids.secret()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    _write_private(path, json.dumps({"AccessKeyId": key_id, "SecretAccessKey": secret}, indent=2) + "\n")
    return RootCredentials(key_id, secret, True, path)


def banner(settings: Settings, root: RootCredentials) -> str:
    """What `codeyard up` prints: the endpoint and, on first start, how to use the root key."""
    lines = [f"Codeyard is listening on {settings.endpoint}", f"Data directory: {settings.data_dir}"]
    lines.append(f"Git over HTTP: {settings.clone_url_base}/v1/repos/<repository>")
    if settings.ssh_port:
        lines.append(
            f"Git over SSH: ssh://<SSH key id>@{settings.host}:{settings.ssh_port}/v1/repos/<repository>"
        )
    if settings.test_mode:
        lines.append(
            "Test mode: any access key signs as the root user; POST /_codeyard/v1/reset wipes state."
        )
    if root.created:
        lines += [
            "",
            "Root credentials were created (shown once; kept 0600 in " + str(root.path) + "):",
            f"  AWS_ACCESS_KEY_ID={root.access_key_id}",
            f"  AWS_SECRET_ACCESS_KEY={root.secret_access_key}",
            "",
            "Use them with:",
            f"  export AWS_ACCESS_KEY_ID={root.access_key_id}",
            f"  export AWS_SECRET_ACCESS_KEY={root.secret_access_key}",
            f"  export AWS_DEFAULT_REGION={settings.default_region}",
            f"  export AWS_ENDPOINT_URL={settings.endpoint}",
            "or:",
            f"  aws configure set aws_access_key_id {root.access_key_id} --profile codeyard",
            f"  aws configure set aws_secret_access_key {root.secret_access_key} --profile codeyard",
            f"  aws configure set region {settings.default_region} --profile codeyard",
            f"  aws --profile codeyard --endpoint-url {settings.endpoint} sts get-caller-identity",
        ]
    elif root.given:
        lines.append(f"Root access key: {root.access_key_id} (given in the settings)")
    else:
        lines.append(f"Root access key: {root.access_key_id} (secret in {root.path})")
    if settings.demo:
        lines += ["", *demo.commands(settings.endpoint)]
    return "\n".join(lines)
