"""hdhkits.commands.check: ``hdhkits check`` (the kits' data checks are in each kit's tests)."""

import argparse

import pytest
from hdhkits.arguments import CommandError
from hdhkits.commands import check


def parse(*argv):
    parser = argparse.ArgumentParser()
    check.add_parser(parser.add_subparsers(dest="command"))
    return parser.parse_args(["check", *map(str, argv)])


def test_a_file_given_as_the_folder_is_refused(tmp_path):
    (tmp_path / "train.csv").write_text("x")
    with pytest.raises(CommandError, match=r"train.csv: is a file, not a folder \(DIR\); pass the folder holding"):
        check.run(parse("annitia", tmp_path / "train.csv"))


def test_an_empty_folder_has_errors_and_exits_1(tmp_path, capsys):
    assert check.run(parse("annitia", tmp_path)) == 1
    assert "error(s)" in capsys.readouterr().out
