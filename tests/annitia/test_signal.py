"""Univariate C of each variable, the official table shipped with the kit, and the joint figures."""

import numpy as np
import pandas as pd
import pytest
from hdhkits.annitia.signal import (
    OFFICIAL_JOINT_FIGURES,
    joint_figures,
    official_univariate_c,
    univariate_c,
    univariate_gaps,
)
from hdhkits.annitia.twin import twin_frames


@pytest.fixture(scope="module")
def quick_train():
    return twin_frames(seed=0, size="quick")[0]


def test_official_table_is_the_participants_facts():
    table = official_univariate_c()
    assert list(table.columns) == ["variable", "endpoint", "c_index"] and len(table) == 108
    assert set(table["endpoint"]) == {"liver", "death"}
    rows = table.set_index(["variable", "endpoint"])["c_index"]
    # the raw value is the risk: platelets (lower = riskier) score below 0.5
    assert rows["fibs_stiffness_med_BM_1:first", "liver"] == 0.768
    assert rows["plt:first", "liver"] == 0.281 and rows["Age_v1", "death"] == 0.82
    assert rows["chol:first", "liver"] < 0.5 < rows["ast:first", "liver"]


def test_rows_are_those_of_the_official_table(quick_train):
    table = univariate_c(quick_train)
    official = official_univariate_c()
    assert list(table.columns) == list(official.columns)
    assert list(zip(table["variable"], table["endpoint"])) == list(zip(official["variable"], official["endpoint"]))
    assert table["c_index"].between(0, 1).all()


def test_convention_counts_and_unknown_death(make_rows):
    # Three patients, first visit at 50. A: liver event at 52, stiffness 20 then 5 kPa,
    # two stiffness visits; B: censored at 55, 6 kPa, one visit with stiffness; C: censored
    # at 58, no stiffness. Deaths: A dead at 60, B alive, C unknown (left out).
    rows = make_rows(
        [
            dict(Age_v1=50, Age_v2=51, fibs_stiffness_med_BM_1_v1=20.0, fibs_stiffness_med_BM_1_v2=5.0),
            dict(Age_v1=50, Age_v2=55, fibs_stiffness_med_BM_1_v2=6.0),
            dict(Age_v1=50, Age_v2=58),
        ]
    )
    rows["gender"] = [1, 2, 2]
    rows["evenements_hepatiques_majeurs"] = [1, 0, 0]
    rows["evenements_hepatiques_age_occur"] = [52, np.nan, np.nan]
    rows["death"] = [1, 0, np.nan]
    rows["death_age_occur"] = [60, np.nan, np.nan]
    table = univariate_c(rows).set_index(["variable", "endpoint"])["c_index"]
    stiffness = "fibs_stiffness_med_BM_1"
    assert table[f"{stiffness}:first", "liver"] == 1.0  # 20 kPa for the event, 6 for the other
    assert table[f"{stiffness}:last", "liver"] == 0.0  # 5 kPa against 6
    assert table[f"{stiffness}:max", "liver"] == 1.0
    assert table[f"{stiffness}:n", "liver"] == 1.0  # 2 visits against 1 and 0
    assert table["gender", "liver"] == 0.0
    # death: only A and B count (C unknown), and A died after B's last visit: no pair
    assert np.isnan(table["Age_v1", "death"])


def test_gaps_are_measured_minus_official(quick_train):
    table = univariate_c(quick_train)
    gaps = univariate_gaps(table)
    assert len(gaps) == 108
    row = gaps.loc[("Age_v1", "liver")]
    assert row["gap"] == pytest.approx(row["measured"] - 0.572)


def test_joint_figures_on_hand_made_rows(make_rows):
    codes = [(0, 0, 0, 0), (1, 1, 1, 0), (2, 2, 2, 2), (np.nan,) * 4]
    rows = make_rows(
        [dict(zip(("T2DM", "Hypertension", "Dyslipidaemia", "bariatric_surgery"), c), Age_v1=50) for c in codes]
    )
    for test in ("alt", "ast", "bilirubin", "chol", "ggt", "gluc_fast", "plt", "triglyc"):
        rows.loc[0, f"{test}_v1"] = 1.0  # a full panel for the first patient
    rows.loc[1, "alt_v1"] = 1.0  # one test alone for the second
    figures = joint_figures(rows, visits=2)
    assert set(figures) == set(OFFICIAL_JOINT_FIGURES) - {"panel:v3", "panel:v4", "panel:v5"}
    assert figures["corr:T2DM|Hypertension"] == pytest.approx(1.0)
    assert figures["all_codes_unknown"] == figures["any_code_unknown"] == 0.25
    assert figures["all_three_code_2"] == 0.25
    assert figures["panel:v1"] == 0.5 and np.isnan(figures["panel:v2"])


def test_independent_codes_would_show(quick_train):
    # the measure tells joint draws from independent ones: shuffled codes correlate near 0
    shuffled = quick_train.copy()
    rng = np.random.default_rng(0)
    for column in ("Hypertension", "Dyslipidaemia", "bariatric_surgery"):
        shuffled[column] = rng.permutation(shuffled[column].to_numpy())
    assert abs(joint_figures(shuffled)["corr:T2DM|Hypertension"]) < 0.15
    assert joint_figures(quick_train)["corr:T2DM|Hypertension"] > 0.5
    assert isinstance(pd.Series(joint_figures(quick_train)).sum(), float)
