"""Per-patient features from sparse visits."""
import numpy as np
import pandas as pd
import pytest

from hdhkits.annitia.data import load_train, to_long
from hdhkits.annitia.features import (
    LONGITUDINAL, add_visit_scores, build_features, fib4, fib4_class, static_features, visit_summary,
)
from hdhkits.annitia.schema import TARGETS


def test_fib4_formula_and_classes():
    assert fib4(50, 40, 25, 200) == pytest.approx(50 * 40 / (200 * 5))
    assert np.isnan(fib4(50, 40, np.nan, 200)) and np.isnan(fib4(50, 40, 25, 0))
    np.testing.assert_array_equal(fib4_class([1.0, 1.3, 2.67, 3.0, np.nan])[:4], [0, 1, 1, 2])
    assert np.isnan(fib4_class([np.nan])[0])


def test_visit_summary_hand_made(make_rows):
    frame = make_rows([
        dict(Age_v1=50, Age_v2=52, Age_v3=54, fibs_stiffness_med_BM_1_v1=6.0, fibs_stiffness_med_BM_1_v3=10.0),
        dict(Age_v1=40, fibs_stiffness_med_BM_1_v1=5.0),
        dict(Age_v1=30),
    ])
    long = add_visit_scores(to_long(frame))
    s = visit_summary(long, "fibs_stiffness_med_BM_1", 3)
    row = s.iloc[0]
    assert (row.iloc[0], row.iloc[1], row.iloc[2], row.iloc[3]) == (6.0, 10.0, 6.0, 10.0)
    assert s.loc[0, "fibs_stiffness_med_BM_1_slope"] == pytest.approx(1.0)  # 4 kPa over 4 years
    assert np.isnan(s.loc[1, "fibs_stiffness_med_BM_1_slope"])  # one measurement: no slope
    assert list(s["fibs_stiffness_med_BM_1_n"]) == [2, 1, 0]
    assert s.loc[2, ["fibs_stiffness_med_BM_1_first", "fibs_stiffness_med_BM_1_last"]].isna().all()


def test_build_features_hand_made(make_rows):
    frame = make_rows([dict(Age_v1=50, Age_v2=53, ast_v2=40, alt_v2=25, plt_v2=200, gender=1, T2DM=2,
                        evenements_hepatiques_majeurs=1, death=1),
                   dict(Age_v1=60, gender=2)])
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
    train = load_train(twin("annitia").data_dir)
    with_targets = build_features(train)
    without = build_features(train.drop(columns=list(TARGETS)))
    pd.testing.assert_frame_equal(with_targets, without)
    scrambled = train.copy()
    scrambled[list(TARGETS)] = scrambled[list(TARGETS)].sample(frac=1, random_state=0).to_numpy()
    pd.testing.assert_frame_equal(build_features(scrambled), with_targets)
    assert not any(t in c for c in with_targets.columns for t in ("evenements", "death"))
    assert static_features(train).shape[0] == len(train)
