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
