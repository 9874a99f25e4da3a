"""``hdhkits leaderboard`` from the command line: the run, the demo, and one-line errors."""

from __future__ import annotations

import itertools
import json

import pandas as pd
import pytest
from hdhkits.cli import main
from hdhkits.leaderboard.outputs import FILES
from hdhkits.problem import get_problem

from .leaderboard_support import noisy_copies


@pytest.fixture(scope="module")
def folder(twin, tmp_path_factory):
    """A cardihack twin and a folder with two valid submissions and a broken one."""
    source = twin("cardihack")
    problem = get_problem("cardihack")
    subs = tmp_path_factory.mktemp("subs")
    sample = problem.sample_submission(source.data_dir)
    sample.to_csv(subs / "dummy.csv", index=False)
    sample.assign(**{"OUTCOME MACE": sample.index % 3}).to_csv(subs / "guess.csv", index=False)
    (subs / "broken.csv").write_text("trustii_id\n1\n")
    return source, subs


def test_ranks_a_folder_and_writes_the_three_files(folder, tmp_path, capsys):
    source, subs = folder
    out = tmp_path / "board"
    code = main(
        [
            "leaderboard",
            "cardihack",
            str(subs),
            "--truth",
            str(source.truth_path),
            "--out",
            str(out),
            "--boot",
            "100",
            "--public-share",
            "0.3",
        ]
    )
    printed = capsys.readouterr().out
    assert code == 0, printed
    assert sorted(p.name for p in out.iterdir()) == sorted(FILES)
    assert "not scored: broken.csv: missing column(s)" in printed and "is first with" in printed
    assert "hdhkits leaderboard cardihack" in (out / "leaderboard.html").read_text()
    assert str(tmp_path) not in (out / "leaderboard.html").read_text()  # no machine path on the page
    # the same again needs --force, and gives the same table
    assert (
        main(
            [
                "leaderboard",
                "cardihack",
                str(subs),
                "--truth",
                str(source.truth_path),
                "--out",
                str(out),
                "--boot",
                "100",
                "--public-share",
                "0.3",
            ]
        )
        == 2
    )
    before = (out / "leaderboard.csv").read_text()
    assert (
        main(
            [
                "leaderboard",
                "cardihack",
                str(subs),
                "--truth",
                str(source.truth_path.parent),
                "--out",
                str(out),
                "--boot",
                "100",
                "--public-share",
                "0.3",
                "--force",
                "--data",
                str(source.data_dir),
            ]
        )
        == 0
    )
    assert (out / "leaderboard.csv").read_text() == before


def test_forty_submissions_with_their_columns_in_another_order_are_ranked_with_the_warning(twin, tmp_path, capsys):
    """As an organiser met them: 40 files written by pandas with the three columns in another order."""
    source = twin("cardihack")
    truth = get_problem("cardihack").read_truth(source.truth_path)
    official = ["trustii_id", "OUTCOME MACE", "OUTCOME SEVERITY"]
    orders = [list(o) for o in itertools.permutations(official) if list(o) != official]
    subs = tmp_path / "subs"
    subs.mkdir()
    for i, (table, order) in enumerate(zip(noisy_copies("cardihack", truth, 40), itertools.cycle(orders))):
        table[order].to_csv(subs / f"team{i:02d}.csv", index=False)
    out = tmp_path / "board"
    args = ["leaderboard", "cardihack", str(subs), "--truth", str(source.truth_path), "--out", str(out)]
    code = main([*args, "--data", str(source.data_dir), "--boot", "100"])
    printed, said = capsys.readouterr()
    assert code == 0, printed + said
    warning = (
        "columns in another order than the official trustii_id,OUTCOME MACE,OUTCOME SEVERITY; scored by name "
        "here, but the challenge platform may require the official order: write the header "
        "trustii_id,OUTCOME MACE,OUTCOME SEVERITY"
    )
    table = pd.read_csv(out / "leaderboard.csv")
    assert len(table) == 40 and table["valid"].all() and table["rank"].notna().all()
    assert (table["warning"] == warning).all() and (table["warnings"] == 1).all()
    doc = json.loads((out / "leaderboard.json").read_text())
    assert len(doc["pairwise"]["order"]) == 40 and all(row["warning"] == warning for row in doc["rows"])
    assert any(p.startswith("40 ranked submission(s) carry a warning") for p in doc["summary"]["reading"])
    assert (out / "leaderboard.html").read_text().count(warning) == 40
    assert "not scored" not in printed and "40 ranked submission(s) with a warning" in printed, printed
    # scored by name: each file scores as its copy in the official order
    team = pd.read_csv(subs / "team07.csv")
    expected = get_problem("cardihack").score_submission(team[official], truth).value
    assert table.set_index("submission").loc["team07", "score"] == pytest.approx(expected, abs=1e-12)


