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


def test_target_branches(server: Server, tmp_path: Path) -> None:
    cc = server.client("codecommit")
    repo, first, feature, main = diverged(
        server, tmp_path, {"a.txt": "a\n"}, {"b.txt": "b\n"}, {"c.txt": "c\n"}
    )
    other = repo.commit("other", {"o.txt": "o\n"}, start=first)
    repo.git("tag", "v1", main)

    def merge(target: str, destination: str = "main", option: str = "three_way") -> dict[str, str]:
        call = getattr(cc, f"merge_branches_by_{option}")
        out: dict[str, str] = call(
            repositoryName="repo",
            sourceCommitSpecifier="feature",
            destinationCommitSpecifier=destination,
            targetBranch=target,
        )
        return out

    raises("BranchDoesNotExistException", merge, target="nope")
    raises("BranchNameIsTagNameException", merge, target="v1")
    raises("InvalidBranchNameException", merge, target="a..b")
    # A target whose commits the merge would drop is refused...
    raises("InvalidTargetBranchException", merge, target="other")
    raises("InvalidTargetBranchException", merge, target="feature", option="squash")
    assert (repo.tip("other"), repo.tip("feature")) == (other, feature)
    # ...and one that moved on from the destination the merge started from is a concurrent update.
    moved = repo.commit("main", {"later.txt": "later\n"})
    raises("ConcurrentReferenceUpdateException", merge, target="main", destination=main)
    assert repo.tip("main") == moved
    # The source branch can take a three-way merge: its tip is one of the parents.
    out = merge(target="feature")
    assert repo.tip("feature") == out["commitId"]
    assert repo.parents(out["commitId"]) == [moved, feature]
    assert server.events("aws.codecommit")[-1]["detail"]["referenceName"] == "feature"


def test_ref_update_rejected_while_merging(server: Server, tmp_path: Path) -> None:
    """git refuses the ref update (as when another writer holds or moved the ref): the merge
    answers ConcurrentReferenceUpdateException and records nothing."""
    cc = server.client("codecommit")
    repo, _, _, main = diverged(server, tmp_path, {"a.txt": "a\n"}, {"b.txt": "b\n"}, {"c.txt": "c\n"})
    hook = repo.bare / "hooks" / "reference-transaction"
    hook.parent.mkdir(exist_ok=True)
    hook.write_text('#!/bin/sh\n[ "$1" = prepared ] && exit 1\nexit 0\n')
    hook.chmod(0o755)
    count = len(server.events("aws.codecommit"))
    raises(
        "ConcurrentReferenceUpdateException",
        cc.merge_branches_by_squash,
        repositoryName="repo",
        sourceCommitSpecifier="feature",
        destinationCommitSpecifier="main",
        targetBranch="main",
    )
    hook.unlink()
    assert repo.tip("main") == main
    assert len(server.events("aws.codecommit")) == count


def test_commit_errors(server: Server, tmp_path: Path) -> None:
    cc = server.client("codecommit")
    repo, _, _, main = diverged(server, tmp_path, {"a.txt": "a\n"}, {"b.txt": "b\n"}, {"c.txt": "c\n"})
    blob = repo.git("rev-parse", f"{main}:a.txt").strip()
    for operation in ("get_merge_options", "get_merge_commit", "merge_branches_by_fast_forward"):
        call = getattr(cc, operation)
        raises(
            "CommitRequiredException",
            call,
            repositoryName="repo",
            sourceCommitSpecifier="",
            destinationCommitSpecifier="main",
        )
        raises(
            "CommitDoesNotExistException",
            call,
            repositoryName="repo",
            sourceCommitSpecifier="feature",
            destinationCommitSpecifier="0" * 40,
        )
        raises(
            "InvalidCommitException",
            call,
            repositoryName="repo",
            sourceCommitSpecifier=blob,
            destinationCommitSpecifier="main",
        )
        raises(
            "RepositoryDoesNotExistException",
            call,
            repositoryName="nope",
            sourceCommitSpecifier="feature",
            destinationCommitSpecifier="main",
        )
    raises(
        "InvalidCommitException",
        cc.merge_branches_by_squash,
        repositoryName="repo",
        sourceCommitSpecifier="feature~1",
        destinationCommitSpecifier="main",
    )
    conflicts = {"repositoryName": "repo", "mergeOption": "THREE_WAY_MERGE"}
    raises(
        "InvalidSourceCommitSpecifierException",
        cc.get_merge_conflicts,
        sourceCommitSpecifier=blob,
        destinationCommitSpecifier="main",
        **conflicts,
    )
    raises(
        "InvalidDestinationCommitSpecifierException",
        cc.get_merge_conflicts,
        sourceCommitSpecifier="main",
        destinationCommitSpecifier=blob,
        **conflicts,
    )
    raises(
        "CommitRequiredException",
        cc.get_merge_conflicts,
        sourceCommitSpecifier="main",
        destinationCommitSpecifier="",
        **conflicts,
    )


