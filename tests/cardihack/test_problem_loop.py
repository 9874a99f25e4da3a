"""The participant's loop on Cardi-HACK: the kit's model hooks, the submission of a pair, and your model end to end."""

import numpy as np
import pytest
from hdhkits import cardihack as kit
from hdhkits.cardihack import KIT_MODEL, PROBLEM, YOURS, Pair, make_submission, read_test, read_train
from hdhkits.cardihack.baselines import ConstantClass, ConstantProbability
from hdhkits.cardihack.pair import BestPerOutcome
from hdhkits.findings import DataError
from hdhkits.fingerprint import model_digest
from sklearn.base import clone
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline


def test_the_kit_names_its_model_and_makes_it_unfitted():
    assert list(PROBLEM.models) == [KIT_MODEL] and YOURS not in PROBLEM.models
    for name in PROBLEM.models:
        model = PROBLEM.make_model(name, seed=0, quick=True)
        assert isinstance(model, BestPerOutcome) and not hasattr(model, "scores_")
        assert (model.n_splits, model.n_repeats) == (5, 2) and PROBLEM.make_model(name, quick=False).n_repeats == 5
        assert list(model.severity_candidates) == list(kit.candidates.severity_candidates(0))
        assert clone(model).get_params()["seed"] == 0
        assert model_digest(model) == model_digest(PROBLEM.make_model(name, seed=0, quick=True))
        assert model_digest(model) != model_digest(PROBLEM.make_model(name, seed=1, quick=True))
    with pytest.raises(DataError, match="best_per_outcome"):
        PROBLEM.make_model("pair")


@pytest.fixture(scope="module")
def fitted_kit_pair(twin):
    source = twin("cardihack")
    unfitted = PROBLEM.make_model(KIT_MODEL, seed=0, quick=True)
    return source, PROBLEM.fit_model(unfitted, source, seed=0, quick=True)


def test_fit_model_and_make_submission_give_a_valid_submission(fitted_kit_pair):
    source, model = fitted_kit_pair
    test = read_test(source.data_dir)
    submission = make_submission(model, test)
    assert list(submission.columns) == ["trustii_id", "OUTCOME MACE", "OUTCOME SEVERITY"]
    assert submission["trustii_id"].tolist() == test["trustii_id"].tolist()
    assert submission["OUTCOME MACE"].dtype.kind == "i" and submission["OUTCOME SEVERITY"].between(0, 1).all()
    assert PROBLEM.validate_submission(submission, source.data_dir) == []
    assert kit.validate_submission_and_rules(submission, source.data_dir, model=model) == []
    # the kit's choice on the quick twin, as 02_baseline's committed outputs show it
    assert model.chosen_name == "SEVERITY: shrunk logistic: age + MACE: clinical risk score"
    assert np.allclose(submission["OUTCOME SEVERITY"], model.severity_.predict_proba(test)[:, 1])


def test_make_submission_and_fit_model_say_what_they_need(fitted_kit_pair):
    source, model = fitted_kit_pair
    test = read_test(source.data_dir)
    with pytest.raises(DataError, match=r"not a pair; a Cardi-HACK model is kit.Pair\(severity, mace\)"):
        make_submission(LogisticRegression(), test)
    with pytest.raises(DataError, match="not fitted; fit it first"):
        make_submission(Pair(ConstantProbability(), ConstantClass()), test)
    with pytest.raises(DataError, match="no 'trustii_id'"):
        make_submission(model, test.drop(columns=["trustii_id"]))
    with pytest.raises(DataError, match="not a pair"):
        PROBLEM.fit_model(LogisticRegression(), source)


def test_your_model_is_trained_again_on_other_data(twin, tmp_path, capsys):
    first, other = twin("cardihack"), twin("cardihack", seed=1)
    fitted = PROBLEM.fit_model(Pair(ConstantProbability("weighted"), ConstantClass(0)), first)
    kit.save_model(fitted, YOURS, first, tmp_path, seed=0, quick=True)
    again, reloaded = kit.load_or_train(YOURS, first, tmp_path, seed=0, quick=True)
    assert reloaded and again.severity_.p_ == fitted.severity_.p_
    retrained, reloaded = kit.load_or_train(YOURS, other, tmp_path, seed=0, quick=True)
    assert not reloaded and "trained on other data" in capsys.readouterr().out
    y = read_train(other.data_dir)["OUTCOME SEVERITY"].to_numpy()
    assert retrained.severity_.p_ == pytest.approx(y.sum() / (y.sum() + 1.5 * (1 - y).sum()))
    assert retrained.severity_.p_ != fitted.severity_.p_


def test_the_kit_pair_is_trained_again_when_its_definition_changes(twin, tmp_path, capsys, monkeypatch):
    source = twin("cardihack")

    def cheap(n_splits):
        mace = Pipeline([("select", kit.ColumnSelector(["SNP1"])), ("logit", LogisticRegression())])
        return BestPerOutcome({"constant": ConstantProbability("weighted")}, {"SNP1": mace}, n_splits, n_repeats=1)

    monkeypatch.setattr(type(PROBLEM), "make_model", lambda self, name, seed=0, quick=False, settings=None: cheap(3))
    _, reloaded = kit.load_or_train(KIT_MODEL, source, tmp_path, seed=0, quick=True)
    assert not reloaded and kit.load_or_train(KIT_MODEL, source, tmp_path, seed=0, quick=True)[1]
    monkeypatch.setattr(type(PROBLEM), "make_model", lambda self, name, seed=0, quick=False, settings=None: cheap(4))
    again, reloaded = kit.load_or_train(KIT_MODEL, source, tmp_path, seed=0, quick=True)
    assert not reloaded and again.n_splits == 4 and "its definition was" in capsys.readouterr().out
