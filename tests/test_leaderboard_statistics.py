"""Ranks, intervals, P(best), pairwise shares, paired tests and Holm, against direct computations."""

from __future__ import annotations

import numpy as np
import pytest
from hdhkits.leaderboard.statistics import (
    TIE_TOLERANCE,
    beat_shares,
    holm,
    min_ranks,
    p_best,
    paired_pvalues,
    rank_frequencies,
    rank_interval,
    score_interval,
)
from scipy.stats import norm

from .leaderboard_support import direct_ranks


def _scores(seed=0, n=7, boot=300):
    rng = np.random.default_rng(seed)
    scores = rng.normal(np.linspace(0.8, 0.6, n)[:, None], 0.05, (n, boot)).round(2)  # rounding makes ties
    scores[3] = scores[2]  # an identical submission
    return scores


def test_min_ranks_equal_a_direct_count_with_ties():
    scores = _scores()
    assert np.array_equal(min_ranks(scores), direct_ranks(scores))
    assert min_ranks(np.array([0.5, 0.7, 0.7, 0.1])).tolist() == [3, 1, 1, 4]
    assert min_ranks(np.array([0.5, 0.5 + TIE_TOLERANCE / 10, 0.4])).tolist() == [1, 1, 3]
    ranked = min_ranks(np.array([0.5, np.nan, 0.9]))
    assert ranked[0] == 2 and np.isnan(ranked[1]) and ranked[2] == 1


def test_p_best_splits_ties_and_sums_to_one():
    scores = np.array([[1.0, 1.0, 0.2], [1.0, 0.5, 0.9], [0.0, 0.1, 0.1]])
    assert p_best(min_ranks(scores)).tolist() == pytest.approx([(0.5 + 1 + 0) / 3, (0.5 + 0 + 1) / 3, 0])
    assert p_best(min_ranks(_scores())).sum() == pytest.approx(1)


def test_rank_interval_of_an_always_first_submission_is_1_1():
    scores = _scores()
    scores[0] = 2.0
    median, low, high = rank_interval(min_ranks(scores))
    assert (median[0], low[0], high[0]) == (1, 1, 1)
    ranks = direct_ranks(scores)
    for i in range(len(scores)):
        ordered = np.sort(ranks[i])
        assert low[i] == ordered[int(np.ceil(0.025 * len(ordered))) - 1]
        assert high[i] == ordered[int(np.ceil(0.975 * len(ordered))) - 1]
        assert median[i] == np.median(ranks[i])


def test_rank_frequencies_are_shares_per_rank():
    ranks = min_ranks(_scores())
    share = rank_frequencies(ranks)
    assert share.shape == (7, 7) and np.allclose(share.sum(1), 1)
    assert share[2, 0] == pytest.approx(np.mean(ranks[2] == 1))


def test_score_interval_is_the_percentile_interval():
    scores = _scores()
    low, high = score_interval(scores, level=0.9)
    assert low[1] == np.quantile(scores[1], 0.05) and high[1] == np.quantile(scores[1], 0.95)


def test_beat_shares_count_ties_half():
    scores = _scores()
    beats = beat_shares(scores, rows=3)
    a, b = scores[0], scores[4]
    assert beats[0, 4] == pytest.approx(np.mean(a > b) + 0.5 * np.mean(a == b))
    off = ~np.eye(len(scores), dtype=bool)
    assert np.allclose((beats + beats.T)[off], 1) and beats[2, 3] == 0.5 and np.isnan(np.diag(beats)).all()


def test_paired_pvalues_are_the_bootstrap_z_test():
    scores = _scores(boot=500)
    estimates = scores.mean(1) + 0.01
    p = paired_pvalues(estimates, scores)
    d = scores[0] - scores[5]
    assert p[0, 5] == pytest.approx(norm.sf((estimates[0] - estimates[5]) / d.std(ddof=1)), rel=1e-9)
    assert p[2, 3] == 1.0 and p[3, 2] == 1.0  # identical submissions: no evidence either way
    assert np.isnan(np.diag(p)).all()
    constant = np.vstack([np.full(50, 0.8), np.full(50, 0.6)])  # a difference that never varies
    assert paired_pvalues(np.array([0.8, 0.6]), constant)[0, 1] == 0.0
    assert paired_pvalues(np.array([0.8, 0.6]), constant)[1, 0] == 1.0


def _holm_by_hand(p):
    order = sorted(range(len(p)), key=lambda i: p[i])
    out, running = [0.0] * len(p), 0.0
    for k, i in enumerate(order):
        running = max(running, min(1.0, (len(p) - k) * p[i]))
        out[i] = running
    return out


def test_holm_equals_the_step_down_by_hand():
    rng = np.random.default_rng(2)
    p = rng.random((6, 6)) ** 3
    np.fill_diagonal(p, np.nan)
    adjusted = holm(p)
    off = ~np.isnan(p)
    assert np.allclose(adjusted[off], _holm_by_hand(list(p[off])))
    assert np.isnan(np.diag(adjusted)).all() and (adjusted[off] >= p[off]).all()
    assert holm(np.array([0.01, 0.04, 0.03])).tolist() == pytest.approx([0.03, 0.06, 0.06])
