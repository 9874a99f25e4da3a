"""hdhkits.arguments: the subcommands' one error shape, seed type and shared checks."""

import argparse

import pytest
from hdhkits import cli
from hdhkits.arguments import (
    CommandError,
    command_error,
    input_file,
    input_folder,
    kit_problem,
    output_folder,
    seed_number,
    shaped_message,
    submission_argument,
)


def test_command_error_has_the_cli_shape():
    error = command_error("train.csv", "is empty", "download it again")
    assert isinstance(error, CommandError)
    assert str(error) == "train.csv: is empty; download it again"


def test_shaped_message_adds_what_is_missing_only():
    assert shaped_message("KIT", "unknown kit 'x'", "choose one") == "KIT: unknown kit 'x'; choose one"
    assert shaped_message("f.csv", "f.csv: empty; write it again", "unused") == "f.csv: empty; write it again"


def test_kit_problem_names_the_kits_in_its_error():
    assert kit_problem("annitia").name == "annitia"
    with pytest.raises(CommandError, match=r"^KIT: unknown kit .nokit.; the kits are: "):
        kit_problem("nokit")


def test_output_folder_refuses_a_file_and_a_full_folder_unless_forced(tmp_path):
    (tmp_path / "file").write_text("x")
    with pytest.raises(CommandError, match=r"file/out: cannot be a folder: .*file is a file; give --out"):
        output_folder(tmp_path / "file" / "out", "--out")
    full = tmp_path / "full"
    full.mkdir()
    (full / "mine.txt").write_text("keep")
    with pytest.raises(CommandError, match="exists and is not empty; .*--force"):
        output_folder(full, "--out", force=False)
    output_folder(full, "--out", force=True)
    output_folder(full, "--out")  # no --force flag on this command: the folder is written into


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


def test_input_folder_refuses_a_file_and_a_missing_folder(tmp_path):
    (tmp_path / "file").write_text("x")
    with pytest.raises(CommandError, match=r"file: is a file, not a folder \(--data\); pass the folder holding it"):
        input_folder(tmp_path / "file", "--data", "it")
    with pytest.raises(CommandError, match=r"nowhere: folder not found \(--data\); pass the folder holding it"):
        input_folder(tmp_path / "nowhere", "--data", "it")
    input_folder(tmp_path, "--data", "it")
    input_folder(None, "--data", "it")  # left out: the command's default applies


def test_input_file_gives_the_fix_for_a_missing_file_and_a_folder(tmp_path):
    with pytest.raises(CommandError, match=r"sub.csv: file not found; write it first$"):
        input_file(tmp_path / "sub.csv", "write it first")
    with pytest.raises(CommandError, match=r"; pass the truth file itself$"):
        input_file(tmp_path, "unused", kind="the truth file")
    (tmp_path / "sub.csv").write_text("a,b\n1,2\n")
    assert input_file(str(tmp_path / "sub.csv"), "unused") == tmp_path / "sub.csv"


def test_submission_argument_reads_a_file_and_names_a_cut_one(tmp_path):
    path = tmp_path / "sub.csv"
    path.write_text("trustii_id,risk\n1,0.5\n2,0.25\n")
    assert submission_argument(path)["risk"].tolist() == [0.5, 0.25]
    path.write_text("trustii_id,risk\n1,0.5\n2")  # cut in the middle of the last row
    with pytest.raises(CommandError, match=r"^.*sub.csv: .*; write or copy the file again$"):
        submission_argument(path)
