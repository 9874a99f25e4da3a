"""``--demo``: a twin, N plausible submissions and their leaderboard, for every kit at quick size."""

from __future__ import annotations

import pytest
from hdhkits.findings import DataError
from hdhkits.leaderboard import demo as demo_module
from hdhkits.leaderboard.demo import run_demo
from hdhkits.leaderboard.outputs import FILES
from hdhkits.problem import KITS, Problem, get_problem


@pytest.mark.slow
@pytest.mark.parametrize("kit", KITS)
def test_demo_ranks_n_valid_submissions_and_lists_the_broken_ones(kit, tmp_path, twin):
    twin(kit)  # the session's cached quick twin: the demo reuses it
    run = run_demo(get_problem(kit), 5, tmp_path / "out", size="quick", n_boot=100)
    table = run.leaderboard.table
    assert table["valid"].sum() == 5, table[["submission", "error"]]
    assert sorted(table.loc[~table["valid"], "submission"]) == ["broken_header", "empty_upload"]
    files = sorted(p.name for p in run.submissions.iterdir())
    assert len(files) == 7 and sum(f.endswith(".zip") for f in files) == 1
    assert all((tmp_path / "out" / name).is_file() for name in FILES)
    assert run.leaderboard.settings["demo"] == {"n": 5, "twin_seed": 0, "twin_size": "quick"}
    assert run.truth.is_file() and run.data_dir.is_dir()


def test_a_kit_without_demo_submissions_gets_a_sentence(monkeypatch, tmp_path, twin):
    twin("cardihack")
    problem = get_problem("cardihack")
    monkeypatch.setattr(type(problem), "demo_submissions", Problem.demo_submissions)  # as if the kit had none
    with pytest.raises(DataError, match="Cardi-HACK kit has no demo submissions; implement Problem.demo_submissions"):
        run_demo(problem, 3, tmp_path / "out", size="quick")
    assert not (tmp_path / "out").exists()


def test_a_failed_demo_leaves_nothing(monkeypatch, tmp_path, twin):
    twin("cardihack")
    problem = get_problem("cardihack")
    monkeypatch.setattr(  # the kit's models are not what this test is about
        problem, "demo_submissions", lambda data_dir, truth, seed: {"s": problem.sample_submission(data_dir)}
    )

    def fail(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(demo_module, "build_leaderboard", fail)
    with pytest.raises(KeyboardInterrupt):
        run_demo(problem, 3, tmp_path / "out", size="quick")
    assert list(tmp_path.iterdir()) == []
