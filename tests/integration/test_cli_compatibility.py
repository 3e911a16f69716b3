"""docs/compatibility.md is exactly what scripts/compatibility.py prints, so it cannot drift."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import botocore.session

from codeyard.app import SPOKEN_SERVICES
from codeyard.cli.compatibility import coverage, render, service_class

ROOT = Path(__file__).resolve().parents[2]


def test_committed_report_is_the_generated_one() -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "compatibility.py")],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
        timeout=120,
    )
    committed = (ROOT / "docs" / "compatibility.md").read_text()
    assert result.stdout == committed, "docs/compatibility.md is stale: run `make docs` and commit it"


def test_every_spoken_service_and_operation_is_listed() -> None:
    text = render()
    session = botocore.session.get_session()
    for name in SPOKEN_SERVICES:
        assert f"\n## {name}\n" in text
        for operation in session.get_service_model(name).operation_names:
            assert f"\n| {operation} | ✅ |" in text or f"\n| {operation} | — |" in text


def test_implemented_operations_are_the_methods_of_the_service_class() -> None:
    by_name = {service.name: service for service in coverage()}
    sts = by_name["sts"]
    assert "GetCallerIdentity" in sts.implemented
    assert sts.implemented <= set(sts.operations)
    assert f"{len(sts.implemented)} of {len(sts.operations)} operations implemented" in render(["sts"])
    sts_class = service_class("sts")
    assert sts_class is not None
    assert sts_class.service_name == "sts"
    assert service_class("nosuchservice") is None


def test_the_readme_gives_the_reports_counts() -> None:
    """README's "What is implemented" names each service's count as docs/compatibility.md has it."""
    counts = re.compile(r"(\d+) of (\d+)")
    report = (ROOT / "docs" / "compatibility.md").read_text()
    expected = sorted(
        match.groups()
        for line in report.splitlines()
        if line.endswith("operations implemented.") and (match := counts.search(line)) and match[1] != "0"
    )
    readme = (ROOT / "README.md").read_text()
    section = readme[readme.index("## What is implemented") :].split("\n## ", 1)[0]
    assert sorted(counts.findall(section)) == expected, (
        "README's counts are stale: copy them from docs/compatibility.md"
    )
