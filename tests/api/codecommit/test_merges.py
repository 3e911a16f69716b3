"""Merging branches through boto3 and the aws CLI: fast-forward, squash and three-way merges,
unreferenced merge commits, target branches, the merge commit of two commits, and their events.
Results are read back with the git CLI from the bare repository."""

from __future__ import annotations

import json
from pathlib import Path

from tests.api.codecommit.merge_support import STATE_CHANGE, diverged, make_repo, raises
from tests.support.server import Server

MERGE_FIELDS = (
    "baseCommitId",
    "sourceCommitId",
    "destinationCommitId",
    "mergeOption",
    "conflictDetailsLevel",
    "conflictResolutionStrategy",
)


def test_fast_forward(server: Server, tmp_path: Path) -> None:
    cc = server.client("codecommit")
    repo = make_repo(server, tmp_path)
    main = repo.commit("main", {"a.txt": "one\n"})
    feature = repo.commit("feature", {"b.txt": "two\n"}, start=main)
    options = cc.get_merge_options(
        repositoryName="repo", sourceCommitSpecifier="feature", destinationCommitSpecifier="main"
    )
    assert options["mergeOptions"] == ["FAST_FORWARD_MERGE", "SQUASH_MERGE", "THREE_WAY_MERGE"]
    assert (options["sourceCommitId"], options["destinationCommitId"], options["baseCommitId"]) == (
        feature,
        main,
        main,
    )
    before = repo.git("count-objects", "-v")
    # Without a target branch nothing moves and nothing is made.
    out = cc.merge_branches_by_fast_forward(
        repositoryName="repo", sourceCommitSpecifier="feature", destinationCommitSpecifier="main"
    )
    assert out["commitId"] == feature
    assert out["treeId"] == repo.git("rev-parse", f"{feature}^{{tree}}").strip()
    assert repo.tip("main") == main
    out = cc.merge_branches_by_fast_forward(
        repositoryName="repo",
        sourceCommitSpecifier="feature",
        destinationCommitSpecifier="main",
        targetBranch="main",
    )
    assert out["commitId"] == feature
    assert repo.tip("main") == feature  # moved to the source: no new commit
    assert repo.git("count-objects", "-v") == before
    events = [e["detail"] for e in server.events("aws.codecommit") if e["detail-type"] == STATE_CHANGE]
    assert [e["event"] for e in events] == ["referenceUpdated"]
    assert events[0]["referenceName"] == "main"
    assert (events[0]["oldCommitId"], events[0]["commitId"]) == (main, feature)
    assert {k: events[0][k] for k in MERGE_FIELDS} == {
        "baseCommitId": main,
        "sourceCommitId": feature,
        "destinationCommitId": main,
        "mergeOption": "FAST_FORWARD_MERGE",
        "conflictDetailsLevel": "FILE_LEVEL",
        "conflictResolutionStrategy": "NONE",
    }


def test_fast_forward_needs_the_destination_in_the_source(server: Server, tmp_path: Path) -> None:
    cc = server.client("codecommit")
    repo, _, _, main = diverged(server, tmp_path, {"a.txt": "a\n"}, {"b.txt": "b\n"}, {"c.txt": "c\n"})
    options = cc.get_merge_options(
        repositoryName="repo", sourceCommitSpecifier="feature", destinationCommitSpecifier="main"
    )
    assert options["mergeOptions"] == ["SQUASH_MERGE", "THREE_WAY_MERGE"]
    raises(
        "ManualMergeRequiredException",
        cc.merge_branches_by_fast_forward,
        repositoryName="repo",
        sourceCommitSpecifier="feature",
        destinationCommitSpecifier="main",
        targetBranch="main",
    )
    assert repo.tip("main") == main


