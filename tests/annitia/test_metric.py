"""The official metric: Harrell's C identical to scikit-survival, weights 0.7/0.3."""
import numpy as np
import pytest
from sksurv.metrics import concordance_index_censored

from hdhkits.annitia.data import SurvivalTargets
from hdhkits.annitia.metric import harrell_c, official_score


@pytest.mark.parametrize("seed", range(40))
def test_matches_sksurv_with_ties(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(5, 300))
    time = rng.integers(0, 8, n).astype(float)  # many tied times
    event = rng.random(n) < rng.uniform(0.1, 0.7)
    event[0] = True
    risk = rng.integers(0, 5, n).astype(float)  # many tied risks
    if seed % 2:
        risk = risk + rng.normal(0, 1e-9, n)  # within the tie tolerance
    if seed % 3 == 0:
        risk = rng.normal(size=n)
    expected = concordance_index_censored(event, time, risk)[0]
    assert harrell_c(event, time, risk) == pytest.approx(expected, abs=1e-12)


def test_matches_sksurv_continuous_large():
    rng = np.random.default_rng(1)
    n = 2000
    time = rng.exponential(5, n)
    event = rng.random(n) < 0.1
    risk = -time + rng.normal(0, 3, n)
    assert harrell_c(event, time, risk) == pytest.approx(concordance_index_censored(event, time, risk)[0], abs=1e-12)


def test_perfect_reversed_and_constant():
    time = np.array([1.0, 2, 3, 4])
    event = np.array([True, True, False, True])
    assert harrell_c(event, time, -time) == 1.0
    assert harrell_c(event, time, time) == 0.0
    assert harrell_c(event, time, np.zeros(4)) == 0.5


def test_errors():
    with pytest.raises(ValueError, match="censored"):
        harrell_c([False, False], [1, 2], [0, 1])
    with pytest.raises(ValueError, match="finite"):
        harrell_c([True, False], [1, 2], [np.nan, 1])
    with pytest.raises(ValueError, match="length"):
        harrell_c([True, False], [1, 2], [1])
    with pytest.raises(ValueError, match="comparable"):
        harrell_c([True, True], [1, 1], [0, 1])


def test_official_score_weights_and_unknown_death():
    rng = np.random.default_rng(0)
    n = 200
    y = SurvivalTargets(rng.random(n) < 0.2, rng.exponential(5, n), rng.random(n) < 0.3, rng.exponential(5, n),
                        rng.random(n) < 0.8)
    y = SurvivalTargets(y.hepatic_event, y.hepatic_time, y.death_event & y.death_known, y.death_time, y.death_known)
    rh, rd = rng.normal(size=n), rng.normal(size=n)
    score = official_score(y, rh, rd)
    k = y.death_known
    c_h = concordance_index_censored(y.hepatic_event, y.hepatic_time, rh)[0]
    c_d = concordance_index_censored(y.death_event[k], y.death_time[k], rd[k])[0]
    assert score.parts["c_hepatic"] == pytest.approx(c_h) and score.parts["c_death"] == pytest.approx(c_d)
    assert score.value == pytest.approx(0.7 * c_h + 0.3 * c_d)
    # risks of patients with unknown death status do not matter
    rd2 = rd.copy()
    rd2[~k] = 1e6
    assert official_score(y, rh, rd2).value == pytest.approx(score.value)
    with pytest.raises(ValueError, match="patients"):
        official_score(y, rh[:-1], rd)
