"""Parity: the shared loops (``out_of_fold``, ``bootstrap_score``) give the numbers of the kit's former loops.

Issue #12 replaced the kit's hand-written cross-validation and bootstrap loops by
:mod:`hdhkits.evaluation`. The former loops are kept here, verbatim in substance, and the
new code must match them exactly: same folds, same resamples, same numbers.
"""

import numpy as np
import pytest
from hdhkits.annitia.baselines import ClinicalScore, TwoOutcomeModel, cross_val_predict_risks, score_with_interval
from hdhkits.annitia.blends import RankBlend
from hdhkits.annitia.evaluation import cv_summary, paired_difference, repeated_cv_risks
from hdhkits.annitia.features import build_features
from hdhkits.annitia.metric import WEIGHTS, score_parts, score_risks
from hdhkits.annitia.models import Component
from hdhkits.annitia.schema import read_train
from hdhkits.annitia.targets import outcome_strata, survival_targets
from hdhkits.stats import bootstrap_interval
from sklearn.base import clone
from sklearn.model_selection import StratifiedKFold

STIFFNESS = TwoOutcomeModel(ClinicalScore("fibs_stiffness_med_BM_1_last"))
FIB4 = TwoOutcomeModel(ClinicalScore("fib4_last"))


@pytest.fixture(scope="module")
def data(twin):
    train = read_train(twin("annitia").data_dir)
    return build_features(train), survival_targets(train)


def _old_cross_val(model, X, y, n_splits, seed):
    folds = StratifiedKFold(n_splits=n_splits, shuffle=True, random_state=seed)
    risks = np.full((len(X), 2), np.nan)
    for train_idx, test_idx in folds.split(X, outcome_strata(y)):
        risks[test_idx] = clone(model).fit(X.iloc[train_idx], y.subset(train_idx)).predict(X.iloc[test_idx])
    return risks


def _old_mean_parts(y, risks, idx):
    sub = y.subset(idx)
    parts = [score_parts(sub, r[idx, 0], r[idx, 1]) for r in risks]
    mean = {k: float(np.mean([p[k] for p in parts])) for k in WEIGHTS}
    mean["score"] = sum(WEIGHTS[k] * mean[k] for k in WEIGHTS)
    return mean


def _old_cv_summary(y, risks, n_boot, seed):
    seen = []

    def combined(idx):
        seen.append(_old_mean_parts(y, risks, idx))
        return seen[-1]["score"]

    interval = bootstrap_interval(combined, len(y), n_boot=n_boot, seed=seed, strata=outcome_strata(y))
    out = {"score": interval.estimate, "low": interval.low, "high": interval.high}
    for key in ("c_hepatic", "c_death"):
        values = [r[key] for r in seen[1:]]
        low, high = np.quantile(values, [0.025, 0.975])
        out.update({key: seen[0][key], f"{key}_low": float(low), f"{key}_high": float(high)})
    return out


@pytest.mark.parametrize("seed", [0, 3])
def test_cross_val_predict_risks_matches_the_former_loop(data, seed):
    X, y = data
    np.testing.assert_array_equal(
        cross_val_predict_risks(STIFFNESS, X, y, n_splits=3, seed=seed), _old_cross_val(STIFFNESS, X, y, 3, seed)
    )


def test_score_with_interval_matches_bootstrap_interval(data):
    X, y = data
    risks = _old_cross_val(STIFFNESS, X, y, 3, 0)
    score, interval = score_with_interval(y, risks, n_boot=40, seed=2)
    old = bootstrap_interval(
        lambda idx: score_risks(y.subset(idx), risks[idx, 0], risks[idx, 1]).value,
        len(y),
        n_boot=40,
        seed=2,
        strata=outcome_strata(y),
    )
    assert score == score_risks(y, risks[:, 0], risks[:, 1])
    assert (interval.estimate, interval.low, interval.high) == (old.estimate, old.low, old.high)


def test_repeated_folds_cv_summary_and_paired_difference_match_the_former_code(data):
    X, y = data
    risks = repeated_cv_risks(STIFFNESS, X, y, n_splits=3, n_repeats=2, seed=1)
    old_risks = np.stack([_old_cross_val(STIFFNESS, X, y, 3, 1 + r) for r in range(2)])
    np.testing.assert_array_equal(risks, old_risks)
    assert cv_summary(y, risks, n_boot=30, seed=5) == _old_cv_summary(y, risks, 30, 5)
    other = repeated_cv_risks(FIB4, X, y, n_splits=3, n_repeats=2, seed=1)
    new = paired_difference(y, risks, other, n_boot=30, seed=5)
    old = bootstrap_interval(
        lambda idx: _old_mean_parts(y, risks, idx)["score"] - _old_mean_parts(y, other, idx)["score"],
        len(y),
        n_boot=30,
        seed=5,
        strata=outcome_strata(y),
    )
    assert (new.estimate, new.low, new.high) == (old.estimate, old.low, old.high)


def test_rank_blend_inner_folds_match_the_former_loop(data):
    from hdhkits.annitia.targets import survival_array
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
