"""A model is a pair: scikit-learn conventions, the kit's choice per outcome, the rules on what a pair declares."""

import numpy as np
import pytest
from hdhkits.cardihack import OUTCOME_MACE, OUTCOME_SEVERITY, ColumnSelector, evaluation, pair
from hdhkits.cardihack.baselines import ConstantClass, ConstantProbability
from hdhkits.cardihack.pair import BestPerOutcome, Pair, outcome_models, pair_summary, rule_findings
from hdhkits.findings import DataError
from sklearn.base import clone
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler


def _logistic(columns, **kw) -> Pipeline:
    return Pipeline(
        [("select", ColumnSelector(columns)), ("impute", SimpleImputer()), ("logit", LogisticRegression(**kw))]
    )


def _cheap_kit_pair(**kw) -> BestPerOutcome:
    severity = {"constant": ConstantProbability("weighted"), "age": _logistic(["Age_Baseline"])}
    mace = {"age, SNP1": _logistic(["Age_Baseline", "SNP1"]), "thickness": _logistic(["Epaiss_max", "SNP2"])}
    return BestPerOutcome(severity, mace, n_splits=3, **kw)


def test_a_pair_follows_the_scikit_learn_conventions(data):
    train, test = data
    model = Pair(_logistic(["Age_Baseline", "Genre"]), _logistic(["Age_Baseline", "SNP1"]))
    assert set(model.get_params(deep=False)) == {"severity", "mace"}
    assert model.get_params()["severity__logit__C"] == 1.0
    copy = clone(model)
    assert copy.severity is not model.severity and not hasattr(copy, "severity_")
    fitted = copy.fit(train)
    assert fitted is copy and not hasattr(model.severity, "n_features_in_")  # the estimators given stay unfitted
    by_hand = clone(model.severity).fit(train[["Age_Baseline", "Genre"]], train[OUTCOME_SEVERITY])
    assert np.allclose(fitted.predict_severity(test), by_hand.predict_proba(test[["Age_Baseline", "Genre"]])[:, 1])
    assert set(fitted.predict_mace(test)) <= {0, 1, 2} and fitted.predict_mace(test).dtype.kind == "i"
    assert list(fitted.predict(test).columns) == [OUTCOME_MACE, OUTCOME_SEVERITY]
    # y given apart: the same fit
    outcomes = train[[OUTCOME_SEVERITY, OUTCOME_MACE]]
    apart = clone(model).fit(train.drop(columns=list(outcomes)), outcomes)
    assert np.allclose(apart.predict_severity(test), fitted.predict_severity(test))


def test_a_pair_says_what_it_needs(data):
    train, _ = data
    with pytest.raises(DataError, match=r"kit.Pair\(severity=..., mace=...\)"):
        Pair(mace=ConstantClass()).fit(train)
    with pytest.raises(DataError, match="fit it on the train table"):
        Pair(ConstantProbability(), ConstantClass()).fit(train.drop(columns=[OUTCOME_MACE]))


def test_a_model_reading_every_column_sees_neither_outcome_nor_submission_key(data):
    train, test = data
    plain = Pair(
        Pipeline([("impute", SimpleImputer()), ("scale", StandardScaler()), ("logit", LogisticRegression(C=1e-3))]),
        ConstantClass(),
    )
    fitted = plain.fit(train)
    assert OUTCOME_SEVERITY not in fitted.severity_.feature_names_in_
    assert len(fitted.predict_severity(test)) == len(test)  # trustii_id in the test table does not get in the way


def test_the_kit_pair_keeps_each_outcome_s_best_by_cross_validation(data):
    train, test = data
    kit_pair = _cheap_kit_pair(n_repeats=1, seed=3).fit(train)
    severity, mace, _ = kit_pair.candidates(train)
    scores = {
        name: evaluation.cross_validate_outcome(name, model, train, outcome, 3, 1, 3).value()
        for models, outcome in ((severity, OUTCOME_SEVERITY), (mace, OUTCOME_MACE))
        for name, model in models.items()
    }
    assert kit_pair.scores_ == pytest.approx(scores)
    assert kit_pair.severity_name_ == max(severity, key=scores.get)
    assert kit_pair.mace_name_ == max(mace, key=scores.get)
    assert kit_pair.chosen_name == f"SEVERITY: {kit_pair.severity_name_} + MACE: {kit_pair.mace_name_}"
    chosen = clone(mace[kit_pair.mace_name_]).fit(train, train[OUTCOME_MACE])
    assert np.array_equal(kit_pair.predict_mace(test), chosen.predict(test))
    assert clone(kit_pair).get_params()["n_splits"] == 3 and not hasattr(clone(kit_pair), "scores_")


