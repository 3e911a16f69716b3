"""What a build's background process prints while FINALIZING reads the shell's variables is logged."""

from __future__ import annotations

from pathlib import Path

from tests.integration.runner.build_helper import run_build

# The reports block names $OUT, so FINALIZING reads it from the shell. The background process opens
# the variables file (made a FIFO) for reading, so it runs exactly while the shell writes the records;
# it prints, then reads them (the shell's write of more than a pipe holds waits for that).
BUILDSPEC = """
version: 0.2
phases:
  build:
    commands:
      - OUT=$(head -c 100000 /dev/zero | tr '\\0' o)
      - rm -f ../control/variables && mkfifo ../control/variables
      - "{ exec 3<../control/variables; echo printed during the read; cat <&3 >/dev/null; } &"
reports:
  unit:
    files: ['$OUT/*.xml']
"""


def test_background_output_during_the_finalizing_read_reaches_the_log(tmp_path: Path) -> None:
    build = run_build(tmp_path, BUILDSPEC)

    assert build.statuses["BUILD"] == "SUCCEEDED"
    assert "printed during the read" in build.output
    finalizing = build.log.index(next(line for line in build.log if "Entering phase FINALIZING" in line))
    assert build.log.index("printed during the read") > finalizing
