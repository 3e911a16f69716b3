"""The log masker: secrets printed in ten ways, access key ids, short secrets, long lines cut safely."""

from __future__ import annotations

import base64

import pytest

from codeyard.runner.engine.lines import LineSplitter
from codeyard.runner.engine.masking import MIN_SECRET_LENGTH, Masker

SECRET = "s3cr3t-Value"
MULTI = "-----BEGIN KEY-----\nAbCdEfGh12345\nZyXwVu98765\n-----END KEY-----"


def _log(masker: Masker, text: str) -> list[str]:
    splitter = LineSplitter(masker.safe_cut)
    return [masker.mask(line) for line in splitter.feed(text.encode()) + splitter.flush()]


@pytest.mark.parametrize(
    ("printed", "expected"),
    [
        (SECRET, ["***"]),
        (f"password={SECRET} done", ["password=*** done"]),
        (f"{SECRET} at the start", ["*** at the start"]),
        (f"at the end {SECRET}", ["at the end ***"]),
        (f"{SECRET}{SECRET} and {SECRET}", ["****** and ***"]),
        (f"\t'{SECRET}'\r\n", ["\t'***'"]),
        (f'json {{"p": "{SECRET}"}}', ['json {"p": "***"}']),
        (MULTI, ["***", "***", "***", "***"]),
        (f"key: {MULTI} end", ["key: ***", "***", "***", "*** end"]),
        (f"prefix-{SECRET}-suffix\nclean line", ["prefix-***-suffix", "clean line"]),
    ],
)
def test_a_secret_printed_in_ten_ways_is_masked(printed: str, expected: list[str]) -> None:
    masker = Masker([SECRET, MULTI])
    assert _log(masker, printed) == expected


def test_transformed_values_are_not_masked_as_aws() -> None:
    masker = Masker([SECRET])
    encoded = base64.b64encode(SECRET.encode()).decode()
    assert _log(masker, f"{encoded} {SECRET[::-1]} {SECRET.upper()}") == [
        f"{encoded} {SECRET[::-1]} {SECRET.upper()}"
    ]


def test_access_key_ids_are_masked_without_being_secrets() -> None:
    masker = Masker()
    assert masker.mask("key AKIAIOSFODNN7EXAMPLE and ASIAXXXXXXXXXXXXXXXX.") == "key *** and ***."
    assert masker.mask("not a key: XAKIAIOSFODNN7EXAMPLE1") == "not a key: XAKIAIOSFODNN7EXAMPLE1"


def test_short_secrets_are_not_masked_and_are_answered_for_a_warning() -> None:
    masker = Masker()
    too_short = masker.add(["ab", "x" * MIN_SECRET_LENGTH])
    assert too_short == ["ab"]
    assert masker.mask("ab cab xxxx") == "ab cab ***"


def test_a_secret_across_the_cut_of_a_very_long_line_stays_masked() -> None:
    masker = Masker([SECRET])
    splitter = LineSplitter(masker.safe_cut, limit=64)
    text = ("a" * 13 + SECRET) * 20
    pieces = [masker.mask(piece) for piece in splitter.feed(text.encode()) + splitter.flush()]
    assert len(pieces) > 1
    assert SECRET[:4] not in "".join(pieces)
    assert "".join(pieces) == ("a" * 13 + "***") * 20