def test_the_kit_pair_reuses_cross_validations_made_on_its_folds_only(data, monkeypatch):
    train, _ = data
    severity, mace, _ = _cheap_kit_pair().candidates(train)
    made = {
        name: evaluation.cross_validate_outcome(name, model, train, outcome, 3, 2, 0)
        for models, outcome in ((severity, OUTCOME_SEVERITY), (mace, OUTCOME_MACE))
        for name, model in models.items()
    }
    reference = _cheap_kit_pair(n_repeats=2).fit(train)
    calls = []
    real = pair.cross_validate_outcome
    monkeypatch.setattr(pair, "cross_validate_outcome", lambda *a, **k: calls.append(a[0]) or real(*a, **k))
    reused = _cheap_kit_pair(n_repeats=2).fit(train, cv=made)
    assert calls == [] and reused.scores_ == reference.scores_
    _cheap_kit_pair(n_repeats=2, seed=1).fit(train, cv=made)  # other folds: every candidate again
    assert sorted(calls) == sorted(made)


def test_the_rules_are_checked_on_what_each_model_declares(data):
    train, _ = data
    fine = Pair(_logistic(["Age_Baseline", "Genre"]), _logistic(["Epaiss_max", "SNP3"]))
    assert rule_findings(fine) == [] and rule_findings(clone(fine).fit(train)) == []
    assert rule_findings(Pair(ConstantProbability(), _logistic(["SNP3"]))) == []  # a constant reads nothing: allowed
    broken = rule_findings(Pair(_logistic(["Age_Baseline", "FEVG"]), _logistic(["Epaiss_max", "SNP120"])))
    assert [f.kind for f in broken] == ["feature_rule", "feature_rule"]
    assert "'FEVG'" in broken[0].message and "no priority SNP" in broken[1].message


def test_a_model_that_declares_nothing_gets_a_sentence_not_a_traceback():
    plain = Pipeline([("impute", SimpleImputer()), ("logit", LogisticRegression())])
    (finding,) = rule_findings(Pair(plain, _logistic(["SNP1"])))
    assert not finding.is_error and finding.kind == "feature_rule_unchecked"
    assert "SEVERITY model (Pipeline) does not declare the columns it reads" in finding.message
    assert "cannot be checked" in finding.message and "ColumnSelector" in finding.fix
    (other,) = rule_findings(LogisticRegression())
    assert not other.is_error and "cannot be checked" in str(other) and "kit.Pair(severity, mace)" in str(other)
    with pytest.raises(DataError, match="chosen|SEVERITY and MACE"):
        outcome_models(BestPerOutcome())  # unfitted: its models are chosen at fit


def test_summaries_say_what_a_pair_is(data):
    train, _ = data
    kit_pair = _cheap_kit_pair(n_repeats=1).fit(train)
    lines = pair_summary(kit_pair)
    assert lines[0].startswith(f"SEVERITY: {kit_pair.severity_name_} (rescaled log-loss ")
    assert "1 x 3-fold cross-validation" in lines[0] and lines[-1].startswith("the other candidates: ")
    yours = pair_summary(Pair(_logistic(["Age_Baseline"]), _logistic(["Age_Baseline", "SNP1", "SNP2"])))
    assert yours == [
        "SEVERITY: ColumnSelector -> SimpleImputer -> LogisticRegression (reads Age_Baseline)",
        "MACE: ColumnSelector -> SimpleImputer -> LogisticRegression (reads Age_Baseline + 2 SNP(s))",
    ]
    assert "undeclared" in pair_summary(Pair(LogisticRegression(), ConstantClass()))[0]
