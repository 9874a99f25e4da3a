"""Repeated cross-validation, intervals and the comparison table."""
import numpy as np
import pandas as pd
import pytest

from hdhkits.cardihack import baselines, evaluation


@pytest.fixture(scope="module")
def train(twin):
    return pd.read_csv(twin("cardihack").data_dir / "train.csv")


def test_cross_validation_and_table(train):
    dummy = evaluation.cross_validate_pair("dummy", baselines.ConstantProbability(), baselines.ConstantClass(),
                                          train, n_splits=3, n_repeats=2)
    assert dummy.severity.shape == (2, 347) and dummy.mace.shape == (2, 347)
    table = evaluation.comparison_table([dummy], extra_rows=[{"model": "other", "score": 0.5, "score low": 0.4,
                                                              "score high": 0.6}], n_boot=30)
    row = table.loc["dummy"]
    assert row["kappa_mace"] == 0
    assert row["score"] == pytest.approx(0, abs=0.01)
    assert row["score low"] - 1e-9 <= row["score"] <= row["score high"] + 1e-9
    assert list(table.index) == ["dummy", "other"]


def test_same_seed_same_folds_for_every_pair(train):
    a = evaluation.cross_validate_pair("a", baselines.ConstantProbability("prevalence"), baselines.ConstantClass(),
                                      train, n_splits=3, n_repeats=1, seed=5)
    b = evaluation.cross_validate_pair("b", baselines.ConstantProbability("prevalence"), baselines.ConstantClass(),
                                      train, n_splits=3, n_repeats=1, seed=5)
    assert np.array_equal(a.severity, b.severity)
    assert len(np.unique(a.severity)) == 3  # one training prevalence per fold


def test_plot(train):
    import matplotlib
    matplotlib.use("Agg")
    dummy = evaluation.cross_validate_pair("dummy", baselines.ConstantProbability(), baselines.ConstantClass(),
                                          train, n_splits=3, n_repeats=1)
    ax = evaluation.plot_comparison(evaluation.comparison_table([dummy], n_boot=20))
    assert len(ax) == 3


def _old_cross_validation(severity_model, mace_model, train, n_splits, n_repeats, seed):
    """The loop cross_validate_pair ran before it used hdhkits.evaluation.out_of_fold (issue #12)."""
    from sklearn.base import clone
    from sklearn.model_selection import StratifiedKFold

    y_sev, y_mace = train["OUTCOME SEVERITY"].to_numpy(int), train["OUTCOME MACE"].to_numpy(int)
    sev, mace = np.zeros((n_repeats, len(train))), np.zeros((n_repeats, len(train)), dtype=int)
    for r in range(n_repeats):
        folds = StratifiedKFold(n_splits, shuffle=True, random_state=seed + r)
        for fit_idx, held_idx in folds.split(np.zeros(len(train)), evaluation.strata(train)):
            s = clone(severity_model).fit(train.iloc[fit_idx], y_sev[fit_idx])
            m = clone(mace_model).fit(train.iloc[fit_idx], y_mace[fit_idx])
            sev[r, held_idx] = s.predict_proba(train.iloc[held_idx])[:, 1]
            mace[r, held_idx] = m.predict(train.iloc[held_idx])
    return sev, mace


def test_shared_helpers_give_the_numbers_of_the_old_loops(train):
    from hdhkits.cardihack.riskscd import RiskSCDClassifier
    from hdhkits.stats import bootstrap_interval

    sev_model, mace_model = baselines.ConstantProbability("weighted"), RiskSCDClassifier()
    result = evaluation.cross_validate_pair("p", sev_model, mace_model, train, n_splits=4, n_repeats=2, seed=3)
    sev, mace = _old_cross_validation(sev_model, mace_model, train, 4, 2, 3)
    assert np.array_equal(result.severity, sev) and np.array_equal(result.mace, mace)
    row = evaluation.summarize(result, n_boot=40, seed=1)
    group = 3 * result.y_severity + result.y_mace
    for part in ("score", "kappa_mace", "severity_rescaled"):
        old = bootstrap_interval(lambda idx, p=part: result.parts(idx)[p], len(train), n_boot=40, seed=1, strata=group)
        assert (row[part], row[f"{part} low"], row[f"{part} high"]) == (old.estimate, old.low, old.high)