def test_unrelated_histories(server: Server, tmp_path: Path) -> None:
    cc = server.client("codecommit")
    repo = make_repo(server, tmp_path)
    repo.commit("main", {"a.txt": "a\n"})
    repo.commit("orphan", {"b.txt": "b\n"})
    names = {
        "repositoryName": "repo",
        "sourceCommitSpecifier": "orphan",
        "destinationCommitSpecifier": "main",
    }
    raises("TipsDivergenceExceededException", cc.get_merge_options, **names)
    raises("TipsDivergenceExceededException", cc.get_merge_conflicts, mergeOption="SQUASH_MERGE", **names)
    raises("TipsDivergenceExceededException", cc.merge_branches_by_three_way, targetBranch="main", **names)
    raises("ManualMergeRequiredException", cc.merge_branches_by_fast_forward, targetBranch="main", **names)
    found = cc.get_merge_commit(**names)
    assert "baseCommitId" not in found
    assert "mergedCommitId" not in found


def test_resolution_and_identity_errors(server: Server, tmp_path: Path) -> None:
    cc = server.client("codecommit")
    diverged(server, tmp_path, {"a.txt": "a\n", "b.txt": "b\n"}, {"a.txt": "s\n"}, {"a.txt": "d\n"})

    def merge(**kwargs: object) -> object:
        return cc.merge_branches_by_three_way(
            repositoryName="repo",
            sourceCommitSpecifier="feature",
            destinationCommitSpecifier="main",
            **kwargs,
        )

    def resolve(*entries: dict[str, object], **lists: object) -> dict[str, object]:
        return {"conflictResolution": {"replaceContents": list(entries), **lists}}

    keep = {"filePath": "a.txt", "replacementType": "KEEP_SOURCE"}
    raises("InvalidConflictResolutionException", merge, **resolve({**keep, "filePath": "b.txt"}))
    raises("MultipleConflictResolutionEntriesException", merge, **resolve(keep, keep))
    raises(
        "MultipleConflictResolutionEntriesException",
        merge,
        **resolve(keep, deleteFiles=[{"filePath": "/a.txt"}]),
    )
    raises(
        "ReplacementContentRequiredException",
        merge,
        **resolve({**keep, "replacementType": "USE_NEW_CONTENT"}),
    )
    raises("InvalidReplacementContentException", merge, **resolve({**keep, "content": b"x"}))
    raises("InvalidPathException", merge, **resolve({**keep, "filePath": "a/../a.txt"}))
    raises("PathRequiredException", merge, **resolve({**keep, "filePath": ""}))
    many = [{"filePath": f"f{i}.txt"} for i in range(101)]
    raises("MaximumConflictResolutionEntriesExceededException", merge, **resolve(deleteFiles=many))
    raises("NameLengthExceededException", merge, authorName="n" * 1025)
    raises("InvalidEmailException", merge, email="not an email")
    raises("CommitMessageLengthExceededException", merge, commitMessage="m" * (256 * 1024 + 1))
    big = b"x" * (4 * 1024 * 1024)
    raises(
        "FolderContentSizeLimitExceededException",
        merge,
        **resolve(
            {"filePath": "a.txt", "replacementType": "USE_NEW_CONTENT", "content": big},
            {"filePath": "b.txt", "replacementType": "USE_NEW_CONTENT", "content": big},
        ),
    )
    raises(
        "FileContentSizeLimitExceededException",
        merge,
        **resolve(
            {"filePath": "a.txt", "replacementType": "USE_NEW_CONTENT", "content": big},
            {"filePath": "d/b.txt", "replacementType": "USE_NEW_CONTENT", "content": big},
        ),
    )


def test_values_outside_the_model(server: Server, tmp_path: Path) -> None:
    """Enum values the model does not know answer CodeCommit's own errors, not ValidationException."""
    cc = server.client("codecommit")
    diverged(server, tmp_path, {"a.txt": "a\n"}, {"a.txt": "s\n"}, {"a.txt": "d\n"})
    names = {
        "repositoryName": "repo",
        "sourceCommitSpecifier": "feature",
        "destinationCommitSpecifier": "main",
    }
    raises("InvalidMergeOptionException", cc.get_merge_conflicts, mergeOption="OCTOPUS", **names)
    raises(
        "InvalidConflictDetailLevelException", cc.get_merge_options, conflictDetailLevel="WORD_LEVEL", **names
    )
    raises(
        "InvalidConflictResolutionStrategyException",
        cc.merge_branches_by_squash,
        conflictResolutionStrategy="ACCEPT_BOTH",
        **names,
    )
    entry = {"filePath": "a.txt", "replacementType": "KEEP_ALL"}
    raises(
        "InvalidReplacementTypeException",
        cc.merge_branches_by_three_way,
        conflictResolution={"replaceContents": [entry]},
        **names,
    )
    raises(
        "InvalidFileModeException",
        cc.merge_branches_by_three_way,
        conflictResolution={"setFileModes": [{"filePath": "a.txt", "fileMode": "WRITABLE"}]},
        **names,
    )
