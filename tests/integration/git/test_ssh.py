"""Git over SSH with the real ssh and git clients: the user name is the id of an IAM user's uploaded
SSH public key, and only that key, Active, gets in."""

from __future__ import annotations

import stat
import subprocess
from collections.abc import Callable
from pathlib import Path

from tests.integration.git.conftest import SshServer, key_pair, ssh_user
from tests.integration.git.test_http import commit, ref_events
from tests.integration.git.test_http_access import arn, protect
from tests.support.git import git, seed
from tests.support.iam import allow, client
from tests.support.server import Server, free_port

DENIED = "Permission denied (publickey)"


def test_clone_push_fetch_and_delete_over_ssh(ssh_server: SshServer, tmp_path: Path) -> None:
    server = ssh_server.server
    metadata = server.client("codecommit").create_repository(repositoryName="web")["repositoryMetadata"]
    assert metadata["cloneUrlSsh"] == f"ssh://127.0.0.1:{ssh_server.ssh_port}/v1/repos/web"
    user = ssh_user(ssh_server, tmp_path, "alice", allow("codecommit:*"), kind="rsa")
    env = user.env()

    git(tmp_path, "clone", "-q", user.url("web"), "one", **env)
    one = tmp_path / "one"
    first = commit(one, {"README.md": "hello\n"})
    git(one, "push", "-q", "origin", "HEAD:main", **env)
    cloned = git(
        tmp_path, "-c", "protocol.version=2", "clone", user.url("web"), "two", GIT_TRACE_PACKET="1", **env
    )
    assert "< version 2" in cloned.stderr
    two = tmp_path / "two"
    assert (two / "README.md").read_text() == "hello\n"
    git(two, "checkout", "-q", "-b", "topic")
    topic = commit(two, {"topic.txt": "t\n"})
    git(two, "push", "-q", "origin", "topic", **env)
    git(one, "fetch", "-q", "origin", **env)
    assert git(one, "rev-parse", "origin/topic").stdout.strip() == topic
    git(one, "push", "-q", "origin", "--delete", "topic", **env)

    events = ref_events(server)
    assert [(e["event"], e["referenceName"], e.get("commitId"), e.get("oldCommitId")) for e in events] == [
        ("referenceCreated", "main", first, None),
        ("referenceCreated", "topic", topic, None),
        ("referenceDeleted", "topic", None, topic),
    ]
    assert {e["callerUserArn"] for e in events} == {user.identity.arn}
    assert {e["repositoryId"] for e in events} == {metadata["repositoryId"]}


