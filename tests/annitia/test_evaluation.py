"""The kit's folds, out-of-fold risks, intervals and paired differences, and parity with the former loops."""

import numpy as np
import pytest
from hdhkits.annitia.baselines import ClinicalScore, TwoOutcomeModel
from hdhkits.annitia.evaluation import (
    OFFICIAL_CV,
    PARTS,
    compare_models,
    cv_folds,
    cv_risks,
    fit_models,
    interval_table,
    paired_difference,
    paired_gains,
    score_interval,
    submission_risks,
)
from hdhkits.annitia.features import build_features
from hdhkits.annitia.metric import WEIGHTS, score_parts, score_risks
from hdhkits.annitia.models import NO_LIVER_PIECES
from hdhkits.annitia.schema import read_train
from hdhkits.annitia.targets import outcome_strata, survival_targets
from hdhkits.findings import DataError
from hdhkits.stats import Interval, bootstrap_interval
from sklearn.base import clone
from sklearn.model_selection import StratifiedKFold


@pytest.fixture(scope="module")
def train(twin):
    return read_train(twin("annitia").data_dir)


@pytest.fixture(scope="module")
def data(train):
    return build_features(train), survival_targets(train)


STIFFNESS = TwoOutcomeModel(ClinicalScore("fibs_stiffness_med_BM_1_last"))
FOLLOWUP = TwoOutcomeModel(ClinicalScore("n_visits"))


def _risks(model, X, y, n_splits=3, n_repeats=1, seed=0, n_jobs=1):
    return cv_risks({"model": model}, X, y, n_splits, n_repeats, seed, n_jobs)["model"]


def test_cv_folds_are_stratified_repeats_over_the_train_rows(train, data):
    _, y = data
    folds = cv_folds(train, n_splits=3, n_repeats=2, seed=4)
    assert len(folds) == 6 and all(isinstance(tr, np.ndarray) and isinstance(va, np.ndarray) for tr, va in folds)
    strata = outcome_strata(y)
    for r in range(2):
        validation = np.concatenate([va for _, va in folds[3 * r : 3 * r + 3]])
        assert sorted(validation) == list(range(len(train)))  # each repeat tests every row once
        for tr, va in folds[3 * r : 3 * r + 3]:
            assert not set(tr) & set(va) and len(tr) + len(va) == len(train)
            # each stratum (liver events are strata 2 and 3) spread evenly over the folds
            for stratum in range(4):
                assert abs((strata[va] == stratum).sum() - (strata == stratum).sum() / 3) < 1, stratum
    assert not np.array_equal(folds[0][1], folds[3][1])  # the second repeat has its own seed
    default = cv_folds(train)  # the contract's defaults: 5 folds, one repeat, seed 0
    assert len(default) == 5 and all(np.array_equal(a[1], b[1]) for a, b in zip(default, cv_folds(train, 5, 1, 0)))
    # the same folds from the targets, and the folds every model of cv_risks is scored on
    same = cv_folds(y, n_splits=3, n_repeats=2, seed=4)
    assert all(np.array_equal(a[1], b[1]) for a, b in zip(folds, same))
    X = build_features(train)
    marker = TwoOutcomeModel(ClinicalScore("age_first"))  # predicts a training median where age is missing
    risks = _risks(marker, X, y, n_splits=3, n_repeats=2, seed=4)
    for r in range(2):
        for train_rows, validation in folds[3 * r : 3 * r + 3]:
            expected = clone(marker).fit(X.iloc[train_rows], y.subset(train_rows)).predict(X.iloc[validation])
            np.testing.assert_array_equal(risks[r, validation], expected)


def test_repeats_use_seeded_splits(data):
    X, y = data
    risks = _risks(STIFFNESS, X, y, n_repeats=2, seed=4)
    assert risks.shape == (2, len(X), 2) and np.isfinite(risks).all()
    np.testing.assert_array_equal(risks[0], _risks(STIFFNESS, X, y, seed=4)[0])  # repeat 0 is the one-repeat split
    assert not np.array_equal(risks[0], risks[1])  # the median fill differs between splits
    in_two = _risks(STIFFNESS, X, y, n_repeats=2, seed=4, n_jobs=2)
    np.testing.assert_array_equal(in_two, risks)
    alone = _risks(FOLLOWUP, X, y, n_repeats=2, seed=4)
    together = cv_risks({"a": STIFFNESS, "b": FOLLOWUP}, X, y, 3, 2, 4, 2)
    np.testing.assert_array_equal(together["b"], alone)  # a model's risks do not depend on its neighbours


