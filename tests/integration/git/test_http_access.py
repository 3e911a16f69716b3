"""Who may clone and push over HTTP: Git credentials, GitPull/GitPush, and branches protected by a
policy Deny on GitPush with a codecommit:References condition."""

from __future__ import annotations

from pathlib import Path

import httpx

from tests.integration.git.conftest import git_user
from tests.integration.git.test_http import commit, ref_events
from tests.support.git import git, seed
from tests.support.iam import allow, client, deny
from tests.support.server import Server


def arn(name: str) -> str:
    return f"arn:aws:codecommit:us-east-1:000000000000:{name}"


def protect(*refs: str) -> dict[str, object]:
    """The statement AWS documents for protecting branches."""
    return deny(
        "codecommit:GitPush",
        arn("*"),
        Condition={
            "StringEqualsIfExists": {"codecommit:References": list(refs)},
            "Null": {"codecommit:References": "false"},
        },
    )


def test_wrong_or_missing_credentials_get_401_with_a_challenge(server: Server, tmp_path: Path) -> None:
    server.client("codecommit").create_repository(repositoryName="auth")
    user = git_user(server, "dev", allow("codecommit:*"))
    refs = f"{server.endpoint}/v1/repos/auth/info/refs?service=git-upload-pack"
    for auth in (None, (user.service_user, "not-the-password"), ("nobody-at-000000000000", user.password)):
        response = httpx.get(refs, auth=auth)
        assert response.status_code == 401
        assert response.headers["www-authenticate"].startswith('Basic realm="Codeyard CodeCommit"')
    assert httpx.get(refs, headers={"Authorization": "Basic !!!"}).status_code == 401
    assert httpx.get(refs, auth=user.auth).status_code == 200

    failed = git(tmp_path, "clone", user.url("auth", password="wrong"), "work", check=False)
    assert failed.returncode != 0
    assert "Authentication failed" in failed.stderr
    prompted = git(tmp_path, "clone", f"{server.endpoint}/v1/repos/auth", "anon", check=False)
    assert "could not read Username" in prompted.stderr


def test_an_inactive_or_deleted_credential_is_refused(server: Server, tmp_path: Path) -> None:
    server.client("codecommit").create_repository(repositoryName="auth")
    user = git_user(server, "dev", allow("codecommit:*"))
    iam = client(server, "iam")
    iam.update_service_specific_credential(
        UserName="dev", ServiceSpecificCredentialId=user.credential_id, Status="Inactive"
    )
    assert git(tmp_path, "ls-remote", user.url("auth"), check=False).returncode != 0
    iam.update_service_specific_credential(
        UserName="dev", ServiceSpecificCredentialId=user.credential_id, Status="Active"
    )
    assert git(tmp_path, "ls-remote", user.url("auth")).returncode == 0
    iam.delete_service_specific_credential(UserName="dev", ServiceSpecificCredentialId=user.credential_id)
    assert "Authentication failed" in git(tmp_path, "ls-remote", user.url("auth"), check=False).stderr


def test_without_git_pull_a_clone_is_denied_with_a_readable_message(server: Server, tmp_path: Path) -> None:
    server.client("codecommit").create_repository(repositoryName="private")
    user = git_user(server, "outsider", allow("codecommit:GitPull", arn("other")))
    denied = git(tmp_path, "clone", user.url("private"), "work", check=False)
    assert denied.returncode != 0
    assert (
        f"remote: User: {user.identity.arn} is not authorized to perform: codecommit:GitPull on resource: "
        f"{arn('private')} because no identity-based policy allows the codecommit:GitPull action"
    ) in denied.stderr
    response = httpx.get(
        f"{server.endpoint}/v1/repos/private/info/refs?service=git-upload-pack", auth=user.auth
    )
    assert response.status_code == 403
    assert response.headers["content-type"].startswith("text/plain")


