"""The issue #8 models: rules, scikit-learn conventions, cross-fitting, shrinkage, cut points."""

import numpy as np
import pytest
from hdhkits.cardihack import baselines, rules
from hdhkits.cardihack.metric import weighted_logloss
from hdhkits.cardihack.models import (
    CrossFittedBurden,
    MaceRiskClassifier,
    PriorShrinkage,
    RiskSCDFeatures,
    VariantCoding,
    make_shrunk_severity_model,
)
from hdhkits.cardihack.riskscd import risk_scd_index
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


def test_cross_fitted_burden_on_training_rows_differs_from_the_refit(data):
    train, _ = data
    X = train[[f"SNP{i}" for i in range(1, 76)] + ["Age_Baseline"]].astype(float)
    rng = np.random.default_rng(0)
    y = (rng.random(len(X)) < 0.3).astype(int)  # noise: the in-sample score looks predictive, the cross-fitted not
    step = CrossFittedBurden(k=10)
    crossed = step.fit_transform(X, y)["burden"].to_numpy()
    in_sample = step.transform(X)["burden"].to_numpy()
    assert list(step.transform(X).columns) == ["Age_Baseline", "burden"] and len(step.snps_) == 10
    assert np.corrcoef(in_sample, y)[0, 1] > np.corrcoef(crossed, y)[0, 1] + 0.1
    assert list(CrossFittedBurden(k=0).fit_transform(X, y).columns) == ["Age_Baseline"]


def test_feature_transformers(data):
    train, _ = data
    coded = VariantCoding().fit_transform(train[["Genre", "Variant.Pathogene"]].astype(float))
    assert list(coded.columns) == ["Genre", "carrier", "two_variants"]
    assert (coded["carrier"] == (train["Variant.Pathogene"] >= 1)).all()
    cols = ["Age_Baseline", "Epaiss_max", "Diam_OG", "Gradient", "TVNS", "SYNCOPE", "ATCD_MS", "FEVG"]
    out = RiskSCDFeatures().fit_transform(train[cols].astype(float))
    assert list(out.columns) == ["risk_scd_pi", "FEVG"]
    assert np.allclose(out["risk_scd_pi"], risk_scd_index(train))


def test_sklearn_conventions():
    model = MaceRiskClassifier(k_snps=3)
    assert clone(model).get_params()["k_snps"] == 3
    sev = make_shrunk_severity_model(k_snps=4)
    assert sev.get_params()["estimator__snps__k"] == 4
    assert type(make_shrunk_severity_model(k_snps=4, snps_as="columns").estimator[4]).__name__ == "SNPScreener"
    with pytest.raises(ValueError, match="snps_as"):
        make_shrunk_severity_model(snps_as="genes")
    assert clone(sev).set_params(n_folds=3).n_folds == 3


def test_save_and_load(tmp_path, data, fitted):
    _, test = data
    sev, mace = fitted
    path = baselines.save_models(tmp_path / "m.joblib", sev, mace, fingerprint="x")
    sev2, mace2 = baselines.load_models(path, fingerprint="x")
    assert np.allclose(sev2.predict_proba(test), sev.predict_proba(test))
    assert (mace2.predict(test) == mace.predict(test)).all()


def test_choose_pair_takes_the_best_rule_abiding_pair():
    from hdhkits.cardihack import BASELINE_PAIR, NEW_PAIR, ConstantProbability, RiskSCDClassifier, candidate_pairs
    from hdhkits.cardihack.models import choose_pair

    pairs = candidate_pairs()
    assert set(pairs) == {BASELINE_PAIR, NEW_PAIR}
    assert choose_pair({BASELINE_PAIR: 0.2, NEW_PAIR: 0.1}, pairs) == BASELINE_PAIR
    assert choose_pair({BASELINE_PAIR: 0.1, NEW_PAIR: 0.2}, pairs) == NEW_PAIR
    # a better-scoring pair that breaks the MACE rule (no SNP) is never chosen
    pairs["Risk-SCD"] = (ConstantProbability("weighted"), RiskSCDClassifier())
    assert choose_pair({BASELINE_PAIR: 0.1, NEW_PAIR: 0.2, "Risk-SCD": 0.5}, pairs) == NEW_PAIR
    with pytest.raises(ValueError, match="rules"):
        choose_pair({"Risk-SCD": 0.5}, pairs)


