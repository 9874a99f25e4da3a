"""What each column tells alone: AUCs, intervals, SNPs against chance, on any table check accepts."""

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pytest
from hdhkits.cardihack import signal
from hdhkits.cardihack.schema import OUTCOME_MACE, OUTCOME_SEVERITY
from sklearn.metrics import roc_auc_score


@pytest.fixture(scope="module")
def train(data):
    return data[0]


def test_auc_is_scikit_learns_with_missing_values_left_out():
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=200).round(1), (rng.random(200) < 0.3).astype(float)  # rounded: ties
    assert signal.auc(x, y) == pytest.approx(roc_auc_score(y, x), abs=1e-12)
    x_missing = x.copy()
    x_missing[:20] = np.nan
    assert signal.auc(x_missing, y) == pytest.approx(roc_auc_score(y[20:], x[20:]), abs=1e-12)
    assert signal.auc(np.full(200, 3.0), y) == 0.5  # a constant ranks nobody
    assert np.isnan(signal.auc(np.full(200, np.nan), y))  # an empty column says nothing at all
    assert np.isnan(signal.auc(x, np.r_[1.0, np.zeros(199)]))  # one positive: nothing to compare


def test_column_aucs_read_age_diag_where_known(train):
    table = signal.column_aucs(train)
    assert list(table.columns) == list(signal.OUTCOME_LABELS) and list(table.index) == list(signal.SIGNAL_COLUMNS)
    known = (train["Age_Diag"] > 0) & (train["Age_Diag"] <= train["Age_Baseline"])
    expected = roc_auc_score(train.loc[known, OUTCOME_SEVERITY], train.loc[known, "Age_Diag"])
    assert table.loc["Age_Diag", "SEVERITY"] == pytest.approx(expected, abs=1e-12)
    expected = roc_auc_score(train[OUTCOME_MACE] >= 1, train["Epaiss_max"])
    assert table.loc["Epaiss_max", "MACE >= 1"] == pytest.approx(expected, abs=1e-12)


def test_intervals_hold_the_estimate_and_survive_odd_columns(train):
    odd = train.assign(Epaiss_max=np.nan, Diam_OG=40.0)
    intervals = signal.column_auc_intervals(odd, n_boot=30, seed=1)
    assert len(intervals) == 2 * len(signal.SIGNAL_COLUMNS)
    ok = intervals.dropna(subset=["auc"])
    assert (ok["low"] <= ok["auc"] + 1e-12).all() and (ok["auc"] <= ok["high"] + 1e-12).all()
    empty = intervals[intervals["column"] == "Epaiss_max"]
    assert empty["auc"].isna().all() and (empty["n"] == 0).all()
    constant = intervals[intervals["column"] == "Diam_OG"]
    assert (constant["auc"] == 0.5).all()
    sentences = signal.describe_column_aucs(intervals)
    assert len(sentences) == 2 and all("cannot be told from nothing" in s for s in sentences)
    signal.plot_column_aucs(intervals)  # NaN rows are left out of the figure, not an error


def test_snps_against_permuted_outcomes(train):
    distances = signal.snp_auc_against_chance(train, n_permutations=5, seed=0)
    assert set(distances["draw"]) == {"observed", "permuted"}
    assert len(distances) == 2 * 6 * 288 and (distances["distance"].between(0, 0.5)).all()
    summary = signal.snp_chance_summary(distances)
    assert list(summary.index) == list(signal.OUTCOME_LABELS)
    assert {"median", "max", "chance median", "chance max 95 %", "beyond chance", "official max"} <= set(
        summary.columns
    )
    assert (summary["max"] >= summary["median"]).all()
    signal.plot_snp_aucs(distances)


def test_a_planted_snp_is_seen_beyond_chance(train):
    planted = train.copy()
    planted["SNP5"] = planted[OUTCOME_SEVERITY] * 2  # a SNP that is the outcome
    summary = signal.snp_chance_summary(signal.snp_auc_against_chance(planted, n_permutations=5))
    assert summary.loc["SEVERITY", "beyond chance"] and summary.loc["SEVERITY", "max"] == pytest.approx(0.5)


def test_an_outcome_with_one_class_gives_nan_not_an_error(train):
    flat = train.assign(**{OUTCOME_MACE: 0})
    table = signal.column_aucs(flat)
    assert table["MACE >= 1"].isna().all() and table["SEVERITY"].notna().all()
    distances = signal.snp_auc_against_chance(flat, n_permutations=2)
    assert set(distances["outcome"]) == {"SEVERITY"}
    assert "no column could be read" in signal.describe_column_aucs(signal.column_auc_intervals(flat, n_boot=5))[1]
