"""Per-patient features from sparse visits."""

import numpy as np
import pandas as pd
import pytest
from hdhkits.annitia.columns import TARGETS
from hdhkits.annitia.features import (
    FIBROSIS_MARKERS,
    LONGITUDINAL,
    add_fibrosis_index,
    add_visit_scores,
    build_features,
    fib4,
    fib4_class,
    followup_risk,
    static_features,
    visit_summary,
)
from hdhkits.annitia.plausibility import implausible_cells, plausible_values
from hdhkits.annitia.schema import read_train
from hdhkits.annitia.visits import to_long


def test_fib4_formula_and_classes():
    assert fib4(50, 40, 25, 200) == pytest.approx(50 * 40 / (200 * 5))
    assert np.isnan(fib4(50, 40, np.nan, 200)) and np.isnan(fib4(50, 40, 25, 0))
    np.testing.assert_array_equal(fib4_class([1.0, 1.3, 2.67, 3.0, np.nan])[:4], [0, 1, 1, 2])
    assert np.isnan(fib4_class([np.nan])[0])


def test_visit_summary_hand_made(make_rows):
    frame = make_rows(
        [
            dict(Age_v1=50, Age_v2=52, Age_v3=54, fibs_stiffness_med_BM_1_v1=6.0, fibs_stiffness_med_BM_1_v3=10.0),
            dict(Age_v1=40, fibs_stiffness_med_BM_1_v1=5.0),
            dict(Age_v1=30),
        ]
    )
    long = add_visit_scores(to_long(frame))
    s = visit_summary(long, "fibs_stiffness_med_BM_1", 3)
    row = s.iloc[0]
    assert (row.iloc[0], row.iloc[1], row.iloc[2], row.iloc[3]) == (6.0, 10.0, 6.0, 10.0)
    assert s.loc[0, "fibs_stiffness_med_BM_1_slope"] == pytest.approx(1.0)  # 4 kPa over 4 years
    assert np.isnan(s.loc[1, "fibs_stiffness_med_BM_1_slope"])  # one measurement: no slope
    assert list(s["fibs_stiffness_med_BM_1_n"]) == [2, 1, 0]
    assert s.loc[2, ["fibs_stiffness_med_BM_1_first", "fibs_stiffness_med_BM_1_last"]].isna().all()


def test_build_features_hand_made(make_rows):
    frame = make_rows(
        [
            dict(
                Age_v1=50,
                Age_v2=53,
                ast_v2=40,
                alt_v2=25,
                plt_v2=200,
                gender=1,
                T2DM=2,
                evenements_hepatiques_majeurs=1,
                death=1,
            ),
            dict(Age_v1=60, gender=2),
        ]
    )
    X = build_features(frame)
    assert len(X) == 2
    assert X.loc[0, "fib4_last"] == pytest.approx(53 * 40 / (200 * 5))
    assert X.loc[0, "followup_years"] == 3 and X.loc[1, "followup_years"] == 0
    assert list(X["n_visits"]) == [2, 1]
    assert list(X["male"]) == [1, 0]
    assert (X.loc[0, "T2DM_2"], X.loc[0, "T2DM_missing"], X.loc[1, "T2DM_missing"]) == (1, 0, 1)
    for var in LONGITUDINAL:
        assert f"{var}_slope" in X.columns


def test_targets_never_used(twin):
    train = read_train(twin("annitia").data_dir)
    with_targets = build_features(train)
    without = build_features(train.drop(columns=list(TARGETS)))
    pd.testing.assert_frame_equal(with_targets, without)
    scrambled = train.copy()
    scrambled[list(TARGETS)] = scrambled[list(TARGETS)].sample(frac=1, random_state=0).to_numpy()
    pd.testing.assert_frame_equal(build_features(scrambled), with_targets)
    assert not any(t in c for c in with_targets.columns for t in ("evenements", "death"))
    assert static_features(train).shape[0] == len(train)


