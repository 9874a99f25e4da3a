"""The shared resamples and the scores they give."""

from __future__ import annotations

import numpy as np
import pytest
from hdhkits.leaderboard import resampling
from hdhkits.leaderboard.resampling import FIXED_ROWS, make_plan, resample_counts, resample_indices, score_rows
from hdhkits.problem import get_problem


def test_each_resample_has_its_own_stream():
    ten = list(resample_indices(50, 10, seed=4))
    assert all(np.array_equal(a, b) for a, b in zip(list(resample_indices(50, 5, seed=4)), ten))
    assert not np.array_equal(ten[0], next(resample_indices(50, 1, seed=5)))
    assert all(len(i) == 50 and i.min() >= 0 and i.max() < 50 for i in ten)


def test_counts_are_the_draws_counted():
    counts = resample_counts(30, 20, seed=1)
    assert counts.dtype == np.uint16 and counts.shape == (20, 30)
    for c, idx in zip(counts, resample_indices(30, 20, seed=1)):
        assert np.array_equal(c, np.bincount(idx, minlength=30))
    assert (counts.sum(1) == 30).all()


def test_blocks_cover_every_resample_in_order(monkeypatch):
    plan = make_plan(40, 23, 0, np.arange(40) < 15)
    monkeypatch.setattr(resampling, "BLOCK_BYTES", 8 * 40 * 5)  # five resamples per block
    blocks = list(plan.blocks())
    assert [len(b) for b in blocks] == [5, 5, 5, 5, 3]
    assert np.array_equal(np.vstack(blocks), plan.counts.astype(float))
    fixed = plan.fixed()
    assert fixed.shape == (len(FIXED_ROWS), 40) and (fixed[1] + fixed[2] == 1).all() and fixed[1].sum() == 15
    with pytest.raises(ValueError, match="public mask"):
        make_plan(40, 3, 0, np.ones(39, bool))


def test_score_rows_are_the_official_scores_of_the_weightings(twin, monkeypatch):
    source = twin("cardihack")
    problem = get_problem("cardihack")
    truth = problem.read_truth(source.truth_path)
    sub = problem.sample_submission(source.data_dir)
    sub["OUTCOME MACE"] = np.arange(len(sub)) % 3
    metric = problem.unit_metric(truth)
    monkeypatch.setattr(resampling, "BLOCK_BYTES", 8 * metric.n_units * 7)
    public = np.arange(metric.n_units) % 3 == 0
    plan = make_plan(metric.n_units, 30, 2, public)
    rows = score_rows(metric, metric.unit_terms(sub), plan)
    assert rows.shape == (3 + 30,)
    assert rows[0] == pytest.approx(problem.score_submission(sub, truth).value, abs=1e-12)
    part = truth[public]
    assert rows[1] == pytest.approx(
        problem.score_submission(sub[sub.trustii_id.isin(part.trustii_id)], part).value, abs=1e-12
    )
    assert np.allclose(rows[3:], metric.scores(metric.unit_terms(sub), plan.counts), atol=1e-12)
