"""Baselines: scikit-learn conventions, the oracle, and better than random on the twin."""

import numpy as np
import pytest
from hdhkits.annitia import PROBLEM, make_submission
from hdhkits.annitia.baselines import (
    ClinicalScore,
    CoxModel,
    ForestModel,
    TwoOutcomeModel,
    make_baselines,
    oracle_score,
)
from hdhkits.annitia.features import build_features
from hdhkits.annitia.schema import read_test, read_train
from hdhkits.annitia.targets import survival_targets
from hdhkits.findings import DataError
from sklearn.base import clone


@pytest.fixture(scope="module")
def data(twin):
    source = twin("annitia")
    train, test = read_train(source.data_dir), read_test(source.data_dir)
    truth = PROBLEM.read_truth(source.truth_path)
    return build_features(train), survival_targets(train), build_features(test), test, truth, source


def test_sklearn_conventions():
    model = TwoOutcomeModel(CoxModel(penalizer=0.3))
    params = model.get_params()
    assert params["hepatic__penalizer"] == 0.3
    assert clone(model).get_params()["hepatic__penalizer"] == 0.3
    assert ForestModel(n_estimators=7).get_params()["n_estimators"] == 7
    assert ClinicalScore("x").get_params() == {"column": "x"}


@pytest.mark.parametrize("name", ["FibroScan (last)", "Cox (ridge)", "Random survival forest"])
def test_fit_predict_beats_random_on_twin_test(data, name):
    X, y, X_test, test, truth, source = data
    model = make_baselines(quick=True)[name].fit(X, y)
    risks = model.predict(X_test)
    assert risks.shape == (len(X_test), 2) and np.isfinite(risks).all()
    submission = make_submission(model, test)
    np.testing.assert_allclose(submission[["risk_hepatic_event", "risk_death"]].to_numpy(), risks, rtol=1e-12)
    assert PROBLEM.validate_submission(submission, source.data_dir) == []
    score = PROBLEM.score_submission(submission, truth)
    assert score.value > 0.65 and set(score.parts) == {"c_hepatic", "c_death"}


def test_death_model_uses_known_status_only(data):
    X, y, *_ = data
    model = TwoOutcomeModel(CoxModel()).fit(X, y)
    assert model.hepatic_.cox_.event_observed.shape[0] == len(y)
    assert model.death_.cox_.event_observed.shape[0] == int(y.death_known.sum())
    assert len(model.hepatic_.coef_) > 10


def test_oracle(data):
    truth = data[4]
    oracle = oracle_score(truth)
    assert 0.7 < oracle.value < 1
    with pytest.raises(DataError, match="true risks"):
        oracle_score(truth.drop(columns=["true_risk_hepatic"]))