def test_squash(server: Server, tmp_path: Path) -> None:
    cc = server.client("codecommit")
    repo, first, _, main = diverged(server, tmp_path, {"a.txt": "a\n"}, {"b.txt": "b\n"}, {"c.txt": "c\n"})
    feature = repo.commit("feature", {"d.txt": "d\n"}, message="second feature commit")
    out = cc.merge_branches_by_squash(
        repositoryName="repo",
        sourceCommitSpecifier="feature",
        destinationCommitSpecifier="main",
        targetBranch="main",
        authorName="Mary Major",
        email="mary@example.com",
    )
    commit = out["commitId"]
    assert repo.tip("main") == commit
    assert repo.parents(commit) == [main]  # one parent: the source's history is not kept
    assert feature not in repo.git("rev-list", "main").split()
    assert repo.git("rev-parse", f"{commit}^{{tree}}").strip() == out["treeId"]
    assert sorted(repo.tree(commit)) == ["a.txt", "b.txt", "c.txt", "d.txt"]
    # The default message gathers the source's commit messages.
    assert repo.git("log", "-1", "--format=%B", commit).strip() == "feature work\n\nsecond feature commit"
    assert repo.git("log", "-1", "--format=%an|%ae|%cn|%ce", commit).strip() == (
        "Mary Major|mary@example.com|Mary Major|mary@example.com"
    )
    detail = server.events("aws.codecommit")[-1]["detail"]
    assert detail["event"] == "referenceUpdated"
    assert (detail["commitId"], detail["mergeOption"], detail["baseCommitId"]) == (
        commit,
        "SQUASH_MERGE",
        first,
    )


def test_three_way(server: Server, tmp_path: Path) -> None:
    cc = server.client("codecommit")
    repo, first, feature, main = diverged(
        server, tmp_path, {"a.txt": "a\n"}, {"b.txt": "b\n"}, {"c.txt": "c\n"}
    )
    out = cc.merge_branches_by_three_way(
        repositoryName="repo",
        sourceCommitSpecifier="feature",
        destinationCommitSpecifier="main",
        targetBranch="main",
        commitMessage="Bring feature in",
    )
    commit = out["commitId"]
    assert repo.tip("main") == commit
    assert repo.parents(commit) == [main, feature]
    assert repo.git("log", "-1", "--format=%B", commit).strip() == "Bring feature in"
    # Without authorName, the caller's name.
    assert repo.git("log", "-1", "--format=%an", commit).strip() == "root"
    assert sorted(repo.tree(commit)) == ["a.txt", "b.txt", "c.txt"]
    assert repo.git("fsck", "--strict").strip() == ""
    detail = server.events("aws.codecommit")[-1]["detail"]
    assert {k: detail[k] for k in MERGE_FIELDS} == {
        "baseCommitId": first,
        "sourceCommitId": feature,
        "destinationCommitId": main,
        "mergeOption": "THREE_WAY_MERGE",
        "conflictDetailsLevel": "FILE_LEVEL",
        "conflictResolutionStrategy": "NONE",
    }
    # The merge commit of the two commits is found again; the default message names the specifiers.
    found = cc.get_merge_commit(
        repositoryName="repo", sourceCommitSpecifier=feature, destinationCommitSpecifier="main"
    )
    assert found["mergedCommitId"] == commit
    assert (found["sourceCommitId"], found["destinationCommitId"], found["baseCommitId"]) == (
        feature,
        commit,
        feature,
    )
    repo.commit("feature", {"e.txt": "e\n"})
    other = cc.merge_branches_by_three_way(
        repositoryName="repo", sourceCommitSpecifier="feature", destinationCommitSpecifier="main"
    )["commitId"]
    assert repo.git("log", "-1", "--format=%s", other).strip() == "Merge feature into main"
    assert repo.tip("main") == commit  # no target branch: nothing moved