@pytest.mark.slow
def test_demo_from_the_command_line(twin, tmp_path, capsys):
    twin("cardihack")
    code = main(
        ["leaderboard", "cardihack", "--demo", "4", "--size", "quick", "--boot", "100", "--out", str(tmp_path / "demo")]
    )
    printed = capsys.readouterr().out
    assert code == 0, printed
    assert "the same leaderboard by hand" in printed and (tmp_path / "demo" / "submissions").is_dir()


@pytest.mark.parametrize(
    "args, where, what",
    [
        (["nope", "S", "--truth", "T"], "KIT", "unknown kit"),
        (["cardihack", "--truth", "T"], "SUBMISSIONS", "missing"),
        (["cardihack", "S"], "--truth", "missing"),
        (["cardihack", "S", "--truth", "T", "--boot", "10"], "--boot", "too few"),
        (["cardihack", "S", "--truth", "T", "--public-share", "1"], "--public-share", "strictly between"),
        (["cardihack", "S", "--truth", "T", "--jobs", "0"], "--jobs", "not possible"),
        (["cardihack", "--demo", "1"], "--demo", "no ranking"),
        (["cardihack", "S", "--demo", "5"], "--demo", "builds its own"),
        (["cardihack", "EMPTY", "--truth", "TRUTH"], "EMPTY", "holds no .csv or .zip"),
        (["cardihack", "MISSING", "--truth", "TRUTH"], "MISSING", "folder not found"),
        (["cardihack", "S", "--truth", "MISSING"], "MISSING", "not found (--truth)"),
        (["cardihack", "S", "--truth", "TRUTH", "--data", "MISSING"], "MISSING", "folder not found (--data)"),
    ],
)
def test_argument_errors_are_one_line_with_the_fix(args, where, what, folder, tmp_path, capsys):
    source, subs = folder
    (tmp_path / "empty").mkdir()
    names = {
        "S": str(subs),
        "T": str(source.truth_path),
        "TRUTH": str(source.truth_path),
        "EMPTY": str(tmp_path / "empty"),
        "MISSING": str(tmp_path / "missing"),
    }
    code = main(["leaderboard", *[names.get(a, a) for a in args], "--out", str(tmp_path / "out")])
    err = capsys.readouterr().err.strip()
    assert code == 2 and len(err.splitlines()) == 1, err
    assert err.startswith(f"error: {names.get(where, where)}: ") and what in err and "; " in err
    assert not (tmp_path / "out").exists()


def test_out_cannot_hold_the_submissions_or_be_a_file(folder, tmp_path, capsys):
    source, subs = folder
    assert (
        main(
            [
                "leaderboard",
                "cardihack",
                str(subs),
                "--truth",
                str(source.truth_path),
                "--out",
                str(subs.parent),
                "--force",
            ]
        )
        == 2
    )
    assert "would replace" in capsys.readouterr().err
    (tmp_path / "file").write_text("x")
    assert (
        main(
            [
                "leaderboard",
                "cardihack",
                str(subs),
                "--truth",
                str(source.truth_path),
                "--out",
                str(tmp_path / "file" / "out"),
            ]
        )
        == 2
    )
    assert "is a file" in capsys.readouterr().err


def test_a_truth_that_does_not_fit_the_kit_is_one_error(folder, tmp_path, capsys):
    _source, subs = folder
    bad = tmp_path / "truth.csv"
    bad.write_text("trustii_id,something\n1,2\n")
    code = main(["leaderboard", "cardihack", str(subs), "--truth", str(bad), "--out", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert code == 2 and f"error: {bad}: " in err and "OUTCOME MACE" in err and "Traceback" not in err
