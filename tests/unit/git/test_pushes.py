"""The ref changes a push made: from receive-pack's report, or by comparing refs when it was cut off."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

from codeyard.git.pktline import FLUSH, Command, ReportScanner, pkt
from codeyard.git.pushes import push_changes, read_commands
from codeyard.store.ports.git import RefChange

A, B, C = "a" * 40, "b" * 40, "c" * 40
ZERO = "0" * 40
MAIN, DEV, TAG = "refs/heads/main", "refs/heads/dev", "refs/tags/v1"


def scanned(*lines: str) -> ReportScanner:
    scanner = ReportScanner(False)
    scanner.feed(b"".join(pkt(f"{line}\n".encode()) for line in lines) + FLUSH)
    return scanner


def test_the_report_decides_which_commands_took_effect() -> None:
    commands = [
        Command(A, B, MAIN),
        Command(ZERO, C, TAG),
        Command(A, C, DEV),
        Command(B, ZERO, "refs/heads/gone"),
    ]
    report = scanned(
        "unpack ok", f"ok {MAIN}", f"ok {TAG}", f"ng {DEV} failed to update ref", "ok refs/heads/gone"
    )
    # A concurrent push moved dev meanwhile: the snapshots would tell a different story.
    before, after = {MAIN: A, DEV: A}, {MAIN: B, TAG: C, DEV: B}
    assert push_changes(commands, report, before, after) == [
        RefChange(MAIN, A, B),
        RefChange(TAG, None, C),
        RefChange("refs/heads/gone", B, None),
    ]


def test_without_a_complete_report_refs_that_hold_what_was_pushed_changed() -> None:
    commands = [
        Command(A, B, MAIN),
        Command(A, C, DEV),
        Command(ZERO, C, TAG),
        Command(A, ZERO, "refs/heads/old"),
    ]
    cut = ReportScanner(True)
    before = {MAIN: A, DEV: A, "refs/heads/old": A, "refs/heads/other": A}
    after = {MAIN: B, DEV: B, TAG: C, "refs/heads/other": B}
    assert push_changes(commands, cut, before, after) == [
        RefChange(MAIN, A, B),
        RefChange(TAG, None, C),
        RefChange("refs/heads/old", A, None),
    ]


def test_refs_other_than_branches_and_tags_are_not_recorded() -> None:
    commands = [Command(ZERO, A, "refs/notes/commits"), Command(ZERO, A, MAIN)]
    report = scanned("unpack ok", "ok refs/notes/commits", f"ok {MAIN}")
    assert push_changes(commands, report, {}, {MAIN: A}) == [RefChange(MAIN, None, A)]


def test_read_commands_leaves_the_pack_in_the_source() -> None:
    head = pkt(f"{A} {B} {MAIN}\0report-status\n".encode()) + FLUSH

    async def source() -> AsyncIterator[bytes]:
        yield head[:7]
        yield head[7:]
        yield b"PACK-DATA"

    async def run() -> tuple[list[Command], bytes, list[bytes]]:
        stream = source()
        reader = await read_commands(stream)
        return reader.commands, bytes(reader.consumed), [chunk async for chunk in stream]

    commands, consumed, rest = asyncio.run(run())
    assert commands == [Command(A, B, MAIN)]
    assert consumed == head
    assert rest == [b"PACK-DATA"]