def test_score_interval_is_the_mean_over_repeats(data):
    X, y = data
    risks = _risks(STIFFNESS, X, y, n_repeats=2)
    intervals = score_interval(y, risks, n_boot=30)
    assert list(intervals) == list(PARTS) == ["score", "c_hepatic", "c_death"]
    assert all(isinstance(i, Interval) and i.low <= i.estimate <= i.high for i in intervals.values())
    scores = [score_risks(y, r[:, 0], r[:, 1]) for r in risks]
    assert intervals["score"].estimate == pytest.approx(np.mean([s.value for s in scores]))
    assert intervals["c_death"].estimate == pytest.approx(np.mean([s.parts["c_death"] for s in scores]))
    one = score_interval(y, risks[0], n_boot=30)  # one repeat, 2-D
    assert one["score"].estimate == pytest.approx(scores[0].value)
    assert score_interval(y, risks, n_boot=30) == intervals  # seeded
    assert score_interval(y, risks, n_boot=30, seed=1)["score"] != intervals["score"]
    with pytest.raises(DataError, match="one pair"):
        score_interval(y, risks[:, :10], n_boot=10)


def test_compare_models_paired_difference_and_gains(data):
    X, y = data
    table, oof = compare_models({"stiffness": STIFFNESS, "visits": FOLLOWUP}, X, y, n_splits=3, n_repeats=2, n_boot=30)
    assert list(table.index) == ["stiffness", "visits"] and oof["visits"].shape == (2, len(X), 2)
    assert list(table.columns) == [
        "score",
        "low",
        "high",
        "c_hepatic",
        "c_hepatic_low",
        "c_hepatic_high",
        "c_death",
        "c_death_low",
        "c_death_high",
    ]
    assert table.equals(interval_table(y, oof, n_boot=30))
    diff = paired_difference(y, oof["stiffness"], oof["visits"], n_boot=30)
    assert diff.estimate == pytest.approx(table.loc["stiffness", "score"] - table.loc["visits", "score"])
    assert diff.low <= diff.estimate <= diff.high
    same = paired_difference(y, oof["visits"], oof["visits"], n_boot=30)
    assert same.estimate == same.low == same.high == 0
    gains = paired_gains(y, oof["stiffness"], oof["visits"], n_boot=30)
    assert list(gains.index) == list(PARTS) and list(gains.columns) == ["gain", "low", "high"]
    assert (gains.loc["score", "gain"], gains.loc["score", "low"]) == (diff.estimate, diff.low)
    part = "c_hepatic"
    assert gains.loc[part, "gain"] == pytest.approx(table.loc["stiffness", part] - table.loc["visits", part])
    with pytest.raises(ValueError, match="parts"):
        paired_gains(y, oof["stiffness"], oof["visits"], parts=("c_liver",))
    with pytest.raises(DataError, match="differ in shape"):
        paired_difference(y, oof["stiffness"], oof["visits"][0], n_boot=10)


def test_fit_models_fits_copies(data):
    X, y = data
    models = {"stiffness": STIFFNESS, "visits": FOLLOWUP}
    fitted = fit_models(models, X, y, n_jobs=2)
    assert list(fitted) == ["stiffness", "visits"]
    assert not hasattr(STIFFNESS, "hepatic_")  # the given models stay unfitted
    np.testing.assert_array_equal(fitted["visits"].predict(X)[:, 0], X["n_visits"].fillna(0).to_numpy())


