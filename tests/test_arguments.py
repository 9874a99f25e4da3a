"""hdhkits.arguments: the subcommands' one error shape and seed type."""

import argparse

import pytest
from hdhkits import cli
from hdhkits.arguments import CommandError, command_error, seed_number


def test_command_error_has_the_cli_shape():
    error = command_error("train.csv", "is empty", "download it again")
    assert isinstance(error, CommandError)
    assert str(error) == "train.csv: is empty; download it again"


def test_cli_reexports_the_same_error_class():
    # `from hdhkits.cli import CommandError` (documented) must catch what the subcommands raise.
    assert cli.CommandError is CommandError


@pytest.mark.parametrize("text, value", [("0", 0), ("42", 42), ("007", 7)])
def test_seed_number_reads_whole_numbers(text, value):
    assert seed_number(text) == value


@pytest.mark.parametrize(
    "text, message", [("-1", "negative"), ("1.5", "not a whole number"), ("abc", "not a whole number")]
)
def test_seed_number_rejects_with_a_sentence(text, message):
    with pytest.raises(argparse.ArgumentTypeError, match=message):
        seed_number(text)


@pytest.mark.parametrize(
    "argv",
    [
        ["data", "annitia", "--out", "x", "--seed", "-3"],
        ["leaderboard", "annitia", "--demo", "3", "--out", "x", "--seed", "-3"],
        ["workshop", "annitia", "--out", "x", "--seed", "-3"],
    ],
)
def test_every_subcommand_rejects_a_negative_seed(argv, capsys):
    with pytest.raises(SystemExit) as exit_info:
        cli.build_parser().parse_args(argv)
    assert exit_info.value.code == 2
    assert "negative" in capsys.readouterr().err
