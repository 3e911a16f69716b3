"""The line splitter: chunks to lines, partial lines kept, long lines cut, bad UTF-8 replaced."""

from __future__ import annotations

from codeyard.runner.engine.lines import LineSplitter


def test_lines_split_across_chunks_come_whole() -> None:
    splitter = LineSplitter()
    assert splitter.feed(b"one\ntw") == ["one"]
    assert splitter.feed(b"o\r\nthr") == ["two"]
    assert splitter.flush() == ["thr"]
    assert splitter.flush() == []


def test_a_multibyte_character_split_by_a_chunk_survives() -> None:
    splitter = LineSplitter()
    data = "héllo wörld\n".encode()
    assert splitter.feed(data[:2]) == []
    assert splitter.feed(data[2:]) == ["héllo wörld"]
    assert splitter.feed(b"\xff\n") == ["\ufffd"]


def test_a_line_longer_than_the_limit_is_cut_and_memory_stays_bounded() -> None:
    splitter = LineSplitter(limit=1000)
    pieces = splitter.feed(b"x" * 10_000)
    assert all(len(piece) <= 1000 for piece in pieces)
    assert "".join(pieces + splitter.flush()) == "x" * 10_000
