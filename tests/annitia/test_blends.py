"""The survival learners that combine others: the rank blend, its weight grid, the stiffness gate."""

import numpy as np
import pandas as pd
import pytest
from hdhkits.annitia.baselines import ClinicalScore
from hdhkits.annitia.blends import RankBlend, StiffnessGate, simplex_grid
from hdhkits.annitia.features import build_features
from hdhkits.annitia.metric import harrell_c
from hdhkits.annitia.models import Component
from hdhkits.annitia.schema import read_train
from hdhkits.annitia.targets import survival_array, survival_targets
from hdhkits.findings import DataError
from sklearn.base import clone
from sklearn.model_selection import StratifiedKFold


def test_simplex_grid():
    grid = simplex_grid(3, 0.25)
    assert grid.shape == (15, 3)
    np.testing.assert_allclose(grid.sum(axis=1), 1)
    assert (grid >= 0).all() and len({tuple(r) for r in grid}) == 15
    np.testing.assert_allclose(grid[-1].max(), 1)  # the least even last
    assert np.ptp(grid[0]) <= 0.25  # the most even first
    with pytest.raises(ValueError):
        simplex_grid(3, 0.3)


def test_blend_weights_follow_the_signal():
    rng = np.random.default_rng(0)
    n = 400
    signal = rng.normal(size=n)
    time = rng.exponential(np.exp(-signal))
    event = rng.random(n) < 0.6
    X = pd.DataFrame({"signal": signal, "noise": rng.normal(size=n)})
    y = survival_array(event, time)
    blend = RankBlend(
        [("noise", ClinicalScore("noise")), ("signal", ClinicalScore("signal"))], inner_splits=3, weight_step=0.25
    ).fit(X, y)
    assert blend.weights_["signal"] >= 0.75 and np.isclose(blend.weights_.sum(), 1)
    assert blend.component_scores_["signal"] > 0.65 > blend.component_scores_["noise"]
    risk = blend.predict(X)
    assert harrell_c(event, time, risk) > 0.65
    # row by row: a patient's risk does not depend on who is predicted with them
    np.testing.assert_allclose(blend.predict(X.iloc[:7]), risk[:7])
    assert len(blend.models_["signal"]) == 3


def _toy_survival(n: int = 400, seed: int = 0):
    # One informative column ("signal"), one noise column, and a stiffness column that
    # marks a high-risk group: risk = signal + 1.5 in the group.
    rng = np.random.default_rng(seed)
    signal = rng.normal(size=n)
    stiffness = np.where(rng.random(n) < 0.25, 15.0, 6.0)
    time = rng.exponential(np.exp(-(signal + 1.5 * (stiffness >= 12))))
    event = rng.random(n) < 0.7
    X = pd.DataFrame({"signal": signal, "noise": rng.normal(size=n), "fibs_stiffness_med_BM_1_last": stiffness})
    return X, survival_array(event, time)


def test_repeated_inner_folds():
    X, y = _toy_survival()
    components = [("noise", ClinicalScore("noise")), ("signal", ClinicalScore("signal"))]
    once = RankBlend(components, inner_splits=3).fit(X, y)
    again = RankBlend(components, inner_splits=3, inner_repeats=1).fit(X, y)
    np.testing.assert_array_equal(once.predict(X), again.predict(X))  # one repeat: the blend without liver pieces
    thrice = RankBlend(components, inner_splits=3, inner_repeats=3).fit(X, y)
    assert len(thrice.models_["signal"]) == 9 and thrice.reference_.shape == (3 * len(X), 2)
    assert thrice.weights_["signal"] >= 0.75
    # each repeat has its own folds (one split repeated would learn three medians)
    assert len({m.fill_value_ for m in thrice.models_["signal"]}) > 6


def test_candidates_get_weight_only_where_they_win():
    X, y = _toy_survival()
    components = [("noise", ClinicalScore("noise")), ("signal", ClinicalScore("signal"))]
    free = RankBlend(components, core_components=1, min_gain=0.0).fit(X, y)
    assert free.weights_["signal"] >= 0.75  # the candidate wins by far: it gets its weight
    barred = RankBlend(components, core_components=1, min_gain=0.5).fit(X, y)
    assert barred.weights_["signal"] == 0 and barred.weights_["noise"] == 1  # no gain of 0.5 in concordance
    assert barred.inner_score_ < free.inner_score_


def test_stiffness_gate_routes_and_ranks():
    X, y = _toy_survival()
    gate = StiffnessGate(ClinicalScore("signal"), ClinicalScore("noise")).fit(X, y)
    risk = gate.predict(X)
    high = X["fibs_stiffness_med_BM_1_last"].to_numpy() >= 12
    assert gate.routed_ and risk[high].min() > risk[~high].max()  # the high group above the low one
    assert ((risk[~high] > -1e-5) & (risk[~high] < 1 + 1e-5)).all()
    # within the low group, the low model's order; within the high group, the high model's
    low = np.flatnonzero(~high)
    assert harrell_c(np.ones(len(low), bool), -X["signal"].to_numpy()[low], risk[low]) > 0.99
    hi = np.flatnonzero(high)
    assert harrell_c(np.ones(len(hi), bool), -X["noise"].to_numpy()[hi], risk[hi]) > 0.99
    np.testing.assert_allclose(gate.predict(X.iloc[:9]), risk[:9])  # row by row
    # too few events in the high group: the low model ranks everyone, still split by group
    few = y.copy()
    few["event"][high] = False
    unrouted = StiffnessGate(ClinicalScore("signal"), ClinicalScore("noise")).fit(X, few)
    assert not unrouted.routed_ and unrouted.high_ is unrouted.low_
    assert harrell_c(np.ones(len(hi), bool), -X["signal"].to_numpy()[hi], unrouted.predict(X)[hi]) > 0.99

    with pytest.raises(DataError, match="fibs_stiffness_med_BM_1_last"):
        gate.predict(X.drop(columns=["fibs_stiffness_med_BM_1_last"]))


@pytest.fixture(scope="module")
def data(twin):
    train = read_train(twin("annitia").data_dir)
    return build_features(train), survival_targets(train)


def test_rank_blend_inner_folds_match_the_former_loop(data):
    from sksurv.linear_model import CoxPHSurvivalAnalysis

    X, y = data
    target = survival_array(y.hepatic_event, y.hepatic_time)
    components = [
        ("Cox statics", Component(CoxPHSurvivalAnalysis(alpha=100.0), ("statics",))),
        ("Cox first", Component(CoxPHSurvivalAnalysis(alpha=100.0), ("first values",))),
    ]
    blend = RankBlend(components, inner_splits=2, random_state=3).fit(X, target)
    # the former loop: folds outside, components inside
    Xr = X.reset_index(drop=True)
    oof = np.full((len(Xr), 2), np.nan)
    models = {name: [] for name, _ in components}
    folds = StratifiedKFold(2, shuffle=True, random_state=3)
    for train_idx, test_idx in folds.split(Xr, target["event"]):
        for j, (name, estimator) in enumerate(components):
            fitted = clone(estimator).fit(Xr.iloc[train_idx], target[train_idx])
            models[name].append(fitted)
            oof[test_idx, j] = fitted.predict(Xr.iloc[test_idx])
    np.testing.assert_array_equal(blend.reference_, np.sort(oof, axis=0))
    for name in models:
        assert len(blend.models_[name]) == 2
        for new, old in zip(blend.models_[name], models[name]):
            np.testing.assert_array_equal(new.predict(Xr), old.predict(Xr))