def test_the_candidates_of_each_outcome_follow_their_rule():
    from hdhkits.cardihack import models

    severity, mace = models.severity_candidates(1), models.mace_candidates(1)
    assert list(severity) == [models.SEVERITY_BASELINE, models.SEVERITY_SHRUNK, models.SEVERITY_AGE]
    assert list(mace) == [models.MACE_BASELINE, models.MACE_RISK_SCD, models.MACE_CLINICAL_SCORE]
    table = models.describe_candidates(severity, mace)
    assert (table["rules"] == "follows the rules").all() and (table["what"] != "").all()
    assert table.loc[models.SEVERITY_AGE, "reads"] == "Age_Baseline"
    assert table.loc[models.MACE_CLINICAL_SCORE, "reads"].endswith("+ 75 SNPs (the priority ones)")
    assert not mace[models.MACE_CLINICAL_SCORE].risk_scd and mace[models.MACE_RISK_SCD].risk_scd
    assert models.combination_name("a", "b") == "SEVERITY: a + MACE: b"


def test_choose_per_outcome_takes_each_outcome_s_best_that_follows_the_rules():
    from hdhkits.cardihack import ConstantClass, ConstantProbability, RiskSCDClassifier, models

    severity, mace = models.severity_candidates(), models.mace_candidates()
    severity["constant"] = ConstantProbability("weighted")  # reads nothing: allowed, as the organisers' dummy
    mace["Risk-SCD"] = RiskSCDClassifier()  # reads no SNP: breaks the MACE rule
    sev_scores = {
        models.SEVERITY_BASELINE: 0.01,
        models.SEVERITY_SHRUNK: 0.05,
        models.SEVERITY_AGE: float("nan"),
        "constant": 0.03,
    }
    mace_scores = {
        models.MACE_BASELINE: 0.2,
        models.MACE_RISK_SCD: 0.1,
        models.MACE_CLINICAL_SCORE: 0.15,
        "Risk-SCD": 0.9,
    }
    assert models.choose_per_outcome(sev_scores, mace_scores, severity, mace) == (
        models.SEVERITY_SHRUNK,
        models.MACE_BASELINE,
    )
    assert models.choose_per_outcome(sev_scores, mace_scores, severity, mace, enforce_rules=False)[1] == "Risk-SCD"
    with pytest.raises(ValueError, match="no cross-validated MACE model follows the rules"):
        models.choose_per_outcome(sev_scores, {"Risk-SCD": 0.9}, severity, mace)
    only_constant = {"no event": ConstantClass(0)}
    assert models.choose_per_outcome(
        {"constant": 0.0}, {"no event": 0.0}, severity, only_constant, enforce_rules=False
    ) == ("constant", "no event")


def test_fitted_candidates_tell_what_they_learnt(data):
    from hdhkits.cardihack import ConstantProbability, models

    train, _ = data
    for name, model in {**models.severity_candidates(), **models.mace_candidates()}.items():
        y = train["OUTCOME SEVERITY" if name in models.severity_candidates() else "OUTCOME MACE"]
        fitted = clone(model).fit(train, y)
        coef = models.model_coefficients(fitted)
        assert coef is not None and len(coef) and np.isfinite(coef.to_numpy()).all(), name
        assert models.model_summary(fitted), name
    constant = ConstantProbability().fit(train, train["OUTCOME SEVERITY"])
    assert models.model_coefficients(constant) is None
    assert "no learnt coefficient" in models.model_summary(constant)[0]


def test_a_clinical_risk_score_needs_no_risk_scd_input(data):
    from hdhkits.cardihack.schema import PRIORITY_SNPS

    train, test = data
    model = MaceRiskClassifier(features=("Age_Baseline", "Age_Diag", *PRIORITY_SNPS[:3]), risk_scd=False)
    model.fit(train, train["OUTCOME MACE"])
    assert list(model.coefficients().index) == ["Age_Baseline", "Age_Diag", "burden"]  # no variant: none coded
    assert set(model.predict(test)) <= {0, 1, 2}
    assert list(VariantCoding().fit(train[["Genre"]]).get_feature_names_out()) == ["Genre"]


def test_the_ordinal_baseline_copes_with_a_missing_class(data):
    train, test = data
    no_late = train.assign(**{"OUTCOME MACE": train["OUTCOME MACE"].replace(2, 0)})
    model = baselines.OrdinalMaceClassifier().fit(no_late, no_late["OUTCOME MACE"])
    proba = model.predict_proba(test)
    assert np.allclose(proba[:, 2], 0) and np.allclose(proba.sum(1), 1)
    assert list(model.coefficients().columns) == ["P(MACE>=1)"]  # the constant second model has no coefficient
