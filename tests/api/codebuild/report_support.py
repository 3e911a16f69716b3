"""What the report tests share: a build that writes JUnit and Cobertura files, run by the server's runner."""

from __future__ import annotations

from typing import Any

from tests.integration.runner.builds_support import ENVIRONMENT, ROLE, finished
from tests.support.server import Server

ACCOUNT = "000000000000"
JUNIT = """<?xml version="1.0"?>
<testsuite name="unit" tests="3">
  <testcase classname="app.Math" name="adds" time="0.5"/>
  <testcase classname="app.Math" name="divides" time="0.25"><failure message="boom">trace</failure></testcase>
  <testcase classname="app.Text" name="skips"><skipped/></testcase>
</testsuite>
"""
PASSING = """<?xml version="1.0"?>
<testsuite name="unit" tests="2">
  <testcase classname="app.Math" name="adds" time="0.5"/>
  <testcase classname="app.Text" name="joins" time="1.5"/>
</testsuite>
"""
COBERTURA = """<?xml version="1.0"?>
<coverage>
  <packages><package name="app"><classes>
    <class name="math" filename="app/math.py"><lines>
      <line number="1" hits="1"/><line number="2" hits="1"/><line number="3" hits="0"/>
      <line number="4" hits="1" branch="true" condition-coverage="50% (1/2)"/>
    </lines></class>
    <class name="text" filename="app/text.py"><lines>
      <line number="1" hits="1"/><line number="2" hits="0"/>
    </lines></class>
  </classes></package></packages>
</coverage>
"""


def group_arn(name: str) -> str:
    return f"arn:aws:codebuild:us-east-1:{ACCOUNT}:report-group/{name}"


def report_buildspec(
    junit: str = JUNIT, *, extra_commands: tuple[str, ...] = (), reports: str | None = None
) -> str:
    """A buildspec that writes reports/junit.xml and reports/coverage.xml, then runs `extra_commands`;
    its `reports:` are `unit` (JUnit) and `coverage` (Cobertura) unless `reports` replaces them."""
    junit_lines = "".join(f"        {line}\n" for line in junit.splitlines())
    cobertura_lines = "".join(f"        {line}\n" for line in COBERTURA.splitlines())
    extra = "".join(f"      - {command}\n" for command in extra_commands)
    groups = reports or (
        "  unit:\n"
        "    files: ['junit.xml']\n"
        "    base-directory: reports\n"
        "  coverage:\n"
        "    files: ['reports/coverage.xml']\n"
        "    file-format: CoberturaXml\n"
    )
    return (
        "version: 0.2\n"
        "phases:\n"
        "  build:\n"
        "    commands:\n"
        "      - |\n"
        "        mkdir -p reports\n"
        "        cat > reports/junit.xml <<'XML'\n"
        f"{junit_lines}"
        "        XML\n"
        "        cat > reports/coverage.xml <<'XML'\n"
        f"{cobertura_lines}"
        "        XML\n"
        f"{extra}"
        "reports:\n"
        f"{groups}"
    )


def run_build(
    server: Server, project: str, spec: str | None = None, *, override: str | None = None
) -> dict[str, Any]:
    """Creates the project (if needed) with `spec` as its buildspec, runs one build (of `override`
    when given), answers it finished."""
    codebuild = server.client("codebuild")
    if not codebuild.batch_get_projects(names=[project])["projects"]:
        codebuild.create_project(
            name=project,
            source={"type": "NO_SOURCE", "buildspec": spec or report_buildspec()},
            artifacts={"type": "NO_ARTIFACTS"},
            environment=ENVIRONMENT,
            serviceRole=ROLE,
        )
    extra = {"buildspecOverride": override} if override else {}
    build_id = codebuild.start_build(projectName=project, **extra)["build"]["id"]
    return finished(server, build_id)


def big_buildspec(cases: int, files: int) -> str:
    """A buildspec whose reports are `big` (JUnit: `cases` cases, every 9th FAILED, prefixes pkg.C0…C3)
    and `cover` (Cobertura: `files` files src/fNNNN.py, file i covering i % 5 of its 4 lines)."""
    script = (
        "mkdir -p big\n"
        "{ echo '<testsuite name=\"big\">'\n"
        f"  for i in $(seq 1 {cases}); do\n"
        "    if [ $((i % 9)) -eq 0 ]; then body='<failure message=\"no\"/>'; else body=''; fi\n"
        '    echo "<testcase classname=\\"pkg.C$((i % 4))\\" name=\\"case$i\\" time=\\"0.001\\">$body</testcase>"\n'
        "  done\n"
        "  echo '</testsuite>'; } > big/junit.xml\n"
        "{ echo '<coverage><packages><package name=\"p\"><classes>'\n"
        f"  for i in $(seq 1 {files}); do\n"
        "    covered=$((i % 5))\n"
        '    printf \'<class name="c" filename="src/f%04d.py"><lines>\' $i\n'
        "    for n in 1 2 3 4; do if [ $n -le $covered ]; then h=1; else h=0; fi\n"
        '      printf \'<line number="%d" hits="%d"/>\' $n $h; done\n'
        "    echo '</lines></class>'\n"
        "  done\n"
        "  echo '</classes></package></packages></coverage>'; } > big/coverage.xml\n"
    )
    lines = "".join(f"        {line}\n" for line in script.splitlines())
    return (
        "version: 0.2\n"
        "phases:\n"
        "  build:\n"
        "    commands:\n"
        "      - |\n"
        f"{lines}"
        "reports:\n"
        "  big:\n"
        "    files: ['big/junit.xml']\n"
        "  cover:\n"
        "    files: ['big/coverage.xml']\n"
        "    file-format: COBERTURAXML\n"
    )


def reports_by_name(server: Server, build: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The build's reports (BatchGetReports of its reportArns) by report group name."""
    found = server.client("codebuild").batch_get_reports(reportArns=build["reportArns"])["reports"]
    return {report["name"]: report for report in found}
