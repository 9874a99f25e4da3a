"""A script written for the official files runs unchanged on the twin.

Plain pandas and scikit-survival only, as a participant would write it from the
organisers' description: read both files, derive the targets from the ``Age_v*``
columns, fit, predict.
"""

import numpy as np
import pandas as pd


def test_plain_pandas_script_runs_on_twin(twin):
    folder = twin("annitia").data_dir
    train = pd.read_csv(folder / "train.csv")
    test = pd.read_csv(folder / "val_test.csv")
    assert train.shape[1] == 287 and test.shape[1] == 284

    age_cols = [c for c in train.columns if c.startswith("Age_v")]
    first = train["Age_v1"]
    last = train[age_cols].max(axis=1)
    hep_event = train["evenements_hepatiques_majeurs"].astype(bool)
    hep_time = np.where(hep_event, train["evenements_hepatiques_age_occur"] - first, last - first)
    hep_time = np.maximum(hep_time, 0.001)
    known = train["death"].notna()
    death_event = train.loc[known, "death"].astype(bool)
    death_time = np.maximum(
        np.where(death_event, train.loc[known, "death_age_occur"] - first[known], last[known] - first[known]), 0.001
    )

    # features under 50% missing, median-imputed, as in the organisers' starter notebook
    features = [c for c in test.columns if c not in ("trustii_id", "patient_id_anon")]
    features = [c for c in features if train[c].isna().mean() < 0.5]
    X = train[features].fillna(train[features].median())
    X_test = test[features].fillna(train[features].median())

    from sksurv.linear_model import CoxnetSurvivalAnalysis
    from sksurv.util import Surv

    model = CoxnetSurvivalAnalysis(l1_ratio=0.5, alpha_min_ratio=0.05, n_alphas=20, max_iter=5000)
    model.fit(X, Surv.from_arrays(hep_event, hep_time))
    risk_h = model.predict(X_test)
    model.fit(X[known.to_numpy()], Surv.from_arrays(death_event, death_time))
    risk_d = model.predict(X_test)
    submission = pd.DataFrame({"trustii_id": test["trustii_id"], "risk_hepatic_event": risk_h, "risk_death": risk_d})
    assert len(submission) == len(test) and np.isfinite(submission.iloc[:, 1:].to_numpy()).all()

    # The kit derives the very same targets.
    from hdhkits.annitia import survival_targets

    y = survival_targets(train)
    np.testing.assert_array_equal(y.hepatic_event, hep_event)
    np.testing.assert_allclose(y.hepatic_time, hep_time)
    np.testing.assert_array_equal(y.death_known, known)
    np.testing.assert_allclose(y.death_time[known.to_numpy()], death_time)
