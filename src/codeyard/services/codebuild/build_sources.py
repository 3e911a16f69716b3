"""The job's sources and cache: the secondary sources with their versions, the clone depth, the
submodules, the cache."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from codeyard.execution.messages import WORK_PREFIX


def merged_versions(
    project: list[dict[str, Any]], override: list[dict[str, Any]] | None
) -> list[dict[str, Any]]:
    """The project's secondary source versions with StartBuild's overrides in their place, by identifier."""
    given = {v["sourceIdentifier"]: v for v in override or ()}
    merged = [given.pop(v["sourceIdentifier"], v) for v in project]
    return [*merged, *given.values()]


def source_url(build_id: str, identifier: str = "") -> str:
    """The work API path a runner downloads a source from (the primary one without an identifier)."""
    path = f"{WORK_PREFIX}/jobs/{quote(build_id, safe='')}/source"
    return f"{path}?source={quote(identifier, safe='')}" if identifier else path


def fetches_submodules(source: dict[str, Any]) -> bool:
    """Whether a CODECOMMIT source's gitSubmodulesConfig asks for its submodules."""
    config = source.get("gitSubmodulesConfig") or {}
    return source.get("type") == "CODECOMMIT" and bool(config.get("fetchSubmodules"))


def job_sources(build_id: str, details: dict[str, Any]) -> dict[str, Any]:
    """The Job members for the build's clone depth, secondary sources and cache."""
    versions = {
        v["sourceIdentifier"]: v.get("sourceVersion") or ""
        for v in details.get("secondarySourceVersions", [])
    }
    secondary = [
        {
            "identifier": s.get("sourceIdentifier") or "",
            "type": s.get("type") or "NO_SOURCE",
            "location": s.get("location") or "",
            "version": versions.get(s.get("sourceIdentifier") or "", ""),
            "depth": str(int(s.get("gitCloneDepth") or 0)),
            "url": source_url(build_id, s.get("sourceIdentifier") or "")
            if s.get("type") != "NO_SOURCE"
            else "",
            "submodules": "true" if fetches_submodules(s) else "",
        }
        for s in details.get("secondarySources", [])
    ]
    cache = details.get("cache") or {}
    return {
        "git_clone_depth": int(details["source"].get("gitCloneDepth") or 0),
        "fetch_submodules": fetches_submodules(details["source"]),
        "secondary_sources": secondary,
        "cache_type": cache.get("type") or "NO_CACHE",
        "cache_location": cache.get("location") or "",
        "cache_modes": list(cache.get("modes") or ()),
    }
