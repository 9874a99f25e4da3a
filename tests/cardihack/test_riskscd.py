"""The HCM Risk-SCD approximation."""

import numpy as np
import pandas as pd
import pytest
from hdhkits.cardihack import riskscd
from hdhkits.findings import DataError

PATIENT = {
    "Epaiss_max": 25.0,
    "Diam_OG": 48.0,
    "Gradient": 1,
    "ATCD_MS": 1,
    "TVNS": 0,
    "SYNCOPE": 1,
    "Age_Baseline": 30.0,
}


def test_prognostic_index_by_hand():
    pi = (
        0.15939858 * 25 - 0.00294271 * 625 + 0.0259082 * 48 + 0.00446131 * 60 + 0.4583082 + 0.71650361 - 0.01799934 * 30
    )
    got = riskscd.risk_scd_index(pd.DataFrame([PATIENT]))[0]
    assert got == pytest.approx(pi)
    assert riskscd.risk_scd(pd.DataFrame([PATIENT]))[0] == pytest.approx(1 - 0.998 ** np.exp(pi))


def test_gradient_mapping_and_missing_values():
    low = dict(PATIENT, Gradient=0)
    diff = riskscd.risk_scd_index(pd.DataFrame([PATIENT, low]))
    assert diff[0] - diff[1] == pytest.approx(0.00446131 * (riskscd.GRADIENT_MMHG[1] - riskscd.GRADIENT_MMHG[0]))
    missing = dict(PATIENT, Diam_OG=np.nan)
    assert np.isfinite(riskscd.risk_scd_index(pd.DataFrame([missing]))).all()


def test_esc_bands():
    assert riskscd.esc_band([0.01, 0.05, 0.07]).tolist() == [0, 1, 2]


def test_classifier_chooses_cut_points_on_train(twin):
    train = pd.read_csv(twin("cardihack").data_dir / "train.csv")
    model = riskscd.RiskSCDClassifier().fit(train, train["OUTCOME MACE"])
    t1, t2 = model.thresholds_
    assert t1 <= t2
    assert set(model.predict(train)) <= {0, 1, 2}
    fixed = riskscd.RiskSCDClassifier(thresholds=riskscd.ESC_BANDS).fit(train, train["OUTCOME MACE"])
    assert fixed.predict(train).tolist() == riskscd.esc_band(riskscd.risk_scd(train)).tolist()


def test_missing_column_is_named():
    with pytest.raises(DataError, match="Diam_OG"):
        riskscd.risk_scd_index(pd.DataFrame([{k: v for k, v in PATIENT.items() if k != "Diam_OG"}]))


def test_checked_values_skip_the_plausibility_step():
    odd = pd.DataFrame([dict(PATIENT, Epaiss_max=200.0)])  # outside the plausible range: the fallback MWT
    fallback = riskscd.risk_scd_index(pd.DataFrame([dict(PATIENT, Epaiss_max=np.nan)]))[0]
    assert riskscd.risk_scd_index(odd)[0] == pytest.approx(fallback)
    # already checked (inside a model's pipeline): the value is taken as it is
    assert riskscd.risk_scd_index(odd, checked=True)[0] != pytest.approx(fallback)
    assert riskscd.risk_scd_index(pd.DataFrame([PATIENT]), checked=True)[0] == pytest.approx(
        riskscd.risk_scd_index(pd.DataFrame([PATIENT]))[0]
    )
