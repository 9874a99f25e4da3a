"""Kappa-tuned cut points."""

import numpy as np
from hdhkits.cardihack.metric import weighted_kappa
from hdhkits.cardihack.thresholds import apply_thresholds, fit_kappa_thresholds


def test_apply_thresholds():
    assert apply_thresholds([0.1, 0.5, 0.9], (0.3, 0.8)).tolist() == [0, 1, 2]
    assert apply_thresholds([0.1, 0.5, 0.9], (0.3, 0.3)).tolist() == [0, 2, 2]


def test_vectorised_search_finds_the_brute_force_optimum():
    rng = np.random.default_rng(3)
    score = rng.random(150)
    y = rng.choice(3, 150, p=[0.75, 0.1, 0.15])
    y[score > 0.85] = 2
    cuts = fit_kappa_thresholds(score, y, n_grid=20)
    grid = np.append(np.unique(np.quantile(score, np.linspace(0, 1, 22)[1:-1])), np.inf)
    brute = max(weighted_kappa(y, apply_thresholds(score, (a, b))) for i, a in enumerate(grid) for b in grid[i:])
    assert weighted_kappa(y, apply_thresholds(score, cuts)) == brute
