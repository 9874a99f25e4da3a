"""The `hdhkits` command: every subcommand, and clear errors instead of tracebacks."""

import subprocess
import sys

import pandas as pd
import pytest
from hdhkits.cli import main
from hdhkits.problem import KITS, get_problem

from .interrupt_support import ctrl_c, start


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


def test_list_shows_every_kit(capsys):
    code, out, _ = run(capsys, "list")
    assert code == 0
    for kit in KITS:
        assert get_problem(kit).title in out
    assert out.count("01_exploration.ipynb, 02_baseline.ipynb, 03_submission.ipynb") == len(KITS)


@pytest.mark.parametrize("kit", KITS)
def test_data_writes_participant_files_and_separate_truth(capsys, tmp_path, kit):
    out = tmp_path / "twin"
    code, text, _ = run(capsys, "data", kit, "--out", out, "--size", "quick", "--seed", "3")
    assert code == 0
    problem = get_problem(kit)
    truth = tmp_path / "twin_truth"
    assert (truth / problem.truth_file).is_file()
    assert str(truth) in text
    for name in problem.official_files:
        assert (out / name.rstrip("/")).exists(), name
    assert not (out / problem.truth_file).exists()
    # the written folder passes the official-layout check
    code, text, _ = run(capsys, "check", kit, out)
    assert code == 0 and "match the official" in text
    # refuses to overwrite without --force
    code, _, err = run(capsys, "data", kit, "--out", out, "--size", "quick")
    assert code == 2 and "--force" in err


def test_check_lists_problems_of_a_broken_folder(capsys, tmp_path):
    (tmp_path / "train.csv").write_text("a,b\n1,2\n")
    code, out, _ = run(capsys, "check", "annitia", tmp_path)
    assert code == 1 and "error(s)" in out and "error: train.csv: column 'patient_id_anon' is missing" in out


def test_check_passes_with_warnings_and_strict_fails(capsys, tmp_path, twin):
    from hdhkits.quirks import copy_data

    folder = copy_data(twin("annitia", "quick").data_dir, tmp_path / "data")
    train = pd.read_csv(folder / "train.csv")
    train.loc[3, "ggt_v2"] = -10.5  # noise-made impossible value, as in the official train.csv
    train.to_csv(folder / "train.csv", index=False)
    code, out, err = run(capsys, "check", "annitia", folder)
    assert code == 0, out + err
    assert "match the official ANNITIA layout" in out and "warning(s)" in out
    assert "warning: train.csv: column 'ggt_v2': 1 value(s) below 0 (smallest -10.5) at data row(s) 4" in out
    code, _, err = run(capsys, "check", "annitia", folder, "--strict")
    assert code == 1 and "--strict" in err
    # an error beside the warning: exit 1, the error printed before the warning
    train.rename(columns={"BMI_v1": "bmi_v1"}).to_csv(folder / "train.csv", index=False)
    code, out, _ = run(capsys, "check", "annitia", folder)
    assert code == 1
    assert out.index("error: train.csv: column 'BMI_v1' is missing; found 'bmi_v1'") < out.index("warning: ")


@pytest.mark.parametrize(
    "argv, message",
    [
        (["validate", "nokit", "x.csv"], "unknown kit 'nokit'"),
        (["validate", "annitia", "does_not_exist.csv", "--size", "quick"], "file not found"),
        (["score", "annitia", "does_not_exist.csv", "--truth", "nope.csv"], "file not found"),
        (["check", "annitia", "no_such_folder"], "no_such_folder: folder not found (DIR); pass the folder holding"),
        (["validate", "annitia", "a_file", "--data", "no_such_folder"], "no_such_folder: folder not found (--data)"),
        (["validate", "annitia", ".", "--size", "quick"], ".: is a folder, not a file; pass the submission CSV"),
        (["data", "annitia", "--out", "a_file"], "a_file: cannot be a folder: it is a file; give --out a folder"),
        (
            ["data", "annitia", "--out", "a_file/inside"],
            "a_file/inside: cannot be a folder: a_file is a file; give --out",
        ),
        (
            ["run", "annitia", "--out", "a_file/inside"],
            "a_file/inside: cannot be a folder: a_file is a file; give --out",
        ),
        (["run", "annitia", "--data", "no_such_folder"], "no_such_folder: folder not found (--data); pass the folder"),
        (["run", "annitia", "--jobs", "0"], "--jobs: 0 kits at a time is not possible; give 1 or more"),
        (["run"], "KIT: missing; name a kit"),
        (["check", "annitia", "a_file"], "a_file: is a file, not a folder (DIR); pass the folder holding train.csv"),
    ],
)
def test_bad_input_gets_one_clear_message(capsys, tmp_path, monkeypatch, argv, message):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a_file").write_text("not a folder")
    code, _, err = run(capsys, *argv)
    assert code == 2
    assert err.startswith("error: ") and message in err
    assert "; " in err.splitlines()[0]  # every error: <file or argument>: <what is wrong>; <the fix>


def test_unreadable_submission_is_reported(capsys, tmp_path):
    bad = tmp_path / "sub.csv"
    bad.write_bytes(b"\x00\xff\xfe not a csv")
    code, _, err = run(capsys, "validate", "cardihack", bad, "--size", "quick")
    assert code == 2 and f"error: {bad}: holds binary data (NUL bytes), not CSV text; pass the CSV file" in err


