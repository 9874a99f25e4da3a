"""The shrunk SEVERITY models and the MACE risk scores: rules, scikit-learn conventions, shrinkage, cut points."""

import numpy as np
import pytest
from hdhkits.cardihack import baselines, rules
from hdhkits.cardihack.features import VariantCoding
from hdhkits.cardihack.metric import weighted_logloss
from hdhkits.cardihack.models import MaceRiskClassifier, PriorShrinkage, make_shrunk_severity_model
from sklearn.base import clone


@pytest.fixture(scope="module")
def fitted(data):
    train, _ = data
    sev = make_shrunk_severity_model().fit(train, train["OUTCOME SEVERITY"])
    mace = MaceRiskClassifier(n_threshold_repeats=1).fit(train, train["OUTCOME MACE"])
    return sev, mace


def test_new_models_follow_the_rules(fitted):
    sev, mace = fitted
    assert rules.check_feature_rules(baselines.declared_features(sev), baselines.declared_features(mace)) == []
    with_snps = make_shrunk_severity_model(k_snps=20)
    assert rules.check_feature_rules(baselines.declared_features(with_snps), None) == []
    # reading a forbidden column is caught through the wrappers
    bad = MaceRiskClassifier(
        features=("Age_Baseline", "Epaiss_max", "Diam_OG", "Gradient", "TVNS", "SYNCOPE", "ATCD_MS")
    )
    assert rules.check_feature_rules(None, baselines.declared_features(bad))


def test_predictions_shapes_and_ranges(data, fitted):
    _, test = data
    sev, mace = fitted
    p = sev.predict_proba(test)[:, 1]
    assert p.shape == (149,) and ((p > 0) & (p < 1)).all()
    pred = mace.predict(test)
    assert pred.shape == (149,) and set(pred) <= {0, 1, 2}
    assert mace.thresholds_[0] <= mace.thresholds_[1]
    assert "risk_scd_pi" in mace.coefficients().index and "burden" in mace.coefficients().index


def test_severity_reads_no_forbidden_column(data, fitted):
    _, test = data
    sev, _ = fitted
    scrambled = test.copy()
    for col in ("FEVG", "Epaiss_max", "TVNS"):
        scrambled[col] = scrambled[col].sample(frac=1, random_state=0).to_numpy()
    assert np.allclose(sev.predict_proba(scrambled), sev.predict_proba(test))


def test_missing_values_are_handled(data):
    train, test = data
    holes = train.copy()
    rng = np.random.default_rng(1)
    for col in ("Age_Baseline", "Epaiss_max", "SNP3", "Variant.Pathogene", "Diam_OG"):
        holes.loc[rng.choice(len(holes), 30, replace=False), col] = np.nan
    sev = make_shrunk_severity_model(k_snps=5).fit(holes, holes["OUTCOME SEVERITY"])
    cols = make_shrunk_severity_model(k_snps=5, snps_as="columns").fit(holes, holes["OUTCOME SEVERITY"])
    assert np.isfinite(cols.predict_proba(test)).all()
    mace = MaceRiskClassifier(n_threshold_repeats=1).fit(holes, holes["OUTCOME MACE"])
    test_holes = test.copy()
    test_holes.loc[:10, ["Age_Baseline", "SNP3", "Diam_OG", "Variant.Pathogene"]] = np.nan
    assert np.isfinite(sev.predict_proba(test_holes)).all()
    assert set(mace.predict(test_holes)) <= {0, 1, 2}


def test_shrinkage_to_the_prior_when_there_is_no_signal(data):
    train, _ = data
    rng = np.random.default_rng(0)
    y = (rng.random(len(train)) < 0.34).astype(int)  # an outcome unrelated to every column
    model = make_shrunk_severity_model(k_snps=20, C=10.0).fit(train, y)
    prior = y.sum() / (y.sum() + 1.5 * (len(y) - y.sum()))
    assert model.prior_ == pytest.approx(prior)
    assert model.alpha_ <= 0.3  # noise is shrunk (almost) to the weighted prevalence
    p = model.predict_proba(train)[:, 1]
    assert np.abs(p - prior).max() < 0.1
    assert model.losses_.min() <= model.losses_.iloc[-1]  # the chosen alpha is no worse than no shrinkage


def test_shrinkage_keeps_a_real_signal(data):
    train, _ = data
    x = train["Age_Baseline"].to_numpy()
    y = (x > np.median(x)).astype(int)  # a strong, learnable outcome
    model = PriorShrinkage(make_shrunk_severity_model(shrink=False, C=1.0)).fit(train, y)
    assert model.alpha_ >= 0.7
    with pytest.raises(ValueError, match="needs an estimator"):
        PriorShrinkage().fit(train, y)
    assert weighted_logloss(y, model.predict_proba(train)[:, 1]) < weighted_logloss(y, model.prior_)


def test_sklearn_conventions():
    model = MaceRiskClassifier(k_snps=3)
    assert clone(model).get_params()["k_snps"] == 3
    sev = make_shrunk_severity_model(k_snps=4)
    assert sev.get_params()["estimator__snps__k"] == 4
    assert type(make_shrunk_severity_model(k_snps=4, snps_as="columns").estimator[4]).__name__ == "SNPScreener"
    with pytest.raises(ValueError, match="snps_as"):
        make_shrunk_severity_model(snps_as="genes")
    assert clone(sev).set_params(n_folds=3).n_folds == 3


def test_a_clinical_risk_score_needs_no_risk_scd_input(data):
    from hdhkits.cardihack.schema import PRIORITY_SNPS

    train, test = data
    model = MaceRiskClassifier(features=("Age_Baseline", "Age_Diag", *PRIORITY_SNPS[:3]), risk_scd=False)
    model.fit(train, train["OUTCOME MACE"])
    assert list(model.coefficients().index) == ["Age_Baseline", "Age_Diag", "burden"]  # no variant: none coded
    assert set(model.predict(test)) <= {0, 1, 2}
    assert list(VariantCoding().fit(train[["Genre"]]).get_feature_names_out()) == ["Genre"]
