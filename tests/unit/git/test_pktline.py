"""pkt-lines: the command list of a push read ahead of git, and receive-pack's report read as it streams."""

from __future__ import annotations

import pytest

from codeyard.git.pktline import (
    FLUSH,
    Command,
    CommandReader,
    PktError,
    PktReader,
    ReportScanner,
    pkt,
    rejection_report,
)

A = "a" * 40
B = "b" * 40
ZERO = "0" * 40
PACK = b"PACK\x00\x00\x00\x02\x00\x00\x00\x00" + b"\x12" * 20


def push_body(*lines: str, caps: str = "report-status side-band-64k agent=git/2.39") -> bytes:
    first, *rest = lines
    body = pkt(f"{first}\0{caps}\n".encode()) + b"".join(pkt(f"{line}\n".encode()) for line in rest)
    return body + FLUSH + PACK


def feed_bytewise(reader: CommandReader, data: bytes) -> None:
    for index in range(len(data)):
        if reader.feed(data[index : index + 1]):
            return


def test_pkt_reader_splits_lines_across_reads_and_reports_flushes() -> None:
    reader = PktReader()
    data = pkt(b"one\n") + pkt(b"two") + FLUSH + b"0001" + pkt(b"three")
    out: list[bytes | None] = []
    for index in range(0, len(data), 3):
        out += reader.feed(data[index : index + 3])
    assert out == [b"one\n", b"two", None, None, b"three"]


def test_pkt_reader_refuses_what_is_not_a_length() -> None:
    with pytest.raises(PktError):
        PktReader().feed(b"PACK....")


def test_pkt_refuses_a_payload_over_the_limit() -> None:
    assert len(pkt(b"x" * 65516)) == 65520
    with pytest.raises(PktError):
        pkt(b"x" * 65517)


def test_command_reader_stops_at_the_flush_and_keeps_every_byte_for_git() -> None:
    body = push_body(f"{A} {B} refs/heads/main", f"{ZERO} {B} refs/tags/v1", f"{A} {ZERO} refs/heads/old")
    reader = CommandReader()
    feed_bytewise(reader, body)
    assert reader.done
    assert reader.commands == [
        Command(A, B, "refs/heads/main"),
        Command(ZERO, B, "refs/tags/v1"),
        Command(A, ZERO, "refs/heads/old"),
    ]
    assert reader.refs == ["refs/heads/main", "refs/tags/v1", "refs/heads/old"]
    assert bytes(reader.consumed) == body[: len(body) - len(PACK)]
    assert reader.sideband
    assert reader.wants_report
    assert reader.capabilities == {"report-status", "side-band-64k", "agent=git/2.39"}


def test_command_reader_takes_the_pack_that_follows_in_the_same_read() -> None:
    body = push_body(f"{A} {B} refs/heads/main")
    reader = CommandReader()
    assert reader.feed(body)
    assert bytes(reader.consumed) == body
    with pytest.raises(PktError):
        reader.feed(b"more")


def test_command_values_zero_means_created_or_deleted() -> None:
    assert Command(ZERO, B, "refs/heads/x").old_value is None
    assert Command(A, ZERO, "refs/heads/x").new_value is None
    assert (Command(A, B, "r").old_value, Command(A, B, "r").new_value) == (A, B)


def test_command_reader_skips_shallow_lines_and_reads_sha256_ids() -> None:
    long_a, long_b = "a" * 64, "b" * 64
    body = pkt(f"shallow {A}\n".encode()) + pkt(
        f"{long_a} {long_b} refs/heads/main\0report-status\n".encode()
    )
    reader = CommandReader()
    reader.feed(body + FLUSH)
    assert reader.commands == [Command(long_a, long_b, "refs/heads/main")]
    assert not reader.sideband


def test_a_flush_alone_is_an_empty_push() -> None:
    reader = CommandReader()
    assert reader.feed(FLUSH)
    assert reader.commands == []


def test_command_reader_refuses_an_endless_command_list() -> None:
    reader = CommandReader()
    line = pkt(f"{A} {B} refs/heads/{'x' * 60000}\n".encode())
    for _ in range(139):
        reader.feed(line)
    with pytest.raises(PktError):
        reader.feed(line)


def report(*lines: str, sideband: bool) -> bytes:
    inner = b"".join(pkt(f"{line}\n".encode()) for line in lines) + FLUSH
    if not sideband:
        return inner
    progress = pkt(b"\x02Resolving deltas: 100% (1/1)\n")
    half = len(inner) // 2
    return progress + pkt(b"\x01" + inner[:half]) + progress + pkt(b"\x01" + inner[half:]) + FLUSH


@pytest.mark.parametrize("sideband", [True, False])
def test_report_scanner_reads_ok_and_ng_lines(sideband: bool) -> None:
    scanner = ReportScanner(sideband)
    data = report(
        "unpack ok", "ok refs/heads/main", "ng refs/heads/dev failed to update ref", sideband=sideband
    )
    for index in range(0, len(data), 5):
        scanner.feed(data[index : index + 5])
    assert scanner.complete
    assert not scanner.broken
    assert scanner.unpack == "ok"
    assert scanner.ok == {"refs/heads/main"}
    assert scanner.rejected == {"refs/heads/dev": "failed to update ref"}


def test_report_scanner_is_incomplete_when_cut_off_and_broken_on_garbage() -> None:
    cut = ReportScanner(True)
    cut.feed(report("unpack ok", "ok refs/heads/main", sideband=True)[:-12])
    assert not cut.complete
    garbage = ReportScanner(False)
    garbage.feed(b"zzzz")
    assert garbage.broken


@pytest.mark.parametrize("caps", ["report-status side-band-64k", "report-status"])
def test_a_rejection_report_reads_back_as_every_ref_rejected(caps: str) -> None:
    reader = CommandReader()
    reader.feed(push_body(f"{A} {B} refs/heads/main", f"{ZERO} {B} refs/heads/x", caps=caps))
    data = rejection_report(reader, "denied by policy", "User: u is not authorized\nsecond line")
    scanner = ReportScanner(reader.sideband)
    scanner.feed(data)
    assert scanner.complete
    assert scanner.unpack == "ok"
    assert scanner.rejected == {"refs/heads/main": "denied by policy", "refs/heads/x": "denied by policy"}
    assert (b"\x02User: u is not authorized\n" in data) == reader.sideband