def test_a_wrong_inactive_or_borrowed_key_is_refused(ssh_server: SshServer, tmp_path: Path) -> None:
    server = ssh_server.server
    server.client("codecommit").create_repository(repositoryName="locked")
    alice = ssh_user(ssh_server, tmp_path, "alice", allow("codecommit:*"))
    bob = ssh_user(ssh_server, tmp_path, "bob", allow("codecommit:*"))
    stranger = key_pair(tmp_path, "stranger", "ed25519")

    def ls_remote(url: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
        return git(tmp_path, "ls-remote", url, check=False, **env)

    assert ls_remote(alice.url("locked"), alice.env()).returncode == 0
    assert DENIED in ls_remote(alice.url("locked"), alice.env(stranger)).stderr
    # Bob's key with Alice's key id, and an id that does not exist.
    assert DENIED in ls_remote(alice.url("locked"), bob.env()).stderr
    assert DENIED in ls_remote(alice.url("locked", key_id="APKANOSUCHKEY0000000"), alice.env()).stderr

    iam = client(server, "iam")
    iam.update_ssh_public_key(UserName="alice", SSHPublicKeyId=alice.key_id, Status="Inactive")
    assert DENIED in ls_remote(alice.url("locked"), alice.env()).stderr
    iam.update_ssh_public_key(UserName="alice", SSHPublicKeyId=alice.key_id, Status="Active")
    assert ls_remote(alice.url("locked"), alice.env()).returncode == 0
    iam.delete_ssh_public_key(UserName="alice", SSHPublicKeyId=alice.key_id)
    assert DENIED in ls_remote(alice.url("locked"), alice.env()).stderr


def test_ssh_access_is_authorised_like_http(ssh_server: SshServer, tmp_path: Path) -> None:
    server = ssh_server.server
    server.client("codecommit").create_repository(repositoryName="prod")
    base = seed(server, tmp_path / "seed", "prod", {"a.txt": "a\n"})
    outsider = ssh_user(ssh_server, tmp_path, "outsider", allow("codecommit:GitPull", arn("other")))
    denied = git(tmp_path, "clone", outsider.url("prod"), "nope", check=False, **outsider.env())
    assert denied.returncode != 0
    assert f"User: {outsider.identity.arn} is not authorized to perform: codecommit:GitPull" in denied.stderr

    seed(server, tmp_path / "seed", "prod", {"r.txt": "r\n"}, branch="release")
    dev = ssh_user(
        ssh_server, tmp_path, "dev", allow("codecommit:*"), protect("refs/heads/main", "refs/heads/release")
    )
    env = dev.env()
    git(tmp_path, "clone", "-q", dev.url("prod"), "work", **env)
    work = tmp_path / "work"
    change = commit(work, {"b.txt": "b\n"})
    refused = git(work, "push", "origin", "HEAD:main", check=False, **env)
    assert refused.returncode != 0
    assert "! [remote rejected] HEAD -> main (denied by IAM policy (codecommit:GitPush))" in refused.stderr
    assert "for refs/heads/main with an explicit deny" in refused.stderr
    # A delete sends no pack: the refusal must not wait for one.
    kept = git(work, "push", "origin", "--delete", "release", check=False, **env)
    assert "! [remote rejected] release (denied by IAM policy (codecommit:GitPush))" in kept.stderr
    git(work, "push", "-q", "origin", "HEAD:feature", **env)
    codecommit = server.client("codecommit")
    assert codecommit.get_branch(repositoryName="prod", branchName="main")["branch"]["commitId"] == base
    assert [(e["event"], e["commitId"]) for e in ref_events(server)] == [("referenceCreated", change)]

    missing = git(tmp_path, "ls-remote", dev.url("nothing"), check=False, **env)
    assert "Repository nothing does not exist in us-east-1." in missing.stderr


def test_only_git_commands_on_repository_paths_are_served(ssh_server: SshServer, tmp_path: Path) -> None:
    ssh_server.server.client("codecommit").create_repository(repositoryName="shell")
    user = ssh_user(ssh_server, tmp_path, "dev", allow("codecommit:*"))
    ssh = user.env()["GIT_SSH_COMMAND"].split()
    for command in ("sh -c id", "git-upload-archive '/v1/repos/shell'", "git-upload-pack '/etc'", ""):
        done = subprocess.run(
            [*ssh, f"{user.key_id}@127.0.0.1", command],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert done.returncode != 0, command
        if command:
            assert "Codeyard serves only git-upload-pack and git-receive-pack" in done.stderr


def host_key(port: int) -> str:
    scanned = subprocess.run(
        ["ssh-keyscan", "-t", "ed25519", "-p", str(port), "127.0.0.1"],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return scanned.stdout.split()[-1]


def test_the_server_shows_the_host_key_of_its_data_directory_and_stops_cleanly(
    make_server: Callable[..., Server],
) -> None:
    port = free_port()
    server = make_server(extra_env={"CODEYARD_SSH_PORT": str(port)}).start()
    key_file = server.data_dir / "ssh_host_ed25519_key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    public = subprocess.run(
        ["ssh-keygen", "-y", "-f", str(key_file)], capture_output=True, text=True, check=True
    ).stdout.split()[1]
    assert host_key(port) == public
    assert server.stop() == 0
