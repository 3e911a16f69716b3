"""Reading the shell's variables with real bash: values over the size limit are left out unread, and
what background processes print during the read reaches the output sink."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

from codeyard.runner.engine.exported_variables import MAX_EXPORTED_BYTES, bounded_exports
from codeyard.runner.engine.session import MAX_VARIABLE_BYTES, ShellLaunch, ShellSession, VariableValues


def _launch(tmp_path: Path) -> ShellLaunch:
    src = tmp_path / "src"
    src.mkdir(exist_ok=True)
    return ShellLaunch(
        argv=["bash", "--noprofile", "--norc"],
        env={"PATH": os.environ["PATH"]},
        shell_cwd=str(src),
        control_dir=tmp_path / "control",
        shell_control_dir=str(tmp_path / "control"),
    )


async def _ignore(batch: list[str]) -> None:
    pass


def test_a_value_over_the_limit_is_left_out_and_named_the_others_are_read(tmp_path: Path) -> None:
    async def main() -> VariableValues:
        session = ShellSession.start(_launch(tmp_path))
        try:
            await session.run(
                f"EXACT=$(head -c {MAX_VARIABLE_BYTES} /dev/zero | tr '\\0' e); "
                f"OVER=$(head -c {MAX_VARIABLE_BYTES + 1} /dev/zero | tr '\\0' o); "
                "HUGE=$(head -c 10485760 /dev/zero | tr '\\0' h); AFTER=kept",
                _ignore,
            )
            return await session.variables(["EXACT", "HUGE", "OVER", "AFTER", "UNSET"])
        finally:
            await session.close(grace=0.5)

    values = asyncio.run(main())
    assert values == {"EXACT": "e" * MAX_VARIABLE_BYTES, "AFTER": "kept"}
    assert values.oversized == ["HUGE", "OVER"]


def test_output_of_a_background_process_during_the_read_goes_to_the_sink(tmp_path: Path) -> None:
    launch = _launch(tmp_path)
    fifo = launch.control_dir / "variables"
    seen: list[str] = []

    async def keep(batch: list[str]) -> None:
        seen.extend(batch)

    async def main() -> VariableValues:
        session = ShellSession.start(launch)
        try:
            # The background process opens the variables file (a FIFO here) for reading, so it runs
            # exactly while the shell writes the records; it prints, then reads them (the shell's
            # write of more than a pipe holds waits for that): its line is printed during the read.
            await session.run(
                f"BIG=$(head -c 100000 /dev/zero | tr '\\0' b); rm -f {fifo}; mkfifo {fifo}; "
                f"{{ exec 3<{fifo}; echo printed during the read; cat <&3 >/dev/null; }} &",
                _ignore,
            )
            return await session.variables(["BIG"], keep)
        finally:
            await session.close(grace=0.5)

    values = asyncio.run(main())
    assert seen == ["printed during the read"]
    assert values == {}  # a FIFO is no regular file: nothing is read from it


def test_exports_stay_within_the_size_codepipeline_takes_in_order_and_masked() -> None:
    values = VariableValues()
    values.update({"FIRST": "a" * 100_000, "SECRET": "x-hunter2-x", "SECOND": "b" * 30_000, "LAST": "c"})
    values.oversized.append("HUGE")

    exported, notes = bounded_exports(values, lambda text: text.replace("hunter2", "***"))

    assert exported == {"FIRST": "a" * 100_000, "SECRET": "x-***-x", "LAST": "c"}
    assert sum(len(k) + len(v) for k, v in exported.items()) <= MAX_EXPORTED_BYTES
    assert notes == [
        f"Exported variable HUGE is left out: its value is larger than {MAX_VARIABLE_BYTES:,} bytes",
        f"Exported variable SECOND is left out: the exported variables would be larger than "
        f"{MAX_EXPORTED_BYTES:,} bytes",
    ]
