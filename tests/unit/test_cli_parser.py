"""The command line parsed by the parser of the named command alone, as the full parser parses it."""

from __future__ import annotations

import pytest

from codeyard.cli.main import _parse_args, _parser

LINES = [
    ["build"],
    ["build", "--in-place", "--env", "A=1", "--env", "B=two", "-q", "--timeout", "5"],
    ["build", "-b", "ci/buildspec.yml", "--source", "src", "--artifacts", "out", "--packaging", "NONE"],
    ["lint", "a.yml", "b.yml"],
    ["runner", "--server", "http://127.0.0.1:1", "--token", "t", "--name", "r1"],
    ["up", "--port", "1234", "--test-mode"],
    ["config", "--data-dir", "/tmp/x"],
    ["db", "upgrade", "--database-url", "sqlite://"],
]


@pytest.mark.parametrize("argv", LINES, ids=" ".join)
def test_the_same_namespace_as_the_full_parser(argv: list[str]) -> None:
    assert _parse_args(argv) == _parser().parse_args(argv)


@pytest.mark.parametrize(
    "argv",
    [["build", "--bogus"], ["build", "extra"], ["build", "--timeout", "soon"], ["lint"], ["bogus"], []],
    ids=lambda argv: " ".join(argv) or "nothing",
)
def test_errors_are_reported_by_the_full_parser(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as ended:
        _parser().parse_args(argv)
    expected = capsys.readouterr().err
    with pytest.raises(SystemExit) as trial:
        _parse_args(argv)
    assert (trial.value.code, capsys.readouterr().err) == (ended.value.code, expected)
    assert trial.value.code == 2
    assert "usage: codeyard" in expected


def test_a_commands_help_is_the_same(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        _parser().parse_args(["build", "--help"])
    expected = capsys.readouterr().out
    with pytest.raises(SystemExit) as trial:
        _parse_args(["build", "--help"])
    assert trial.value.code == 0
    assert capsys.readouterr().out == expected
    assert "--in-place" in expected