def test_get_merge_commit(server: Server, tmp_path: Path) -> None:
    cc = server.client("codecommit")
    repo, first, feature, main = diverged(
        server, tmp_path, {"a.txt": "a\n"}, {"b.txt": "b\n"}, {"c.txt": "c\n"}
    )
    found = cc.get_merge_commit(
        repositoryName="repo", sourceCommitSpecifier="feature", destinationCommitSpecifier="main"
    )
    assert "mergedCommitId" not in found  # not merged yet
    assert found["baseCommitId"] == first
    more = repo.commit("more", {"f.txt": "f\n"}, start=main)
    cc.merge_branches_by_fast_forward(
        repositoryName="repo",
        sourceCommitSpecifier="more",
        destinationCommitSpecifier="main",
        targetBranch="main",
    )
    found = cc.get_merge_commit(
        repositoryName="repo", sourceCommitSpecifier="more", destinationCommitSpecifier="main"
    )
    assert "mergedCommitId" not in found  # a fast-forward makes no merge commit
    assert found["destinationCommitId"] == more
    raises(
        "CommitDoesNotExistException",
        cc.get_merge_commit,
        repositoryName="repo",
        sourceCommitSpecifier="nope",
        destinationCommitSpecifier="main",
    )
    same = cc.get_merge_commit(
        repositoryName="repo", sourceCommitSpecifier=feature, destinationCommitSpecifier=feature
    )
    same.pop("ResponseMetadata")
    assert same == {"sourceCommitId": feature, "destinationCommitId": feature, "baseCommitId": feature}


def test_unreferenced_merge_commit(server: Server, tmp_path: Path) -> None:
    cc = server.client("codecommit")
    repo, first, feature, main = diverged(
        server, tmp_path, {"a.txt": "a\n"}, {"b.txt": "b\n"}, {"c.txt": "c\n"}
    )
    refs = repo.git("for-each-ref")
    for option, parents in (("SQUASH_MERGE", [main]), ("THREE_WAY_MERGE", [main, feature])):
        out = cc.create_unreferenced_merge_commit(
            repositoryName="repo",
            sourceCommitSpecifier="feature",
            destinationCommitSpecifier="main",
            mergeOption=option,
            commitMessage=f"{option} commit",
            email="dev@example.com",
        )
        assert repo.git("cat-file", "-t", out["commitId"]).strip() == "commit"
        assert repo.parents(out["commitId"]) == parents
        assert (
            repo.git("log", "-1", "--format=%ae|%s", out["commitId"]).strip()
            == f"dev@example.com|{option} commit"
        )
        detail = server.events("aws.codecommit")[-1]["detail"]
        assert detail["event"] == "unreferencedMergeCommitCreated"
        assert detail["commitId"] == out["commitId"]
        assert {k: detail[k] for k in MERGE_FIELDS} == {
            "baseCommitId": first,
            "sourceCommitId": feature,
            "destinationCommitId": main,
            "mergeOption": option,
            "conflictDetailsLevel": "FILE_LEVEL",
            "conflictResolutionStrategy": "NONE",
        }
        assert "referenceName" not in detail
    assert repo.git("for-each-ref") == refs  # no ref moved
    raises(
        "InvalidMergeOptionException",
        cc.create_unreferenced_merge_commit,
        repositoryName="repo",
        sourceCommitSpecifier="feature",
        destinationCommitSpecifier="main",
        mergeOption="FAST_FORWARD_MERGE",
    )


def test_merge_with_the_cli(server: Server, tmp_path: Path) -> None:
    repo, _, feature, main = diverged(server, tmp_path, {"a.txt": "a\n"}, {"b.txt": "b\n"}, {"c.txt": "c\n"})
    done = server.aws(
        "codecommit",
        "merge-branches-by-three-way",
        "--repository-name",
        "repo",
        "--source-commit-specifier",
        "feature",
        "--destination-commit-specifier",
        "main",
        "--target-branch",
        "main",
        "--author-name",
        "CLI User",
    )
    out = json.loads(done.stdout)
    assert repo.tip("main") == out["commitId"]
    assert repo.parents(out["commitId"]) == [main, feature]
    options = json.loads(
        server.aws(
            "codecommit",
            "get-merge-options",
            "--repository-name",
            "repo",
            "--source-commit-specifier",
            "main",
            "--destination-commit-specifier",
            "feature",
        ).stdout
    )
    assert options["mergeOptions"] == ["FAST_FORWARD_MERGE", "SQUASH_MERGE", "THREE_WAY_MERGE"]