def test_score_refuses_mismatched_ids(capsys, tmp_path, twin):
    source = twin("cardihack", "quick")
    truth = pd.read_csv(source.truth_path)
    sub = pd.DataFrame({"trustii_id": truth["trustii_id"].iloc[:-1], "OUTCOME MACE": 0, "OUTCOME SEVERITY": 0.3})
    sub.to_csv(tmp_path / "sub.csv", index=False)
    code, _, err = run(capsys, "score", "cardihack", tmp_path / "sub.csv", "--truth", source.truth_path)
    assert code == 2 and "1 missing" in err and "hdhkits validate" in err


@pytest.mark.parametrize("kit", KITS)
def test_validate_and_score_take_the_columns_in_another_order(capsys, tmp_path, twin, kit):
    source = twin(kit, "quick")
    official = get_problem(kit).sample_submission(source.data_dir)
    header = ",".join(official.columns)
    official.to_csv(tmp_path / "official.csv", index=False)
    official[list(reversed(official.columns))].to_csv(tmp_path / "reversed.csv", index=False)
    code, out, _ = run(capsys, "validate", kit, tmp_path / "reversed.csv", "--data", source.data_dir)
    assert code == 0 and "reversed.csv: valid" in out, out
    assert (
        f"1 warning(s) (the file is scored as given):\n  - warning: columns in another order than the official "
        f"{header}; scored by name here, but the challenge platform may require the official order: write the "
        f"header {header}"
    ) in out
    scores = []
    for name in ("official", "reversed"):
        code, out, err = run(capsys, "score", kit, tmp_path / f"{name}.csv", "--truth", source.truth_path, "--json")
        assert code == 0, err
        scores.append(out)
    assert scores[0] == scores[1]


def test_console_script_is_installed():
    result = subprocess.run([sys.executable, "-m", "hdhkits.cli", "--version"], capture_output=True, text=True)
    assert result.returncode == 0 and result.stdout.startswith("hdhkits ")
    result = subprocess.run([sys.executable, "-m", "hdhkits.cli", "run", "nokit"], capture_output=True, text=True)
    assert result.returncode == 2 and "Traceback" not in result.stderr


@pytest.mark.parametrize("seed, message", [("-1", "-1 is negative"), ("x", "'x' is not a whole number")])
def test_a_bad_seed_is_a_usage_error(capsys, tmp_path, seed, message):
    with pytest.raises(SystemExit) as info:
        main(["data", "annitia", "--out", str(tmp_path / "d"), "--seed", seed])
    _, err = capsys.readouterr()
    assert info.value.code == 2 and message in err and "Traceback" not in err
    assert not (tmp_path / "d").exists()


def test_semicolon_separated_submission_is_named(capsys, tmp_path, twin):
    source = twin("annitia", "quick")
    ids = pd.read_csv(source.data_dir / "val_test.csv")["trustii_id"]
    sub = pd.DataFrame({"trustii_id": ids, "risk_hepatic_event": 0.1, "risk_death": 0.2})
    sub.to_csv(tmp_path / "sub.csv", index=False, sep=";")
    code, out, _ = run(capsys, "validate", "annitia", tmp_path / "sub.csv", "--data", source.data_dir)
    assert code == 1 and "1 problem(s)" in out and "looks ';'-separated" in out and "missing column" not in out


def test_unexpected_errors_are_one_line_unless_debug(capsys, monkeypatch):
    from hdhkits.commands import listing

    def bug(args):
        raise ZeroDivisionError("a bug")

    monkeypatch.setattr(listing, "run", bug)
    code, _, err = run(capsys, "list")
    assert code == 3 and "unexpected ZeroDivisionError: a bug" in err and "--debug" in err
    assert len(err.strip().splitlines()) == 1
    with pytest.raises(ZeroDivisionError):
        main(["--debug", "list"])


def test_unwritable_output_is_a_sentence(capsys, monkeypatch, tmp_path):
    from hdhkits.commands import data

    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied", str(tmp_path / "d"))

    monkeypatch.setattr(data, "write_twin", refuse)
    code, _, err = run(capsys, "data", "annitia", "--out", tmp_path / "d", "--size", "quick")
    assert code == 2 and f"error: {tmp_path / 'd'}: permission denied; give yourself access to it" in err


def test_ctrl_c_during_data_prints_one_line_and_leaves_nothing(tmp_path):
    # the CYTOLOGIA twin draws its images in a process pool: the workers must stay quiet
    import time

    out = tmp_path / "twin"
    proc = start([sys.executable, "-m", "hdhkits.cli", "data", "cytologia", "--out", str(out)])
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not any(tmp_path.glob(".*twin*")):
        time.sleep(0.1)  # wait until the generation has started (its temporary folder exists)
    time.sleep(1.0)
    ctrl_c(proc)  # the whole process group
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert err.strip() == "interrupted"
    assert not out.exists() and not (tmp_path / "twin_truth").exists()
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("kit", KITS)
def test_check_names_a_cut_download(capsys, tmp_path, twin, kit):
    from hdhkits.quirks import copy_data

    folder = copy_data(twin(kit, "quick").data_dir, tmp_path / "data")
    text = (folder / "train.csv").read_text()
    (folder / "train.csv").write_text(text[: len(text) // 2])  # cut in the middle of a line
    code, out, _ = run(capsys, "check", kit, folder)
    assert code == 1
    assert "error: train.csv: the last line has" in out and "the file looks cut" in out
