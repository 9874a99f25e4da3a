"""The comparison table of cross-validated models, its intervals, plot and sentences."""

import numpy as np
import pandas as pd
import pytest
from hdhkits.cardihack import baselines, comparison, evaluation
from hdhkits.cardihack.pair import Pair
from hdhkits.cardihack.riskscd import ESC_BANDS, RiskSCDClassifier
from sklearn.dummy import DummyClassifier


@pytest.fixture(scope="module")
def train(twin):
    return pd.read_csv(twin("cardihack").data_dir / "train.csv")


def _cheap_candidates():
    severity = {
        "prevalence": DummyClassifier(strategy="prior"),
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


def _table(rows: dict) -> pd.DataFrame:
    """A comparison table by hand: ``{name: (part, estimate, low, high, sd)}``."""
    records = []
    for name, (part, est, low, high, sd) in rows.items():
        record = {"model": name}
        for p in comparison.PARTS:
            record[p] = record[f"{p} low"] = record[f"{p} high"] = record[f"{p} sd(repeats)"] = np.nan
        record.update({part: est, f"{part} low": low, f"{part} high": high, f"{part} sd(repeats)": sd})
        records.append(record)
    return pd.DataFrame(records).set_index("model")


def test_a_tie_at_the_printed_precision_reads_as_a_tie():
    table = _table(
        {
            "a": ("severity_rescaled", 0.0721, 0.034, 0.103, 0.002),
            "b": ("severity_rescaled", 0.0718, 0.036, 0.103, 0.002),
            "c": ("severity_rescaled", -0.001, -0.003, 0.009, 0.001),
            "m": ("kappa_mace", 0.30, 0.25, 0.35, 0.02),
            "n": ("kappa_mace", 0.10, 0.05, 0.15, np.nan),
        }
    )
    severity, mace = comparison.ranking_sentences(table, ["a", "b", "c"], ["n", "m"])
    assert "a 0.072 [0.034, 0.103] = b 0.072 [0.036, 0.103] > c -0.001" in severity
    assert severity.endswith("the first two tie at three decimals") and "0.072 > " not in severity
    assert mace.startswith("MACE") and "m 0.300 [0.250, 0.350] > n 0.100" in mace
    assert mace.endswith("the first is ahead beyond the second's interval")
    spread = comparison.repeat_spread(table)
    assert spread == ["MACE kappa: m 0.020", "SEVERITY rescaled: a 0.002, b 0.002, c 0.001"]  # n: one repeat


def test_the_official_scores_beside_this_data_and_their_order():
    table = _table(
        {
            "shrunk logistic: age, sex, variant": ("severity_rescaled", 0.06, 0.03, 0.09, 0.01),
            "baseline: logistic, 10 screened SNPs": ("severity_rescaled", 0.07, 0.04, 0.10, 0.01),
            "baseline: ordinal logistic": ("kappa_mace", 0.25, 0.1, 0.4, 0.02),
            "risk score on HCM Risk-SCD": ("kappa_mace", 0.12, 0.0, 0.2, 0.02),
        }
    )
    official = comparison.official_parts_table(table)
    assert official.loc["shrunk logistic: age, sex, variant", "part"] == "SEVERITY rescaled"
    assert official.loc["baseline: ordinal logistic", ["official train file", "this data"]].tolist() == [0.185, 0.25]
    assert np.isnan(official.loc["HCM Risk-SCD, ESC bands", "this data"])  # not in this table
    severity, mace = comparison.official_order_sentences(official)
    assert severity.startswith("SEVERITY rescaled, official train file: shrunk logistic: age, sex, variant 0.048 >")
    assert severity.endswith(
        "here: baseline: logistic, 10 screened SNPs 0.070 > shrunk logistic: age, sex, variant 0.060"
    )
    assert mace.endswith("the same order here")


def test_a_single_repeat_has_no_spread(train):
    dummy = evaluation.cross_validate_pair(
        "dummy", Pair(baselines.ConstantProbability(), baselines.ConstantClass()), train, n_splits=3, n_repeats=1
    )
    table = comparison.comparison_table([dummy], n_boot=10)
    assert table.loc["dummy", "evaluated on"] == "train, out-of-fold (1 repeat)"
    assert table[[f"{p} sd(repeats)" for p in comparison.PARTS]].isna().all(axis=None)
    assert comparison.repeat_spread(table) == []
