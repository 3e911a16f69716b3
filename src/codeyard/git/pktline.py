"""The pkt-line framing of git's wire protocol, and the two parts of a push the server reads:
the command list at the head of a receive-pack request and the status report in its answer."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

FLUSH = b"0000"
MAX_PKT = 65520  # the largest pkt-line, its 4-byte length included
MAX_COMMAND_BYTES = 8 * 1024 * 1024  # the command list of a push (AWS allows 4,000 refs)
SIDEBAND_DATA = 1
_COMMAND = re.compile(rb"([0-9a-f]{40}|[0-9a-f]{64}) ([0-9a-f]{40}|[0-9a-f]{64}) (\S+)\n?")


class PktError(ValueError):
    """The bytes are not pkt-lines (or are too many)."""


def pkt(payload: bytes) -> bytes:
    """One pkt-line holding `payload`."""
    if len(payload) + 4 > MAX_PKT:
        raise PktError("pkt-line too long")
    return b"%04x" % (len(payload) + 4) + payload


class PktReader:
    """Splits bytes into pkt-lines as they arrive: payloads, and None for each flush/delimiter.

    With `until_flush` it stops at the first flush and ignores what follows (a pack, say)."""

    def __init__(self, *, until_flush: bool = False) -> None:
        self._buffer = bytearray()
        self._until_flush = until_flush
        self.flushed = False

    def feed(self, data: bytes) -> list[bytes | None]:
        out: list[bytes | None] = []
        if self._until_flush and self.flushed:
            return out
        buffer = self._buffer
        buffer += data
        start = 0
        while len(buffer) - start >= 4:
            try:
                length = int(buffer[start : start + 4], 16)
            except ValueError:
                raise PktError(f"not a pkt-line length: {bytes(buffer[start : start + 4])!r}") from None
            if length < 4:  # 0000 flush, 0001 delimiter, 0002 response end
                out.append(None)
                start += 4
                if length == 0 and self._until_flush:
                    self.flushed = True
                    buffer.clear()
                    return out
                continue
            if len(buffer) - start < length:
                break
            out.append(bytes(buffer[start + 4 : start + length]))
            start += length
        del buffer[:start]
        return out


@dataclass(frozen=True)
class Command:
    """One ref update a push asks for; a zero id means create (old) or delete (new)."""

    old: str
    new: str
    ref: str

    @property
    def old_value(self) -> str | None:
        return None if set(self.old) == {"0"} else self.old

    @property
    def new_value(self) -> str | None:
        return None if set(self.new) == {"0"} else self.new


@dataclass
class CommandReader:
    """Reads the head of a receive-pack request up to the flush after its commands.

    `consumed` is every byte fed so far (to be handed on to git unchanged); `done` once the
    flush is in. Shallow lines and a push certificate's other lines are skipped."""

    commands: list[Command] = field(default_factory=list)
    capabilities: set[str] = field(default_factory=set)
    consumed: bytearray = field(default_factory=bytearray)
    done: bool = False
    _reader: PktReader = field(default_factory=lambda: PktReader(until_flush=True))

    def feed(self, data: bytes) -> bool:
        if self.done:
            raise PktError("the command list is complete")
        self.consumed += data
        if len(self.consumed) > MAX_COMMAND_BYTES:
            raise PktError("the push's command list is too long")
        for line in self._reader.feed(data):
            if line is None:
                self.done = True
            else:
                self._line(line)
        return self.done

    def _line(self, line: bytes) -> None:
        # The first command carries the capabilities (shallow lines may come before it).
        line, nul, caps = line.partition(b"\0")
        if nul and not self.capabilities:
            self.capabilities = set(caps.decode("ascii", "replace").split())
        match = _COMMAND.fullmatch(line)
        if match is not None:
            old, new, ref = (part.decode("ascii", "replace") for part in match.groups())
            self.commands.append(Command(old, new, ref))

    @property
    def refs(self) -> list[str]:
        return [command.ref for command in self.commands]

    @property
    def sideband(self) -> bool:
        return bool(self.capabilities & {"side-band-64k", "side-band"})

    @property
    def wants_report(self) -> bool:
        return bool(self.capabilities & {"report-status", "report-status-v2"})


@dataclass
class ReportScanner:
    """Reads receive-pack's answer as it streams past: which refs it reports `ok`.

    `complete` once the report's flush is in; a stream it cannot read leaves `broken` set (the
    caller then falls back to comparing refs)."""

    sideband: bool
    ok: set[str] = field(default_factory=set)
    rejected: dict[str, str] = field(default_factory=dict)
    unpack: str | None = None
    complete: bool = False
    broken: bool = False
    _outer: PktReader = field(default_factory=PktReader)
    _inner: PktReader = field(default_factory=PktReader)

    def feed(self, data: bytes) -> None:
        if self.complete or self.broken:
            return
        try:
            for line in self._outer.feed(data):
                if self.sideband:
                    if line is None:
                        self.complete = True
                    elif line[:1] == bytes([SIDEBAND_DATA]):
                        self._report(self._inner.feed(line[1:]))
                else:
                    self._report([line])
                if self.complete:
                    return
        except PktError:
            self.broken = True

    def _report(self, lines: list[bytes | None]) -> None:
        for line in lines:
            if line is None:
                self.complete = True
                return
            text = line.decode("utf-8", "replace").rstrip("\n")
            kind, _, rest = text.partition(" ")
            if kind == "unpack":
                self.unpack = rest
            elif kind == "ok":
                self.ok.add(rest)
            elif kind == "ng":
                ref, _, reason = rest.partition(" ")
                self.rejected[ref] = reason


def rejection_report(reader: CommandReader, reason: str, message: str) -> bytes:
    """A receive-pack answer refusing every command of a push with `reason`, in the framing the
    client asked for; `message` goes to the client's screen (as `remote: ...`) when it can."""
    report = pkt(b"unpack ok\n") + b"".join(pkt(f"ng {c.ref} {reason}\n".encode()) for c in reader.commands)
    report += FLUSH
    if not reader.sideband:
        return report
    out = [pkt(b"\x02" + line.encode() + b"\n") for line in message.splitlines() if line]
    step = 1000 - 5  # side-band (not -64k) allows 1000-byte packets: fits both
    out += [pkt(b"\x01" + report[i : i + step]) for i in range(0, len(report), step)]
    out.append(FLUSH)
    return b"".join(out)
