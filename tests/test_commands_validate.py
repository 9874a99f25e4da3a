"""hdhkits.commands.validate: ``hdhkits validate`` (the kits' submission checks are in each kit's tests)."""

import argparse

import pytest
from hdhkits.arguments import CommandError
from hdhkits.commands import validate


def parse(*argv):
    parser = argparse.ArgumentParser()
    validate.add_parser(parser.add_subparsers(dest="command"))
    return parser.parse_args(["validate", *map(str, argv)])


def test_a_missing_submission_says_where_the_notebook_writes_it(tmp_path):
    with pytest.raises(CommandError, match=r"sub.csv: file not found; .*03_submission writes"):
        validate.run(parse("annitia", tmp_path / "sub.csv"))


def test_the_data_folder_is_checked_before_the_twin_is_made(tmp_path):
    (tmp_path / "sub.csv").write_text("trustii_id\n1\n")
    with pytest.raises(CommandError, match=r"folder not found \(--data\); pass the folder holding the test file"):
        validate.run(parse("annitia", tmp_path / "sub.csv", "--data", tmp_path / "none"))
