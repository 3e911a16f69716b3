"""A push as the git server sees it on either transport: the command list read ahead of git, and
the ref changes to record once git is done."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping, Sequence

from codeyard.git.pktline import Command, CommandReader, ReportScanner
from codeyard.store.ports.git import HEADS, TAGS, RefChange


async def read_commands(source: AsyncIterator[bytes]) -> CommandReader:
    """Reads `source` up to the flush that ends the push's commands (or its end); the bytes read
    are in `consumed`, the rest is still in `source`."""
    reader = CommandReader()
    while not reader.done:
        try:
            chunk = await anext(source)
        except StopAsyncIteration:
            break
        reader.feed(chunk)
    return reader


def push_changes(
    commands: Sequence[Command],
    report: ReportScanner | None,
    before: Mapping[str, str],
    after: Mapping[str, str],
) -> list[RefChange]:
    """The branch and tag changes a push made.

    From receive-pack's report when it was read whole: a command reported `ok` moved its ref from
    the command's old value (git checks it under the ref's lock) to its new one, so a push that
    lost a race to another one records nothing. Without a report (the answer was cut off), a
    named ref that holds what the push asked for, and held something else before, changed."""
    named = [c for c in commands if c.ref.startswith((HEADS, TAGS))]
    if report is not None and report.complete and not report.broken:
        return [RefChange(c.ref, c.old_value, c.new_value) for c in named if c.ref in report.ok]
    changes: list[RefChange] = []
    for command in named:
        old, new = before.get(command.ref), after.get(command.ref)
        if new == command.new_value and old != new:
            changes.append(RefChange(command.ref, old, new))
    return changes
