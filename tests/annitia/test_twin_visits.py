"""The twin's visit schedules: official numbers of visits, more of them at a higher stage."""

import numpy as np
from hdhkits.annitia.twin_visits import GAP_SHARES, VISIT_SURVIVAL, visit_schedule


def test_numbers_of_visits_follow_the_official_presence_and_the_stage():
    rng = np.random.default_rng(0)
    stage0 = rng.integers(0, 5, 40_000)
    n_visits, gaps = visit_schedule(rng, stage0, 22)
    for k in (1, 2, 4, 10):
        assert abs((n_visits >= k).mean() - VISIT_SURVIVAL[k - 1]) < 0.01, k
    assert n_visits[stage0 == 4].mean() > n_visits[stage0 == 0].mean() + 0.5
    assert gaps.shape == (40_000, 22) and (gaps[:, 0] == 0).all()
    assert np.median(gaps[:, 1:]) == 1 and abs(GAP_SHARES.sum() - 1) < 1e-12
