"""The shell session with real bash: statuses that output cannot spoof, persistence, ends, kills."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest

from codeyard.runner.engine.processes import session_tree
from codeyard.runner.engine.session import CommandResult, ShellLaunch, ShellSession

Script = Callable[[ShellSession], Awaitable[None]]


def _launch(tmp_path: Path, separate: bool = False, shell: str = "bash") -> ShellLaunch:
    src = tmp_path / "src"
    src.mkdir(exist_ok=True)
    argv = [shell, "--noprofile", "--norc"] if shell == "bash" else [shell]
    return ShellLaunch(
        argv=argv,
        env={"PATH": os.environ["PATH"], "GIVEN": "literal $PATH"},
        shell_cwd=str(src),
        control_dir=tmp_path / "control",
        shell_control_dir=str(tmp_path / "control"),
        separate_shells=separate,
        shell=shell,
    )


def _run(launch: ShellLaunch, commands: list[str]) -> list[tuple[CommandResult, list[str]]]:
    async def main() -> list[tuple[CommandResult, list[str]]]:
        session = ShellSession.start(launch)
        results = []
        try:
            for command in commands:
                lines: list[str] = []

                async def sink(batch: list[str], lines: list[str] = lines) -> None:
                    lines.extend(batch)

                results.append((await session.run(command, sink), lines))
        finally:
            await session.close(grace=0.5)
        return results

    return asyncio.run(main())


def test_output_that_looks_like_a_status_does_not_end_a_command(tmp_path: Path) -> None:
    results = _run(
        _launch(tmp_path),
        [
            "printf '0\\n1\\n'; echo 2 >&2; false",
            "echo 0 >&251",
            "echo 0 >&9",
            "printf 'no newline'",
            "echo next",
        ],
    )
    assert results[0] == (CommandResult(1), ["0", "1", "2"])
    assert results[1][0].exit_code == 1
    assert results[1][1][0].endswith("251: Bad file descriptor")
    assert results[2][0].exit_code == 1
    assert results[3] == (CommandResult(0), ["no newline"])
    assert results[4] == (CommandResult(0), ["next"])


def test_one_session_keeps_cwd_variables_functions_and_the_environment_is_literal(tmp_path: Path) -> None:
    results = _run(
        _launch(tmp_path),
        ['cd /; X=1; f() { echo "f$X"; }', 'echo "$PWD"; f; echo "$GIVEN"', "if then", "echo after"],
    )
    assert results[1][1] == ["/", "f1", "literal $PATH"]
    assert results[2][0].exit_code == 2
    assert not results[2][0].session_ended
    assert results[3] == (CommandResult(0), ["after"])


def test_separate_shells_start_over_for_every_command(tmp_path: Path) -> None:
    results = _run(_launch(tmp_path, separate=True), ["cd /; X=1; exit 5", 'echo "[$X] $PWD"'])
    assert results[0][0] == CommandResult(5)
    assert results[1][1] == [f"[] {tmp_path / 'src'}"]


@pytest.mark.parametrize(
    ("command", "code"),
    [("exit 0", 0), ("exit 7", 7), ("exec true", 0), ("set -e; false", 1), ("kill -KILL $$", 137)],
)
def test_commands_that_end_the_shell_end_the_session(tmp_path: Path, command: str, code: int) -> None:
    results = _run(_launch(tmp_path), ["echo before", command, "echo never"])
    assert results[0] == (CommandResult(0), ["before"])
    assert results[1][0] == CommandResult(code, session_ended=True)
    assert results[2] == (CommandResult(-1, session_ended=True), [])


def test_a_background_process_holding_the_output_does_not_hold_the_command(tmp_path: Path) -> None:
    results = _run(_launch(tmp_path), ["sleep 1000 & echo started", "echo second"])
    assert results == [(CommandResult(0), ["started"]), (CommandResult(0), ["second"])]


def test_variables_are_read_with_newlines_spaces_and_equals_signs(tmp_path: Path) -> None:
    async def main() -> dict[str, str]:
        session = ShellSession.start(_launch(tmp_path))

        async def sink(batch: list[str]) -> None:
            pass

        await session.run("A=$'two\\nlines'; B='x = y'; export C=", sink)
        values = await session.variables(["A", "B", "C", "UNSET", "bad-name", "GIVEN"])
        await session.close(grace=0.5)
        return values

    assert asyncio.run(main()) == {"A": "two\nlines", "B": "x = y", "C": "", "GIVEN": "literal $PATH"}


def test_variables_reads_only_the_requested_names_and_nothing_appended_after_them(tmp_path: Path) -> None:
    launch = _launch(tmp_path)
    variables = launch.control_dir / "variables"

    async def main() -> tuple[dict[str, str], int]:
        session = ShellSession.start(launch)

        async def sink(batch: list[str]) -> None:
            pass

        # unrequested: a value of 8 MiB and one with newlines that looks like a record; a DEBUG trap
        # appends more records (a huge one among them) to the file after the session's own write
        await session.run(
            "HUGE=$(head -c 8388608 /dev/zero | tr '\\0' x); export LINES=$'a\\nB=forged\\n'; "
            "WANTED=$'kept\\nvalue'; "
            f'trap \'command printf "=forged\\\\0%s\\\\0" "$HUGE" >> {variables}\' DEBUG',
            sink,
        )
        values = await session.variables(["WANTED", "UNSET", "GIVEN", "WANTED"])
        await session.close(grace=0.5)
        return values, variables.stat().st_size

    values, size = asyncio.run(main())
    assert values == {"WANTED": "kept\nvalue", "GIVEN": "literal $PATH"}
    assert size > 8 * 1024 * 1024  # the appended records were there, and were not taken


def test_kill_ends_every_process_of_the_session(tmp_path: Path) -> None:
    async def main() -> tuple[list[int], list[int]]:
        session = ShellSession.start(_launch(tmp_path))

        async def sink(batch: list[str]) -> None:
            pass

        await session.run("sleep 1000 & (trap '' TERM; sleep 1000) & set -m; sleep 1000 &", sink)
        before = session_tree(session.pid)
        await session.kill(grace=0.2)
        return before, session_tree(session.pid)

    before, after = asyncio.run(main())
    assert len(before) >= 4
    assert after == []


def test_sh_sessions_use_a_low_status_descriptor(tmp_path: Path) -> None:
    results = _run(_launch(tmp_path, shell="/bin/sh"), ["X=1; cd /", 'echo "$X $PWD"', "exit 4"])
    assert results[1][1] == ["1 /"]
    assert results[2][0] == CommandResult(4, session_ended=True)


def test_a_function_named_like_the_protocols_commands_does_not_break_it(tmp_path: Path) -> None:
    results = _run(
        _launch(tmp_path), ["printf() { echo fake; }; export -f printf", "printf x; false", "echo ok"]
    )
    assert results[1] == (CommandResult(1), ["fake"])
    assert results[2] == (CommandResult(0), ["ok"])


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state not in ("Z", "X")


def test_kill_ends_a_child_that_left_the_session(tmp_path: Path) -> None:
    async def main() -> tuple[bool, bool]:
        session = ShellSession.start(_launch(tmp_path))

        async def sink(batch: list[str]) -> None:
            pass

        # A child that called setsid is in no session of the build's, but its parent still is.
        await session.run("setsid sh -c 'trap \"\" TERM; sleep 1000' & echo $! > child.pid", sink)
        child = int((tmp_path / "src" / "child.pid").read_text())
        running = _alive(child)
        await session.kill(grace=0.2)
        return running, _alive(child)

    running, after = asyncio.run(main())
    assert running is True
    assert after is False