def test_a_repository_that_does_not_exist_is_404_only_for_those_who_may_use_it(
    server: Server, tmp_path: Path
) -> None:
    allowed = git_user(server, "dev", allow("codecommit:*"))
    outsider = git_user(server, "outsider", allow("codecommit:GitPull", arn("other")))
    missing = git(tmp_path, "clone", allowed.url("nope"), "work", check=False)
    assert "remote: Repository nope does not exist in us-east-1." in missing.stderr
    assert "not found" in missing.stderr
    url = f"{server.endpoint}/v1/repos/nope/info/refs?service=git-upload-pack"
    assert httpx.get(url, auth=allowed.auth).status_code == 404
    assert httpx.get(url, auth=outsider.auth).status_code == 403


def test_only_smart_http_paths_are_served(server: Server) -> None:
    server.client("codecommit").create_repository(repositoryName="paths")
    user = git_user(server, "dev", allow("codecommit:*"))
    for path in ("HEAD", "objects/info/packs", "info/refs", "info/refs?service=git-upload-archive"):
        assert httpx.get(f"{server.endpoint}/v1/repos/paths/{path}", auth=user.auth).status_code == 404
    assert httpx.get(f"{server.endpoint}/v1/repos/paths/git-upload-pack", auth=user.auth).status_code == 404


def test_a_pull_only_user_can_clone_but_not_push(server: Server, tmp_path: Path) -> None:
    server.client("codecommit").create_repository(repositoryName="ro")
    seed(server, tmp_path / "seed", "ro", {"a.txt": "a\n"})
    reader = git_user(server, "reader", allow("codecommit:GitPull", arn("ro")))
    git(tmp_path, "clone", "-q", reader.url("ro"), "work")
    work = tmp_path / "work"
    commit(work, {"b.txt": "b\n"})
    denied = git(work, "push", "origin", "HEAD:main", check=False)
    assert denied.returncode != 0
    assert f"is not authorized to perform: codecommit:GitPush on resource: {arn('ro')}" in denied.stderr
    assert ref_events(server) == []


def test_a_protected_branch_refuses_pushes_and_other_branches_take_them(
    server: Server, tmp_path: Path
) -> None:
    server.client("codecommit").create_repository(repositoryName="prod")
    base = seed(server, tmp_path / "seed", "prod", {"a.txt": "a\n"})
    user = git_user(server, "dev", allow("codecommit:*"), protect("refs/heads/main", "refs/heads/release"))
    git(tmp_path, "clone", "-q", user.url("prod"), "work")
    work = tmp_path / "work"
    change = commit(work, {"b.txt": "b\n"})

    refused = git(work, "push", "origin", "HEAD:main", check=False)
    assert refused.returncode != 0
    assert "! [remote rejected] HEAD -> main (denied by IAM policy (codecommit:GitPush))" in refused.stderr
    assert (
        f"remote: User: {user.identity.arn} is not authorized to perform: codecommit:GitPush on resource: "
        f"{arn('prod')} for refs/heads/main with an explicit deny"
    ) in refused.stderr
    # A push naming a protected ref is refused whole, with the protected ref named.
    mixed = git(work, "push", "origin", "HEAD:feature", "HEAD:release", check=False)
    assert mixed.returncode != 0
    assert "for refs/heads/release with an explicit deny" in mixed.stderr
    assert "[remote rejected] HEAD -> feature" in mixed.stderr

    git(work, "push", "-q", "origin", "HEAD:feature")
    codecommit = server.client("codecommit")
    assert codecommit.get_branch(repositoryName="prod", branchName="main")["branch"]["commitId"] == base
    assert codecommit.get_branch(repositoryName="prod", branchName="feature")["branch"]["commitId"] == change
    assert [(e["event"], e["referenceName"]) for e in ref_events(server)] == [("referenceCreated", "feature")]
    # Fetching is not pushing: the protected branch is still readable.
    assert git(work, "fetch", "origin").returncode == 0
