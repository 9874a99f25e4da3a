"""Whatever ``check`` accepts, the kit runs: odd training tables, at package level and once through the notebooks.

The odd tables: a clinical column entirely empty, another constant, a MACE class absent, very
few severe patients (too few to model: a constant takes over and says so), very few events.
The package-level tests fit each candidate once (a few seconds); the notebook-level test runs
the three notebooks once, quick, on a folder holding every oddity at once (about 40 s on 2 cores).
"""

import numpy as np
import pandas as pd
import pytest
from hdhkits.cardihack import (
    OUTCOME_MACE,
    OUTCOME_SEVERITY,
    PROBLEM,
    candidates_for,
    choose_and_fit,
    column_auc_intervals,
    declared_features,
    modelling_limits,
    validate_submission_and_rules,
)
from hdhkits.findings import errors
from hdhkits.quirks import copy_data
from hdhkits.runner import run_kit
from hdhkits.submission import read_submission
from sklearn.base import clone


def _odd(train: pd.DataFrame, severe: int) -> pd.DataFrame:
    """Epaiss_max empty, Diam_OG constant, no MACE class 1, only ``severe`` severe patients."""
    odd = train.assign(Epaiss_max=np.nan, Diam_OG=40.0)
    odd.loc[odd[OUTCOME_MACE] == 1, OUTCOME_MACE] = 0
    odd.loc[odd.index[odd[OUTCOME_SEVERITY] == 1][severe:], OUTCOME_SEVERITY] = 0
    return odd


def test_every_candidate_fits_and_predicts_on_odd_columns(data):
    train, test = data
    odd = _odd(train, severe=12)
    severity, mace, limits = candidates_for(odd)
    assert limits == {OUTCOME_SEVERITY: None, OUTCOME_MACE: None}  # 12 severe: still modelled
    for name, model in severity.items():
        p = clone(model).fit(odd, odd[OUTCOME_SEVERITY]).predict_proba(test)[:, 1]
        assert np.isfinite(p).all() and ((p > 0) & (p < 1)).all(), name
    for name, model in mace.items():
        pred = clone(model).fit(odd, odd[OUTCOME_MACE]).predict(test)
        assert set(pred) <= {0, 1, 2}, name
    intervals = column_auc_intervals(odd, n_boot=10)
    assert intervals.loc[intervals["column"] == "Epaiss_max", "auc"].isna().all()


def test_too_few_to_model_gives_constants_that_say_so(data):
    train, test = data
    few = _odd(train, severe=5)
    few.loc[few.index[few[OUTCOME_MACE] >= 1][6:], OUTCOME_MACE] = 0
    severity, mace, limits = candidates_for(few)
    assert all(limits.values()) and limits == modelling_limits(few)
    sev, mace_model, record = choose_and_fit(few, severity, mace, enforce_rules=False)
    submission = pd.DataFrame(
        {
            "trustii_id": test["trustii_id"],
            OUTCOME_MACE: mace_model.predict(test),
            OUTCOME_SEVERITY: sev.predict_proba(test)[:, 1],
        }
    )
    assert record["chosen"] == "SEVERITY: weighted prevalence (constant) + MACE: no event (constant)"
    assert (submission[OUTCOME_MACE] == 0).all() and submission[OUTCOME_SEVERITY].nunique() == 1


def test_the_rule_check_names_the_mace_constant(twin, data):
    train, test = data
    few = train.copy()
    few.loc[few.index[few[OUTCOME_MACE] >= 1][6:], OUTCOME_MACE] = 0
    severity, mace, _ = candidates_for(few)
    sev, mace_model, _ = choose_and_fit(few, severity, mace, enforce_rules=False)
    submission = pd.DataFrame(
        {
            "trustii_id": test["trustii_id"],
            OUTCOME_MACE: mace_model.predict(test),
            OUTCOME_SEVERITY: sev.predict_proba(test)[:, 1],
        }
    )
    problems = validate_submission_and_rules(
        submission,
        twin("cardihack").data_dir,
        severity_features=declared_features(sev) or None,
        mace_features=declared_features(mace_model),
    )
    assert [p.kind for p in errors(problems)] == ["feature_rule"] and "priority SNP" in problems[0].message


@pytest.fixture(scope="module")
def odd_folder(twin, tmp_path_factory):
    folder = copy_data(twin("cardihack", "quick").data_dir, tmp_path_factory.mktemp("odd") / "data")
    train = pd.read_csv(folder / "train.csv")
    _odd(train, severe=6).to_csv(folder / "train.csv", index=False)
    assert not errors(PROBLEM.check_data(folder)), "the odd folder must be one check accepts"
    return folder


def test_the_notebooks_run_to_the_end_on_odd_data(odd_folder, tmp_path):
    runs = run_kit("cardihack", tmp_path / "out", quick=True, seed=0, data_dir=odd_folder)
    failed = [f"{r.notebook}: {r.error}" for r in runs if r.status != "ok"]
    assert not failed, failed
    submission = read_submission(tmp_path / "out" / "cardihack" / "submission.csv")
    assert not errors(PROBLEM.validate_submission(submission, odd_folder))
    assert submission[OUTCOME_SEVERITY].nunique() == 1  # 6 severe patients: the weighted prevalence for everyone
    executed = (tmp_path / "out" / "cardihack" / "executed" / "02_baseline.ipynb").read_text()
    assert "only 6 training patients are severe" in executed
