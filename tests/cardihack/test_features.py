"""The models' pipeline steps: column selection, SNP scores, variant indicators, the Risk-SCD index."""

import numpy as np
from hdhkits.cardihack.features import (
    CrossFittedBurden,
    GeneticRiskScore,
    RiskSCDFeatures,
    VariantCoding,
    snp_association,
)
from hdhkits.cardihack.riskscd import risk_scd_index


def test_genetic_risk_score_replaces_snps_by_one_column(data):
    train, _ = data
    X = train[["Age_Baseline", "SNP1", "SNP2", "SNP3", "SNP4"]].astype(float)
    grs = GeneticRiskScore(k=2).fit(X, train["OUTCOME MACE"])
    out = grs.transform(X)
    assert list(out.columns) == ["Age_Baseline", "GRS"] and len(grs.snps_) == 2


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


def test_snp_association_is_the_correlation_and_the_slope():
    rng = np.random.default_rng(0)
    G = rng.integers(0, 3, size=(200, 3)).astype(float)
    G[:, 2] = 1.0  # a constant SNP: no association, no slope
    y = (G[:, 0] + rng.normal(size=200) > 1).astype(float)
    corr, slope = snp_association(G, y)
    assert np.isclose(corr[0], abs(np.corrcoef(G[:, 0], y)[0, 1]))
    assert np.isclose(slope[1], np.polyfit(G[:, 1], y, 1)[0])
    assert corr[2] == 0 and slope[2] == 0
