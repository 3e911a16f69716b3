"""The work API's check of a report's raw-data zip: only a zip whose every file reads back whole is
kept, so that keeping it (and unpacking it, for packaging NONE) cannot fail half-way."""

from __future__ import annotations

import io
import struct
import zipfile
from pathlib import Path

import pytest

from codeyard.execution.artifact_store import ArtifactStore
from codeyard.execution.report_export import ExportRefused, check_zip

JUNIT = b'<testsuite name="s"><testcase classname="c" name="t"/></testsuite>' * 50
LOCAL, CENTRAL = b"PK\x03\x04", b"PK\x01\x02"


def _zip(compression: int = zipfile.ZIP_DEFLATED) -> bytearray:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        archive.writestr("reports/junit.xml", JUNIT)
    return bytearray(buffer.getvalue())


def _headers(data: bytearray, flags: int | None = None, method: int | None = None) -> bytearray:
    """The zip with its entry's flags or compression method changed in both of its headers."""
    local, central = data.index(LOCAL), data.index(CENTRAL)
    for offset in (local + 6, central + 8):
        if flags is not None:
            struct.pack_into("<H", data, offset, flags)
        if method is not None:
            struct.pack_into("<H", data, offset + 2, method)
    return data


def _damaged() -> bytearray:
    data = _zip()
    data[len(LOCAL) + 26 + len("reports/junit.xml") + 4] ^= 0xFF  # inside the deflated data
    return data


def _wrong_crc() -> bytearray:
    data = _zip(zipfile.ZIP_STORED)
    data[data.index(b"<testsuite") + 1] ^= 0x01  # stored bytes that no longer match the CRC
    return data


def _write(tmp_path: Path, data: bytes) -> Path:
    path = tmp_path / "raw.zip"
    path.write_bytes(data)
    return path


def test_a_zip_that_reads_back_whole_is_kept_and_unpacked(tmp_path: Path) -> None:
    upload = _write(tmp_path, _zip())
    check_zip(upload)
    ArtifactStore(tmp_path / "artifacts").keep("bucket", "g:1", upload, "NONE")
    assert (tmp_path / "artifacts" / "bucket" / "g:1" / "reports" / "junit.xml").read_bytes() == JUNIT


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(_damaged(), id="damaged deflate data"),
        pytest.param(_wrong_crc(), id="wrong CRC"),
        pytest.param(_headers(_zip(), flags=0x1), id="encrypted"),
        pytest.param(_headers(_zip(), method=99), id="unknown compression"),
    ],
)
def test_a_zip_whose_files_do_not_read_back_is_refused(tmp_path: Path, data: bytearray) -> None:
    with pytest.raises(ExportRefused, match="not a readable zip") as refused:
        check_zip(_write(tmp_path, bytes(data)))
    assert (refused.value.status, refused.value.kind) == (400, "InvalidReportData")


def _plain_zip(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


@pytest.mark.parametrize("names", [("a", "a/b"), ("a/b", "a")], ids=["file first", "directory first"])
def test_a_zip_naming_a_file_both_as_a_file_and_a_directory_is_refused(
    tmp_path: Path, names: tuple[str, str]
) -> None:
    with pytest.raises(ExportRefused, match="'a/b' under a file of its own") as refused:
        check_zip(_write(tmp_path, _plain_zip(dict.fromkeys(names, JUNIT))))
    assert (refused.value.status, refused.value.kind) == (400, "InvalidReportData")