def test_impossible_labs_are_treated_as_missing(make_rows):
    clean = make_rows(
        [
            dict(Age_v1=50, Age_v2=51, ggt_v2=40.0, fibrotest_BM_2_v2=0.3, ast_v1=40, alt_v1=25, plt_v1=200),
            dict(Age_v1=60, Age_v2=62, ggt_v1=30.0, ggt_v2=36.0, fibrotest_BM_2_v1=0.2),
        ]
    )
    noisy = clean.copy()
    noisy.loc[0, "ggt_v1"] = -10.7658  # as in the official train.csv
    noisy.loc[0, "fibrotest_BM_2_v1"] = -0.0350329
    noisy.loc[1, "fibrotest_BM_2_v2"] = 1.2  # above the scale's maximum of 1
    noisy.loc[1, "plt_v2"] = -3.0
    bad = implausible_cells(noisy)
    assert set(bad.columns[bad.any()]) == {"ggt_v1", "fibrotest_BM_2_v1", "fibrotest_BM_2_v2", "plt_v2"}
    masked = plausible_values(noisy)
    for row, col in [(0, "ggt_v1"), (0, "fibrotest_BM_2_v1"), (1, "fibrotest_BM_2_v2"), (1, "plt_v2")]:
        assert np.isnan(masked.loc[row, col]), (row, col)
    assert noisy.loc[0, "ggt_v1"] == -10.7658  # the caller's table is not changed
    # the features are exactly those of the file with the impossible cells left empty
    pd.testing.assert_frame_equal(build_features(noisy), build_features(clean))
    X = build_features(noisy)
    assert X.loc[0, "ggt_first"] == 40.0 and X.loc[0, "ggt_n"] == 1 and X.loc[0, "ggt_min"] == 40.0
    assert X.loc[1, "fibrotest_BM_2_max"] == 0.2


def test_twin_features_hold_no_impossible_value(twin):
    train = read_train(twin("annitia").data_dir)
    assert (train["ggt_v1"] < 0).any() and (train["fibrotest_BM_2_v1"] < 0).any()  # the twin holds the quirk
    X = build_features(train)
    assert X["ggt_min"].min() >= 0 and X["fibrotest_BM_2_min"].min() >= 0
    assert X["fibrotest_BM_2_max"].max() <= 1


def test_fibrosis_index_hand_made(make_rows):
    frame = make_rows(
        [
            # FibroScan at its official median (z = 0), then 6.2·e^0.46 (z = +1): mid z ≈ 0.5
            dict(Age_v1=50, Age_v2=52, fibs_stiffness_med_BM_1_v1=6.2, fibs_stiffness_med_BM_1_v2=6.2 * np.exp(0.46)),
            # platelets one spread below the median (z = +1: fewer platelets, more fibrosis) and
            # FibroTest at its median (z = 0)
            dict(Age_v1=60, plt_v1=239.0 - 64.0, fibrotest_BM_2_v1=0.26),
            dict(Age_v1=70, BMI_v1=30.0),  # no fibrosis marker
        ]
    )
    X = build_features(frame)
    out = add_fibrosis_index(X)
    assert "fibrosis_index_first" not in X  # the caller's table is not changed
    assert out.loc[0, "fibrosis_index_first"] == pytest.approx(0.0, abs=1e-9)
    assert out.loc[0, "fibrosis_index_last"] == pytest.approx(1.0)
    assert out.loc[0, "fibrosis_index_max"] == pytest.approx(1.0)
    assert out.loc[0, "fibs_stiffness_med_BM_1_mid"] == pytest.approx((6.2 + 6.2 * np.exp(0.46)) / 2)
    assert out.loc[1, "fibrosis_index_first"] == pytest.approx(0.5)  # mean of +1 and 0
    assert out.loc[1, "fibrosis_index_max"] == pytest.approx(0.5)  # platelets' "worst" is their minimum
    assert out.loc[2, ["fibrosis_index_first", "fibrosis_index_last", "fibrosis_index_mid"]].isna().all()
    for marker in FIBROSIS_MARKERS:
        assert f"{marker}_mid" in out
    pd.testing.assert_frame_equal(add_fibrosis_index(out), out)  # recomputing changes nothing


def test_fibrosis_index_ranks_liver_events_on_the_twin(twin):
    from hdhkits.annitia.metric import harrell_c
    from hdhkits.annitia.targets import survival_targets

    train = read_train(twin("annitia").data_dir)
    X, y = add_fibrosis_index(build_features(train)), survival_targets(train)
    index = X["fibrosis_index_first"].fillna(X["fibrosis_index_first"].median())
    stiffness = X["fibs_stiffness_med_BM_1_first"].fillna(X["fibs_stiffness_med_BM_1_first"].median())
    # at the first visit the composite ranks liver events better than the stiffness it
    # is made from (0.736 against 0.685 on the quick twin of seed 0)
    c_index = harrell_c(y.hepatic_event, y.hepatic_time, index)
    assert c_index > harrell_c(y.hepatic_event, y.hepatic_time, stiffness) + 0.02


def test_followup_risk_is_minus_the_follow_up_years_and_fills_the_median():
    X = pd.DataFrame({"followup_years": [0.0, 3.0, np.nan, 5.0]})
    np.testing.assert_array_equal(followup_risk(X), [-0.0, -3.0, -3.0, -5.0])
    assert followup_risk(pd.DataFrame({"followup_years": [np.nan]})).tolist() == [0.0]
