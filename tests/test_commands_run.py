"""hdhkits.commands.run: ``hdhkits run``'s argument checks (the notebook runs are in test_runner_*.py)."""

import argparse

import pytest
from hdhkits.arguments import CommandError
from hdhkits.commands import run


def parse(*argv):
    parser = argparse.ArgumentParser()
    run.add_parser(parser.add_subparsers(dest="command"))
    return parser.parse_args(["run", *map(str, argv)])


@pytest.mark.parametrize(
    "argv, message",
    [
        ((), r"^KIT: missing; name a kit \(.*\) or all"),
        (("annitia", "--jobs", "0"), r"^--jobs: 0 kits at a time is not possible; give 1 or more$"),
        (("annitia", "--report-only", "out"), r"^--report-only: takes only the output folder, not the kit 'annitia'"),
        (("annitia", "--data", "no/such/folder"), r"folder not found \(--data\)"),
    ],
)
def test_arguments_are_checked_before_anything_runs(argv, message, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(CommandError, match=message):
        run.run(parse(*argv))
    assert list(tmp_path.iterdir()) == []


def test_report_only_needs_a_previous_run(tmp_path):
    with pytest.raises(CommandError, match="holds no run.json, so it is not the output folder of an `hdhkits run`"):
        run.run(parse("--report-only", tmp_path))
