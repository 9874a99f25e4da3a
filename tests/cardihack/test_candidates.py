"""The candidates of each outcome, the choice per outcome under the rules, and what a fitted one learnt."""

import numpy as np
import pytest
from hdhkits.cardihack import candidates
from sklearn.base import clone


def test_the_candidates_of_each_outcome_follow_their_rule():
    severity, mace = candidates.severity_candidates(1), candidates.mace_candidates(1)
    assert list(severity) == [candidates.SEVERITY_BASELINE, candidates.SEVERITY_SHRUNK, candidates.SEVERITY_AGE]
    assert list(mace) == [candidates.MACE_BASELINE, candidates.MACE_RISK_SCD, candidates.MACE_CLINICAL_SCORE]
    table = candidates.describe_candidates(severity, mace)
    assert (table["rules"] == "follows the rules").all() and (table["what"] != "").all()
    assert table.loc[candidates.SEVERITY_AGE, "reads"] == "Age_Baseline"
    assert table.loc[candidates.MACE_CLINICAL_SCORE, "reads"].endswith("+ 75 SNPs (the priority ones)")
    assert not mace[candidates.MACE_CLINICAL_SCORE].risk_scd and mace[candidates.MACE_RISK_SCD].risk_scd
    assert candidates.combination_name("a", "b") == "SEVERITY: a + MACE: b"


def test_choose_per_outcome_takes_each_outcome_s_best_that_follows_the_rules():
    from hdhkits.cardihack.baselines import ConstantClass, ConstantProbability
    from hdhkits.cardihack.riskscd import RiskSCDClassifier

    severity, mace = candidates.severity_candidates(), candidates.mace_candidates()
    severity["constant"] = ConstantProbability("weighted")  # reads nothing: allowed, as the organisers' dummy
    mace["Risk-SCD"] = RiskSCDClassifier()  # reads no SNP: breaks the MACE rule
    sev_scores = {
        candidates.SEVERITY_BASELINE: 0.01,
        candidates.SEVERITY_SHRUNK: 0.05,
        candidates.SEVERITY_AGE: float("nan"),
        "constant": 0.03,
    }
    mace_scores = {
        candidates.MACE_BASELINE: 0.2,
        candidates.MACE_RISK_SCD: 0.1,
        candidates.MACE_CLINICAL_SCORE: 0.15,
        "Risk-SCD": 0.9,
    }
    assert candidates.choose_per_outcome(sev_scores, mace_scores, severity, mace) == (
        candidates.SEVERITY_SHRUNK,
        candidates.MACE_BASELINE,
    )
    assert candidates.choose_per_outcome(sev_scores, mace_scores, severity, mace, enforce_rules=False)[1] == "Risk-SCD"
    with pytest.raises(ValueError, match="no cross-validated MACE model follows the rules"):
        candidates.choose_per_outcome(sev_scores, {"Risk-SCD": 0.9}, severity, mace)
    only_constant = {"no event": ConstantClass(0)}
    assert candidates.choose_per_outcome(
        {"constant": 0.0}, {"no event": 0.0}, severity, only_constant, enforce_rules=False
    ) == ("constant", "no event")


def test_fitted_candidates_tell_what_they_learnt(data):
    from hdhkits.cardihack.baselines import ConstantProbability

    train, _ = data
    for name, model in {**candidates.severity_candidates(), **candidates.mace_candidates()}.items():
        y = train["OUTCOME SEVERITY" if name in candidates.severity_candidates() else "OUTCOME MACE"]
        fitted = clone(model).fit(train, y)
        coef = candidates.model_coefficients(fitted)
        assert coef is not None and len(coef) and np.isfinite(coef.to_numpy()).all(), name
        assert candidates.model_summary(fitted), name
    constant = ConstantProbability().fit(train, train["OUTCOME SEVERITY"])
    assert candidates.model_coefficients(constant) is None
    assert "no learnt coefficient" in candidates.model_summary(constant)[0]


def test_a_shrinkage_factor_is_said_as_what_it_does(data):
    train, _ = data
    model = clone(candidates.severity_candidates()[candidates.SEVERITY_AGE]).fit(train, train["OUTCOME SEVERITY"])
    (line,) = candidates.model_summary(model)
    assert f"factor {model.alpha_:.2f}" in line
    for alpha, words in ((1.0, "kept the probabilities as fitted"), (0.0, "weighted prevalence for everyone")):
        model.alpha_ = alpha
        assert words in candidates.model_summary(model)[0]
    model.alpha_ = 0.4
    assert "keeps 40% of its distance" in candidates.model_summary(model)[0]
