"""hdhkits.commands.data: ``hdhkits data`` (the end-to-end runs are in test_cli.py and test_faults.py)."""

import argparse

import pytest
from hdhkits.arguments import CommandError
from hdhkits.commands import data


def parse(*argv):
    parser = argparse.ArgumentParser()
    data.add_parser(parser.add_subparsers(dest="command"))
    return parser.parse_args(["data", *map(str, argv)])


def test_the_truth_goes_beside_the_participant_files_by_default():
    args = parse("annitia", "--out", "twin")
    assert (args.truth_out, args.seed, args.size, args.force, args.func) == (None, 0, "default", False, data.run)


def test_a_twin_failing_half_way_leaves_neither_folder(monkeypatch, tmp_path):
    def half_written(problem, out, truth, seed, size):
        truth.mkdir()  # the truth is in place when writing the participant files fails
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(data, "write_twin", half_written)
    with pytest.raises(OSError):
        data.run(parse("annitia", "--out", tmp_path / "twin", "--size", "quick"))
    assert list(tmp_path.iterdir()) == []


def test_a_full_output_folder_needs_force(tmp_path):
    (tmp_path / "twin").mkdir()
    (tmp_path / "twin" / "keep.txt").write_text("x")
    with pytest.raises(CommandError, match="exists and is not empty; .*--force"):
        data.run(parse("annitia", "--out", tmp_path / "twin"))