def test_a_submission_is_scored_with_intervals_in_the_truth_rows(twin):
    from hdhkits.annitia import PROBLEM

    truth = PROBLEM.read_truth(twin("annitia").truth_path)
    submission = (
        truth[["trustii_id"]]
        .assign(risk_hepatic_event=truth["true_risk_hepatic"], risk_death=truth["true_risk_death"])
        .iloc[::-1]
    )
    risks = submission_risks(truth, submission)
    np.testing.assert_array_equal(risks[:, 0], truth["true_risk_hepatic"].to_numpy())  # back in the truth's order
    local = score_interval(survival_targets(truth), risks, n_boot=30)
    exact = PROBLEM.score_submission(submission, truth)
    assert local["score"].estimate == pytest.approx(exact.value)
    assert local["c_death"].estimate == pytest.approx(exact.parts["c_death"])
    assert local["score"].low <= local["score"].estimate <= local["score"].high
    with pytest.raises(DataError, match="no risk for truth id"):
        submission_risks(truth, submission.iloc[1:])


def test_official_figures():
    assert set(OFFICIAL_CV) == {"Cox (ridge)", "clinical model", NO_LIVER_PIECES}
    for score, c_hepatic, c_death in OFFICIAL_CV.values():
        # the combination of the two parts, up to the rounding of the three figures
        assert score == pytest.approx(WEIGHTS["c_hepatic"] * c_hepatic + WEIGHTS["c_death"] * c_death, abs=0.002)


# -- parity: the shared loops (``out_of_fold``, ``bootstrap_score``, ``bootstrap_difference``)
# give the numbers of the kit's former hand-written loops, kept here verbatim in substance:
# same folds, same resamples, same numbers.

FIB4 = TwoOutcomeModel(ClinicalScore("fib4_last"))


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
    out = {"score": (interval.estimate, interval.low, interval.high)}
    for key in ("c_hepatic", "c_death"):
        values = [r[key] for r in seen[1:]]
        low, high = np.quantile(values, [0.025, 0.975])
        out[key] = (seen[0][key], float(low), float(high))
    return out


@pytest.mark.parametrize("seed", [0, 3])
def test_cv_risks_match_the_former_loop(data, seed):
    X, y = data
    np.testing.assert_array_equal(_risks(STIFFNESS, X, y, seed=seed)[0], _old_cross_val(STIFFNESS, X, y, 3, seed))


def test_score_interval_of_one_repeat_matches_bootstrap_interval(data):
    X, y = data
    risks = _old_cross_val(STIFFNESS, X, y, 3, 0)
    interval = score_interval(y, risks, n_boot=40, seed=2)["score"]
    old = bootstrap_interval(
        lambda idx: score_risks(y.subset(idx), risks[idx, 0], risks[idx, 1]).value,
        len(y),
        n_boot=40,
        seed=2,
        strata=outcome_strata(y),
    )
    assert interval.estimate == score_risks(y, risks[:, 0], risks[:, 1]).value
    assert (interval.estimate, interval.low, interval.high) == (old.estimate, old.low, old.high)


def test_repeated_folds_score_interval_and_paired_difference_match_the_former_code(data):
    X, y = data
    risks = _risks(STIFFNESS, X, y, n_repeats=2, seed=1)
    old_risks = np.stack([_old_cross_val(STIFFNESS, X, y, 3, 1 + r) for r in range(2)])
    np.testing.assert_array_equal(risks, old_risks)
    new = score_interval(y, risks, n_boot=30, seed=5)
    assert {k: (i.estimate, i.low, i.high) for k, i in new.items()} == _old_cv_summary(y, risks, 30, 5)
    other = _risks(FIB4, X, y, n_repeats=2, seed=1)
    for part in PARTS:
        gap = paired_gains(y, risks, other, n_boot=30, seed=5, parts=(part,)).loc[part]
        old = bootstrap_interval(
            lambda idx, part=part: _old_mean_parts(y, risks, idx)[part] - _old_mean_parts(y, other, idx)[part],
            len(y),
            n_boot=30,
            seed=5,
            strata=outcome_strata(y),
        )
        assert (gap["gain"], gap["low"], gap["high"]) == (old.estimate, old.low, old.high), part
    diff = paired_difference(y, risks, other, n_boot=30, seed=5)
    assert (diff.estimate, diff.low, diff.high) == tuple(paired_gains(y, risks, other, n_boot=30, seed=5).loc["score"])
