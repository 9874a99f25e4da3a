"""Implausible values: the check warns (never blocks), names them, and the models handle them as stated."""

import numpy as np
import pandas as pd
import pytest
from hdhkits.cardihack import PROBLEM, baselines, plausibility
from hdhkits.cardihack.riskscd import risk_scd_index
from hdhkits.findings import errors, warnings_of
from hdhkits.quirks import copy_data


@pytest.fixture()
def folder(twin, tmp_path):
    """A copy of the quick twin, with hand-placed implausible values in train.csv."""
    folder = copy_data(twin("cardihack").data_dir, tmp_path / "data")
    train = pd.read_csv(folder / "train.csv")
    train.loc[[0, 1], "Age_Diag"] = 0.0
    train.loc[2, "Age_Diag"] = train.loc[2, "Age_Baseline"] + 6.25
    train.loc[3, "Epaiss_max"] = 1.9  # cm for mm
    train.loc[4, "BMI"] = 270.0  # weight for BMI
    train.to_csv(folder / "train.csv", index=False)
    return folder


def _only(findings, kind, file="train.csv", column=None):
    hits = [f for f in findings if f.kind == kind and f.file == file and (column is None or f.column == column)]
    assert len(hits) == 1, [str(f) for f in findings]
    return hits[0]


def test_check_data_warns_and_never_blocks(folder):
    findings = PROBLEM.check_data(folder)
    assert not errors(findings)
    assert warnings_of(findings) == findings
    zero = _only(findings, "unknown_code_zero", column="Age_Diag")
    assert zero.count >= 2 and {1, 2} <= set(zero.rows) and "treated as missing" in zero.fix
    after = _only(findings, "diagnosis_after_baseline", column="Age_Diag")
    assert 3 in after.rows and after.extreme == pytest.approx(6.25) and "Age_Baseline kept" in after.fix
    low = _only(findings, "below_minimum", column="Epaiss_max")
    assert low.rows == (4,) and low.extreme == pytest.approx(1.9)
    high = _only(findings, "above_maximum", column="BMI")
    assert high.rows == (5,) and high.fix == plausibility.OUT_OF_RANGE_HANDLING
    assert "treat these values as missing" in high.fix


def test_the_official_ranges_pass_without_warning():
    # values at the edges the official train file is known to reach
    edge = pd.DataFrame(
        {
            "Age_Baseline": [14.0, 91.0],
            "Age_Diag": [5.0, 91.0],
            "BMI": [15.0, 45.0],
            "BSA": [30.0, 130.0],
            "Epaiss_max": [9.0, 41.0],
            "Diam_OG": [25.0, 70.0],
        }
    )
    assert plausibility.plausibility_findings(edge, "train.csv") == []
    assert plausibility.plausible_values(edge).notna().all().all()
    for column, (low, high) in plausibility.PLAUSIBLE_RANGES.items():
        assert low <= edge[column].min() and edge[column].max() <= high, column


def test_plausible_values_sets_each_warned_value_to_missing_and_only_those():
    df = pd.DataFrame(
        {
            "Age_Baseline": [50.0, 60.0, 60.0, 130.0, 40.0],
            "Age_Diag": [0.0, 65.0, 55.0, 70.0, 38.0],
            "Epaiss_max": [18.0, 1.8, 20.0, 15.0, 61.0],
            "Genre": [0, 1, 0, 1, 0],
        }
    )
    out = plausibility.plausible_values(df)
    assert out["Age_Diag"].isna().tolist() == [True, True, False, False, False]  # unknown, after baseline
    assert out["Age_Baseline"].isna().tolist() == [False, False, False, True, False]  # above 100 years
    assert out["Epaiss_max"].isna().tolist() == [False, True, False, False, True]
    assert out["Genre"].tolist() == df["Genre"].tolist()
    assert df["Age_Diag"].iloc[0] == 0.0 and df["Epaiss_max"].iloc[1] == 1.8  # the input is left alone
    # works on a model's selection of columns too
    assert plausibility.plausible_values(df[["Epaiss_max"]])["Epaiss_max"].isna().sum() == 2


def test_baselines_and_reference_handle_the_warned_values(folder):
    train = pd.read_csv(folder / "train.csv")
    sev = baselines.make_severity_model()
    pair = baselines.OrdinalMaceClassifier()._fit_pair(train, train["OUTCOME MACE"].to_numpy())
    for model in (sev, *pair):  # implausible values become missing before the imputer sees them
        steps = [name for name, _ in model.steps]
        assert steps.index("select") < steps.index("plausible") < steps.index("impute")
    # the MACE model sees the 1.9 cm thickness as missing, imputed with the training median
    plausible = pair[0][:2].transform(train.iloc[[3]])
    assert np.isnan(plausible["Epaiss_max"].iloc[0])
    imputed = pair[0][:3].transform(train.iloc[[3]])
    median = plausibility.plausible_values(train)["Epaiss_max"].median()
    assert imputed["Epaiss_max"].iloc[0] == pytest.approx(median)
    # HCM Risk-SCD falls back to the derivation cohort's typical thickness (20 mm)
    fixed = train.iloc[[3]].assign(Epaiss_max=20.0)
    assert risk_scd_index(train.iloc[[3]]) == pytest.approx(risk_scd_index(fixed))
    sev.fit(train, train["OUTCOME SEVERITY"])
    assert np.isfinite(sev.predict_proba(train)).all()


def test_the_twin_holds_the_warned_quirks_at_a_small_rate(twin):
    src = twin("cardihack", "default")
    train = pd.read_csv(src.data_dir / "train.csv")
    zero = (train["Age_Diag"] == 0).mean()
    after = ((train["Age_Diag"] > train["Age_Baseline"]) & (train["Age_Diag"] > 0)).sum()
    assert 0.01 <= zero <= 0.08 and 1 <= after <= 12
    kinds = {(f.kind, f.file) for f in src.findings}
    assert {
        ("unknown_code_zero", "train.csv"),
        ("unknown_code_zero", "test.csv"),
        ("diagnosis_after_baseline", "train.csv"),
    } <= kinds
    assert all(not f.is_error for f in src.findings)


def test_unknown_age_at_diagnosis_becomes_missing():
    df = pd.DataFrame({"Age_Diag": [0.0, 41.5], "BMI": [0.0, 20.0]})
    out = plausibility.unknown_as_missing(df)
    assert out["Age_Diag"].isna().tolist() == [True, False]
    assert out["BMI"].tolist() == [0.0, 20.0]
    assert df["Age_Diag"].iloc[0] == 0.0  # the input is left alone
