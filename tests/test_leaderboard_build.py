"""The leaderboard against independent code: a plain bootstrap loop over the official ``score``.

For each kit a small field (a perfect submission, two noisy ones, the sample submission
and an exact copy) is ranked by :func:`build_leaderboard`; the same resamples are then
replayed by rebuilding every resampled table and calling the kit's official metric on
it (``tests/leaderboard_support.py``), and the intervals, ranks and P(best) are computed
again with loops.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hdhkits.leaderboard.build import COLUMNS, Context, build_leaderboard, score_file, summarise
from hdhkits.leaderboard.inputs import SubmissionFile
from hdhkits.leaderboard.resampling import make_plan, resample_indices
from hdhkits.leaderboard.split import public_mask
from hdhkits.problem import KITS, get_problem

from .leaderboard_support import UNIT_COLUMN, direct_ranks, field_of_submissions, plain_bootstrap, write_field

BOOT = {"cardihack": 30, "annitia": 50, "cytologia": 30}  # the official Cardi-HACK score takes 40-90 ms


@pytest.fixture(scope="module")
def fields(twin, tmp_path_factory):
    """Per kit: the twin, its truth, the field of submissions, their folder and their leaderboard."""
    out = {}
    for kit in KITS:
        source = twin(kit)
        problem = get_problem(kit)
        truth = problem.read_truth(source.truth_path)
        subs = field_of_submissions(kit, source.data_dir, truth)
        folder = write_field(subs, tmp_path_factory.mktemp(f"subs-{kit}"))
        subs = {name: pd.read_csv(folder / f"{name}.csv") for name in subs}  # as the leaderboard reads them
        lb = build_leaderboard(problem, folder, source.truth_path, data_dir=source.data_dir, n_boot=BOOT[kit], seed=3)
        out[kit] = (source, truth, subs, lb, folder)
    return out


@pytest.mark.parametrize("kit", KITS)
def test_intervals_ranks_and_p_best_equal_a_plain_bootstrap(kit, fields):
    _source, truth, subs, lb, _ = fields[kit]
    indices = list(resample_indices(truth[UNIT_COLUMN[kit]].nunique(), BOOT[kit], seed=3))
    scores = plain_bootstrap(kit, truth, subs, indices)
    scores = scores[:, np.isfinite(scores).all(0)]
    assert lb.settings["resamples_used"] == scores.shape[1]
    ranks = direct_ranks(scores)
    table = lb.table.set_index("submission")
    for s, name in enumerate(subs):
        row = table.loc[name]
        assert row["score"] == pytest.approx(get_problem(kit).score_submission(subs[name], truth).value, abs=1e-12)
        assert row["low"] == pytest.approx(np.quantile(scores[s], 0.025), abs=1e-9)
        assert row["high"] == pytest.approx(np.quantile(scores[s], 0.975), abs=1e-9)
        assert row["rank_median"] == np.median(ranks[s])
        assert row["rank_low"] == np.sort(ranks[s])[int(np.ceil(0.025 * len(ranks[s]))) - 1]
        assert row["rank_high"] == np.sort(ranks[s])[int(np.ceil(0.975 * len(ranks[s]))) - 1]
        first = ranks == 1
        assert row["p_best"] == pytest.approx(np.mean(first[s] / first.sum(0)), abs=1e-12)
    assert lb.settings["decomposition_max_diff"] < 1e-12


@pytest.mark.parametrize("kit", KITS)
def test_a_perfect_submission_is_first_with_the_interval_1_1(kit, fields):
    lb = fields[kit][3]
    first = lb.table.iloc[0]
    assert first["submission"] == "perfect"
    assert (first["rank"], first["rank_low"], first["rank_high"], first["p_best"]) == (1, 1, 1, 1.0)
    assert lb.order[0] == "perfect" and lb.beats[0, 1:].min() == 1.0


@pytest.mark.parametrize("kit", KITS)
def test_identical_submissions_share_their_rank(kit, fields):
    table = fields[kit][3].table.set_index("submission")
    a, b = table.loc["noisy_a"], table.loc["noisy_a_copy"]
    for column in (
        "score",
        "low",
        "high",
        "rank",
        "rank_low",
        "rank_high",
        "rank_median",
        "p_best",
        "public_rank",
        "private_rank",
    ):
        assert a[column] == b[column]
    lb = fields[kit][3]
    i, j = lb.order.index("noisy_a"), lb.order.index("noisy_a_copy")
    assert lb.beats[i, j] == lb.beats[j, i] == 0.5 and lb.p_value[i, j] == 1.0
    # nobody else takes the place after them: ties share the best of their places ("min" rank)
    assert int(a["rank"]) + 2 not in set(table["rank"]) or (table["rank"] == a["rank"]).sum() == 2


def test_the_table_has_the_issue_columns_and_public_private_scores_are_the_parts(fields, twin):
    _source, truth, subs, lb, _ = fields["cardihack"]
    assert list(lb.table.columns[: len(COLUMNS)]) == list(COLUMNS)
    problem = get_problem("cardihack")
    public = public_mask(len(truth), 0.5, seed=3)
    row = lb.table.set_index("submission").loc["noisy_b"]
    sub = subs["noisy_b"]
    for part, mask in (("public_score", public), ("private_score", ~public)):
        ids = truth["trustii_id"][mask]
        expected = problem.score_submission(sub[sub["trustii_id"].isin(ids)], truth[truth["trustii_id"].isin(ids)])
        assert row[part] == pytest.approx(expected.value, abs=1e-12)
    assert row["shakeup"] == row["public_rank"] - row["private_rank"]


def test_pairwise_matrices_follow_the_definitions(fields):
    lb = fields["annitia"][3]
    n = len(lb.order)
    assert lb.beats.shape == lb.p_value.shape == lb.p_holm.shape == (n, n)
    off = ~np.eye(n, dtype=bool)
    assert np.allclose((lb.beats + lb.beats.T)[off], 1.0)
    assert np.all(lb.p_holm[off] >= lb.p_value[off]) and np.isnan(np.diag(lb.p_holm)).all()
    assert np.allclose(lb.rank_share.sum(1), 1.0)
    # p vs first: Holm over the first's own n - 1 comparisons, step-down by hand
    p = lb.p_value[0, 1:]
    order = np.argsort(p)
    expected = np.maximum.accumulate(np.minimum(1, (len(p) - np.arange(len(p))) * p[order]))
    by_hand = np.empty(len(p))
    by_hand[order] = expected
    valid = lb.table[lb.table["valid"]]
    assert np.isnan(valid["p_vs_first"].iloc[0]) and np.allclose(valid["p_vs_first"].iloc[1:], by_hand)
    assert lb.tied_with_first() == [lb.order[0]] + [n for n, q in zip(lb.order[1:], by_hand) if q >= 0.05]


def test_broken_files_are_listed_and_do_not_stop_the_others(twin, tmp_path):
    source = twin("cardihack")
    problem = get_problem("cardihack")
    truth = problem.read_truth(source.truth_path)
    good = problem.sample_submission(source.data_dir)
    good.to_csv(tmp_path / "good.csv", index=False)
    good.iloc[:-2].to_csv(tmp_path / "short.csv", index=False)
    (tmp_path / "empty.csv").write_bytes(b"")
    (tmp_path / "binary.csv").write_bytes(b"\x00\x01\x02garbage")
    good.assign(**{"OUTCOME MACE": 7}).to_csv(tmp_path / "codes.csv", index=False)
    (tmp_path / "notes.txt").write_text("not a submission")
    lb = build_leaderboard(problem, tmp_path, source.truth_path, n_boot=50, seed=0)
    table = lb.table.set_index("submission")
    assert lb.order == ["good"] and table.loc["good", "rank"] == 1 and table.loc["good", "p_best"] == 1
    assert "row" in table.loc["short", "error"] and "149" in table.loc["short", "error"]
    assert table.loc["empty", "error"].startswith("is empty")
    assert "binary" in table.loc["binary", "error"]
    assert "OUTCOME MACE" in table.loc["codes", "error"]
    assert not table.loc[["short", "empty", "binary", "codes"], "valid"].any()
    assert lb.settings["ignored"] == ["notes.txt"] and lb.tied_with_first() == ["good"]
    assert len(truth) == lb.settings["n_units"]


def test_a_file_that_breaks_the_scorer_is_listed_with_the_exception(twin, tmp_path, monkeypatch):
    source = twin("cardihack")
    problem = get_problem("cardihack")
    truth = problem.read_truth(source.truth_path)
    problem.sample_submission(source.data_dir).to_csv(tmp_path / "a.csv", index=False)
    metric = problem.unit_metric(truth)
    plan = make_plan(metric.n_units, 10, 0, public_mask(metric.n_units, 0.5))
    context = Context("cardihack", truth, metric, source.data_dir, plan)

    def boom(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(type(problem), "score_submission", boom)
    result = score_file(SubmissionFile("a", tmp_path / "a.csv"), context)
    assert not result.valid and "RuntimeError: disk on fire" in result.error and result.rows is None


def test_jobs_give_the_same_leaderboard(fields):
    source, _truth, _subs, lb, folder = fields["annitia"]
    parallel = build_leaderboard(
        get_problem("annitia"),
        folder,
        source.truth_path,
        data_dir=source.data_dir,
        n_boot=BOOT["annitia"],
        seed=3,
        jobs=2,
    )
    pd.testing.assert_frame_equal(parallel.table, lb.table)
    assert np.array_equal(parallel.p_holm, lb.p_holm, equal_nan=True)


def test_summarise_without_a_valid_submission():
    from hdhkits.leaderboard.build import FileResult

    table, matrices, _numbers = summarise([FileResult("a", "a.csv", False, error="is empty; write it again")])
    assert table["submission"].tolist() == ["a"] and not table["valid"].any()
    assert matrices["order"] == [] and matrices["beats"].shape == (0, 0)


def test_a_truth_of_one_unit_is_refused_with_a_sentence(twin, tmp_path):
    from hdhkits.findings import DataError

    source = twin("cardihack")
    problem = get_problem("cardihack")
    problem.read_truth(source.truth_path).iloc[:1].to_csv(tmp_path / "truth.csv", index=False)
    (tmp_path / "subs").mkdir()
    with pytest.raises(DataError, match="holds 1 test patients; a leaderboard resamples them"):
        build_leaderboard(problem, tmp_path / "subs", tmp_path / "truth.csv", n_boot=10)
