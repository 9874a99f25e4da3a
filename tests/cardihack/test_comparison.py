"""The comparison table of cross-validated models, its intervals, plot and sentences."""

import numpy as np
import pandas as pd
import pytest
from hdhkits.cardihack import baselines, comparison, evaluation
from hdhkits.cardihack.pair import Pair
from hdhkits.cardihack.riskscd import ESC_BANDS, RiskSCDClassifier


@pytest.fixture(scope="module")
def train(twin):
    return pd.read_csv(twin("cardihack").data_dir / "train.csv")


def _cheap_candidates():
    severity = {
        "prevalence": baselines.ConstantProbability("prevalence"),
        "weighted": baselines.ConstantProbability("weighted"),
    }
    mace = {"fitted cut points": RiskSCDClassifier(), "ESC bands": RiskSCDClassifier(thresholds=ESC_BANDS)}
    return severity, mace


def test_cross_validation_and_table(train):
    dummy = evaluation.cross_validate_pair(
        "dummy", Pair(baselines.ConstantProbability(), baselines.ConstantClass()), train, n_splits=3, n_repeats=2
    )
    assert dummy.severity.shape == (2, 347) and dummy.mace.shape == (2, 347)
    table = comparison.comparison_table(
        [dummy], extra_rows=[{"model": "other", "score": 0.5, "score low": 0.4, "score high": 0.6}], n_boot=30
    )
    row = table.loc["dummy"]
    assert row["kappa_mace"] == 0
    assert row["score"] == pytest.approx(0, abs=0.01)
    assert row["score low"] - 1e-9 <= row["score"] <= row["score high"] + 1e-9
    assert list(table.index) == ["dummy", "other"]


def test_plot(train):
    import matplotlib

    matplotlib.use("Agg")
    dummy = evaluation.cross_validate_pair(
        "dummy", Pair(baselines.ConstantProbability(), baselines.ConstantClass()), train, n_splits=3, n_repeats=1
    )
    ax = comparison.plot_comparison(comparison.comparison_table([dummy], n_boot=20))
    assert len(ax) == 3


def test_comparison_rows_for_one_outcome_and_sentences(train):
    severity, mace = _cheap_candidates()
    results = [evaluation.cross_validate_outcome(n, m, train, "OUTCOME SEVERITY", 3, 1, 0) for n, m in severity.items()]
    results += [evaluation.cross_validate_outcome(n, m, train, "OUTCOME MACE", 3, 1, 0) for n, m in mace.items()]
    table = comparison.comparison_table(results, n_boot=20)
    assert np.isnan(table.loc["prevalence", "kappa_mace"]) and np.isnan(table.loc["ESC bands", "score"])
    assert table.loc["weighted", "severity_rescaled low"] <= table.loc["weighted", "severity_rescaled"]
    text = comparison.interval_text(table, "severity_rescaled")
    assert text["ESC bands"] == "" and "-0.000" not in "".join(text)
    sentences = comparison.ranking_sentences(table, severity, [*mace, "absent"])
    assert sentences[0].startswith("SEVERITY") and sentences[0].index("weighted") < sentences[0].index("prevalence ")
    assert sentences[1].startswith("MACE") and "absent" not in sentences[1]


def test_mace_class_shares():
    shares = comparison.mace_class_shares([0, 0, 0, 2], {"m": [1, 1, 0, 2]})
    assert list(shares.index) == [0, 1, 2]
    assert shares.loc[1, "true"] == 0 and shares.loc[1, "predicted, m"] == 0.5
    assert shares["true, kappa-weighted"].tolist() == pytest.approx([3 / 7, 0, 4 / 7])
