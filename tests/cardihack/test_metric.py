"""The reconstructed metric on hand-computed cases."""
import numpy as np
import pytest
from sklearn.metrics import cohen_kappa_score

from hdhkits.cardihack import metric


def test_weighted_logloss_by_hand():
    # (1 * -log 0.8 + 1.5 * -log 0.6) / (1 + 1.5)
    assert metric.weighted_logloss([1, 0], [0.8, 0.4]) == pytest.approx(0.395752, rel=1e-5)


def test_reference_losses_by_hand():
    dummy, worst = metric.severity_reference_losses([1, 0, 0, 0])
    # prevalence 0.25: (-log .25 + 1.5 * 3 * -log .75) / 5.5
    assert dummy == pytest.approx(0.487430, rel=1e-5)
    assert worst == pytest.approx(-np.log(1e-15), rel=1e-4)  # 1 - 1e-15 is not exact in floating point


def test_rescaled_severity_by_hand():
    y = [1, 0, 0, 0]
    assert metric.rescaled_severity(y, [0.5, 0.1, 0.1, 0.1]) == pytest.approx(1 - 0.212231 / 0.487430, rel=1e-4)
    assert metric.rescaled_severity(y, 0.5) == pytest.approx(-(0.693147 - 0.487430) / (34.538776 - 0.487430), rel=1e-4)
    assert metric.rescaled_severity(y, 0.25) == pytest.approx(0, abs=1e-12)
    assert metric.rescaled_severity(y, [1, 0, 0, 0]) == pytest.approx(1, abs=1e-12)
    assert metric.rescaled_severity(y, [0, 1, 1, 1]) == pytest.approx(-1, abs=1e-12)
    assert np.isnan(metric.rescaled_severity([1, 1], [0.3, 0.4]))


def test_weighted_kappa_by_hand():
    # O = [[1, 1, 0], [0, 3, 0], [4, 0, 0]]; sum(D O) = 4.25, sum(D E) = 119/36 -> kappa = -2/7
    assert metric.weighted_kappa([0, 0, 1, 2], [0, 1, 1, 0]) == pytest.approx(-2 / 7, rel=1e-9)
    assert metric.weighted_kappa([0, 1, 2, 2], [0, 1, 2, 2]) == pytest.approx(1)
    assert metric.weighted_kappa([0, 1, 2, 2], [0, 0, 0, 0]) == pytest.approx(0)


def test_weighted_kappa_equals_unweighted_kappa_on_repeated_rows():
    rng = np.random.default_rng(0)
    y = rng.choice(3, 60, p=[0.7, 0.1, 0.2])
    pred = np.where(rng.random(60) < 0.6, y, rng.choice(3, 60))
    repeats = np.array([metric.MACE_CLASS_WEIGHTS[c] for c in y]).astype(int)
    expected = cohen_kappa_score(np.repeat(y, repeats), np.repeat(pred, repeats), weights="quadratic")
    assert metric.weighted_kappa(y, pred) == pytest.approx(expected, rel=1e-9)


def test_kappa_with_unit_weights_is_sklearns(monkeypatch):
    for c in (1, 2):
        monkeypatch.setitem(metric.MACE_CLASS_WEIGHTS, c, 1.0)
    y, pred = [0, 0, 1, 2, 2, 1], [0, 1, 1, 2, 0, 2]
    assert metric.weighted_kappa(y, pred) == pytest.approx(cohen_kappa_score(y, pred, weights="quadratic"))


def test_combined_score_and_the_dummy():
    assert metric.combined_score(0.5, 0.2) == pytest.approx(0.7 * 0.5 + 0.3 * 0.2)
    y_sev = np.r_[np.ones(117), np.zeros(230)]
    y_mace = np.r_[np.zeros(261), np.ones(29), 2 * np.ones(57)].astype(int)
    parts = metric.cardihack_metric(y_mace, np.zeros(347, int), y_sev, np.full(347, metric.DUMMY_SEVERITY))
    assert parts["kappa_mace"] == 0
    assert parts["score"] == pytest.approx(0, abs=1e-4)


def test_invalid_inputs_are_refused():
    with pytest.raises(ValueError, match="codes"):
        metric.weighted_kappa([0, 3], [0, 1])
    with pytest.raises(ValueError, match="0 or 1"):
        metric.weighted_logloss([0, 2], [0.1, 0.2])
