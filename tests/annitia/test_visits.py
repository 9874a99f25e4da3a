"""One row per patient-visit, and how the visits of a file move."""

import numpy as np
import pytest
from hdhkits.annitia.visits import to_long, visit_figures


def test_to_long_one_row_per_visit(make_rows):
    frame = make_rows(
        [dict(Age_v1=50, Age_v2=52, alt_v1=30.5, plt_v2=200.0), dict(Age_v1=40, fibs_stiffness_med_BM_1_v22=9.0)]
    )
    long = to_long(frame)
    assert list(long["visit"]) == [1, 2, 1, 22]
    assert list(long["row"]) == [0, 0, 1, 1]
    assert long.loc[0, "alt"] == 30.5 and long.loc[1, "plt"] == 200.0
    assert np.isnan(long.loc[3, "Age"]) and long.loc[3, "fibs_stiffness_med_BM_1"] == 9.0
    assert {"patient_id_anon", "Age", "fibs_stiffness_med_BM_1"} <= set(long.columns)


def test_visit_figures_hand_made(make_rows):
    frame = make_rows(
        [
            dict(Age_v1=50, Age_v2=51, Age_v3=57, BMI_v1=30.0, BMI_v2=32.0, alt_v1=40.0),
            dict(Age_v1=60, Age_v2=60, BMI_v1=25.0, BMI_v2=25.0, plt_v2=200.0),
        ]
    )
    figures = visit_figures(frame)
    assert (figures["gap_median"], figures["gap_max"], figures["gap_share_above_4"]) == (1.0, 6.0, 1 / 3)
    assert figures["sd_BMI"] == pytest.approx(np.median([np.std([30, 32], ddof=1), 0.0]))
    assert np.isnan(figures["sd_alt"])  # nobody has two ALT values
