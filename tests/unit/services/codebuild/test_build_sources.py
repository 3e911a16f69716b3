"""The job's sources and cache from a build's details: versions merged by identifier, the work API paths."""

from __future__ import annotations

from typing import Any

from codeyard.services.codebuild.build_sources import job_sources, merged_versions


def test_overrides_replace_the_versions_of_their_identifiers_and_add_the_others() -> None:
    project = [
        {"sourceIdentifier": "a", "sourceVersion": "main"},
        {"sourceIdentifier": "b", "sourceVersion": "v1"},
    ]
    override = [
        {"sourceIdentifier": "b", "sourceVersion": "v2"},
        {"sourceIdentifier": "c", "sourceVersion": "x"},
    ]

    assert merged_versions(project, override) == [
        {"sourceIdentifier": "a", "sourceVersion": "main"},
        {"sourceIdentifier": "b", "sourceVersion": "v2"},
        {"sourceIdentifier": "c", "sourceVersion": "x"},
    ]
    assert merged_versions(project, None) == project


def test_the_job_carries_each_secondary_source_its_depth_and_the_cache() -> None:
    details: dict[str, Any] = {
        "source": {"type": "CODECOMMIT", "gitCloneDepth": 1},
        "secondarySources": [
            {
                "type": "CODECOMMIT",
                "location": "http://h/v1/repos/lib",
                "sourceIdentifier": "lib",
                "gitCloneDepth": 0,
                "gitSubmodulesConfig": {"fetchSubmodules": True},
            },
            {"type": "S3", "location": "bucket/in.zip", "sourceIdentifier": "in"},
        ],
        "secondarySourceVersions": [{"sourceIdentifier": "lib", "sourceVersion": "stable"}],
        "cache": {"type": "LOCAL", "modes": ["LOCAL_CUSTOM_CACHE"]},
    }

    members = job_sources("p:1234", details)

    assert members["git_clone_depth"] == 1
    assert members["fetch_submodules"] is False
    assert members["secondary_sources"] == [
        {
            "identifier": "lib",
            "type": "CODECOMMIT",
            "location": "http://h/v1/repos/lib",
            "version": "stable",
            "depth": "0",
            "url": "/_codeyard/v1/work/jobs/p%3A1234/source?source=lib",
            "submodules": "true",
        },
        {
            "identifier": "in",
            "type": "S3",
            "location": "bucket/in.zip",
            "version": "",
            "depth": "0",
            "url": "/_codeyard/v1/work/jobs/p%3A1234/source?source=in",
            "submodules": "",
        },
    ]
    assert (members["cache_type"], members["cache_location"], members["cache_modes"]) == (
        "LOCAL",
        "",
        ["LOCAL_CUSTOM_CACHE"],
    )
    assert job_sources("p:1", {"source": {"type": "NO_SOURCE"}})["cache_type"] == "NO_CACHE"


def test_only_a_codecommit_source_that_asks_fetches_its_submodules() -> None:
    def fetches(source: dict[str, Any]) -> bool:
        return bool(job_sources("p:1", {"source": source})["fetch_submodules"])

    asks = {"fetchSubmodules": True}
    assert fetches({"type": "CODECOMMIT", "gitSubmodulesConfig": asks})
    assert not fetches({"type": "CODECOMMIT", "gitSubmodulesConfig": {"fetchSubmodules": False}})
    assert not fetches({"type": "CODECOMMIT"})
    assert not fetches({"type": "S3", "gitSubmodulesConfig": asks})
