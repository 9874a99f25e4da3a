"""hdhkits.commands.score: ``hdhkits score`` (scores against twins are in test_cli.py)."""

import argparse

import pytest
from hdhkits.arguments import CommandError
from hdhkits.commands import score


def parse(*argv):
    parser = argparse.ArgumentParser()
    score.add_parser(parser.add_subparsers(dest="command"))
    return parser.parse_args(["score", *map(str, argv)])


def test_a_missing_truth_file_says_which_command_writes_it(tmp_path):
    (tmp_path / "sub.csv").write_text("trustii_id,risk_hepatic_event,risk_death\n1,0.1,0.2\n")
    with pytest.raises(CommandError, match=r"truth.csv: file not found; pass the truth file `hdhkits data annitia`"):
        score.run(parse("annitia", tmp_path / "sub.csv", "--truth", tmp_path / "truth.csv"))


def test_truth_is_required():
    with pytest.raises(SystemExit):
        parse("annitia", "sub.csv")
