"""The baselines: scikit-learn conventions, rules, missing values, no leakage, a missing class, the oracle."""

import numpy as np
import pytest
from hdhkits.cardihack import baselines, rules
from hdhkits.cardihack.riskscd import RiskSCDClassifier
from hdhkits.findings import DataError
from sklearn.base import clone
from sklearn.dummy import DummyClassifier


@pytest.fixture(scope="module")
def fitted(data):
    train, _ = data
    sev = baselines.make_severity_model().fit(train, train["OUTCOME SEVERITY"])
    mace = baselines.OrdinalMaceClassifier().fit(train, train["OUTCOME MACE"])
    return sev, mace


def test_fit_predict_shapes_and_ranges(data, fitted):
    _, test = data
    sev, mace = fitted
    p = sev.predict_proba(test)[:, 1]
    assert p.shape == (149,) and ((p > 0) & (p < 1)).all()
    proba = mace.predict_proba(test)
    assert proba.shape == (149, 3) and np.allclose(proba.sum(1), 1) and (proba >= 0).all()
    assert set(mace.predict(test)) <= {0, 1, 2}
    assert mace.thresholds_[0] <= mace.thresholds_[1]


def test_baselines_declare_columns_that_pass_the_rules(fitted):
    sev, mace = fitted
    assert rules.check_feature_rules(baselines.declared_features(sev), baselines.declared_features(mace)) == []
    # the clinical reference alone has no SNP: it cannot be submitted for MACE as it is
    assert rules.check_feature_rules(None, baselines.declared_features(RiskSCDClassifier()))


def test_models_read_only_their_columns(data, fitted):
    _, test = data
    sev, _ = fitted
    scrambled = test.copy()
    for col in ("Epaiss_max", "FEVG", "Diam_OG", "BMI"):
        scrambled[col] = scrambled[col].sample(frac=1, random_state=0).to_numpy()
    assert np.allclose(sev.predict_proba(scrambled), sev.predict_proba(test))


def test_missing_values_are_imputed(data):
    train, test = data
    holes = train.copy()
    rng = np.random.default_rng(0)
    for col in ("Age_Baseline", "Epaiss_max", "SNP3", "Variant.Pathogene"):
        holes.loc[rng.choice(len(holes), 30, replace=False), col] = np.nan
    sev = baselines.make_severity_model().fit(holes, holes["OUTCOME SEVERITY"])
    mace = baselines.OrdinalMaceClassifier().fit(holes, holes["OUTCOME MACE"])
    test_holes = test.copy()
    test_holes.loc[:10, ["Age_Baseline", "SNP3", "Diam_OG"]] = np.nan
    assert np.isfinite(sev.predict_proba(test_holes)).all()
    assert np.isfinite(mace.predict_proba(test_holes)).all()


def test_snp_screening_sees_only_the_rows_it_is_fitted_on(data):
    train, _ = data
    y = train["OUTCOME SEVERITY"].to_numpy()
    half = np.arange(len(train)) < len(train) // 2
    a = baselines.make_severity_model().fit(train[half], y[half]).named_steps["screen"].selected_snps_
    b = baselines.make_severity_model().fit(train, y).named_steps["screen"].selected_snps_
    assert a != b  # the screen depends on the training rows: inside CV it never sees the held-out fold


def test_sklearn_conventions(fitted):
    _, mace = fitted
    params = mace.get_params()
    assert params["k_grs"] == 5 and "features" in params
    assert clone(mace).set_params(C=1.0).C == 1.0
    sev = baselines.make_severity_model(k_snps=5)
    assert sev.get_params()["screen__k"] == 5


def test_constants(data):
    train, test = data
    y = train["OUTCOME SEVERITY"]
    assert baselines.ConstantProbability().fit(train, y).predict_proba(test)[0, 1] == pytest.approx(0.33718)
    weighted = baselines.ConstantProbability("weighted").fit(train, y).p_
    assert weighted == pytest.approx(y.sum() / (y.sum() + 1.5 * (len(y) - y.sum())))
    # the organisers' MACE dummy is scikit-learn's, and so is the training prevalence, to the last bit
    dummy = baselines.ConstantClass()
    assert isinstance(dummy, DummyClassifier) and dummy.get_params()["strategy"] == "constant"
    assert (dummy.fit(train, y).predict(test) == 0).all() and baselines.declared_features(dummy) == []
    prior = DummyClassifier(strategy="prior").fit(train, y).predict_proba(test)[:, 1]
    assert (prior == float(y.to_numpy(float).mean())).all()
    with pytest.raises(ValueError, match="DummyClassifier"):
        baselines.ConstantProbability("prevalence").fit(train, y)
    with pytest.raises(ValueError, match="Only binary classification"):
        baselines.ConstantProbability().fit(train, train["OUTCOME MACE"])


def test_missing_column_is_named(data, fitted):
    _, test = data
    sev, _ = fitted
    with pytest.raises(DataError, match="SNP12"):
        sev.predict_proba(test.drop(columns=["SNP12"]))


def test_oracle_score_is_the_oracle_submissions(twin):
    from hdhkits.cardihack import PROBLEM
    from hdhkits.cardihack.oracle import oracle_submission

    truth = PROBLEM.read_truth(twin("cardihack").truth_path)
    assert baselines.oracle_score(truth) == PROBLEM.score_submission(oracle_submission(truth), truth)
    with pytest.raises(DataError, match="ORACLE_MACE"):
        baselines.oracle_score(truth.drop(columns=["ORACLE_MACE"]))


def test_the_ordinal_baseline_copes_with_a_missing_class(data):
    train, test = data
    no_late = train.assign(**{"OUTCOME MACE": train["OUTCOME MACE"].replace(2, 0)})
    model = baselines.OrdinalMaceClassifier().fit(no_late, no_late["OUTCOME MACE"])
    proba = model.predict_proba(test)
    assert np.allclose(proba[:, 2], 0) and np.allclose(proba.sum(1), 1)
    assert list(model.coefficients().columns) == ["P(MACE>=1)"]  # the constant second model has no coefficient
    assert isinstance(model.models_[1], DummyClassifier)  # one value to learn: scikit-learn's dummy
