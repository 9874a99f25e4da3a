"""ANNITIA's side of the participant's loop: the Problem's model hooks, make_submission, and 02 -> 03 with your model."""

import numpy as np
import pytest
from hdhkits import saved
from hdhkits.annitia import PROBLEM, TwoOutcomeModel, build_features, make_submission, read_test, read_train
from hdhkits.annitia.baselines import ClinicalScore
from hdhkits.annitia.models import EFFORT_PIECES, make_clinical_model, make_leaderboard_model
from hdhkits.findings import DataError
from hdhkits.fingerprint import describe_model, read_stamp

#: A cheap model of the kit's form: FIB-4 at the last visit for both outcomes.
CHEAP = TwoOutcomeModel(ClinicalScore("fib4_last"))


@pytest.fixture(scope="module")
def source(twin):
    return twin("annitia", size="quick", seed=0)


def test_models_are_named_after_what_they_are():
    assert list(PROBLEM.models) == ["leaderboard", "clinical"]  # the default first
    assert PROBLEM.models == {"leaderboard": "leaderboard model", "clinical": "clinical model"}
    assert saved.model_label(PROBLEM, "leaderboard") == "leaderboard model"


@pytest.mark.parametrize("effort", ["default", "full"])
def test_make_model_builds_each_kit_model_as_its_maker(effort):
    settings = {"effort": effort}
    made = {
        "leaderboard": make_leaderboard_model(quick=True, seed=3, effort=effort),
        "clinical": make_clinical_model(quick=True, seed=3, effort=effort),
    }
    for name, expected in made.items():
        model = PROBLEM.make_model(name, seed=3, quick=True, settings=settings)
        assert describe_model(model) == describe_model(expected), name
        assert not hasattr(model, "hepatic_")  # unfitted
    slow = PROBLEM.make_model("leaderboard", seed=3, quick=False, settings=settings)
    assert describe_model(slow) != describe_model(made["leaderboard"])  # quick mode is lighter
    assert describe_model(PROBLEM.make_model("leaderboard")) == describe_model(make_leaderboard_model())


def test_bad_names_and_settings_say_what_to_set():
    with pytest.raises(DataError, match="'leaderboard', 'clinical'"):
        PROBLEM.make_model("best")
    with pytest.raises(DataError, match="effort must be one of"):
        PROBLEM.make_model("clinical", settings={"effort": "huge"})
    with pytest.raises(DataError, match="only 'effort'"):
        PROBLEM.stamped_settings({"effort": "default", "epochs": 3})


def test_the_stamp_keeps_the_effort_and_its_liver_pieces():
    for effort in ("default", "full"):
        stamped = PROBLEM.stamped_settings({"effort": effort})
        assert stamped == {"effort": effort, "liver_pieces": list(EFFORT_PIECES[effort])}
    assert PROBLEM.stamped_settings(None) == PROBLEM.stamped_settings({"effort": "default"})


def test_fit_model_and_make_submission_give_a_valid_submission(source):
    unfitted = PROBLEM.make_model("clinical", quick=True)
    fitted = PROBLEM.fit_model(unfitted, source, quick=True)
    assert not hasattr(unfitted, "hepatic_")  # a copy was fitted
    test = read_test(source.data_dir)
    submission = make_submission(fitted, test)
    assert list(submission.columns) == ["trustii_id", "risk_hepatic_event", "risk_death"]
    assert submission["trustii_id"].tolist() == test["trustii_id"].tolist()  # the test file's order
    assert PROBLEM.validate_submission(submission, source.data_dir) == []
    np.testing.assert_array_equal(submission.iloc[:, 1:].to_numpy(), fitted.predict(build_features(test)))
    # the same model fitted by hand on the train file's features predicts the same
    train = read_train(source.data_dir)
    from hdhkits.annitia.targets import survival_targets

    by_hand = PROBLEM.make_model("clinical", quick=True).fit(build_features(train), survival_targets(train))
    np.testing.assert_array_equal(by_hand.predict(build_features(test)), fitted.predict(build_features(test)))


def test_make_submission_refuses_a_model_without_two_risks_per_patient(source):
    test = read_test(source.data_dir)

    class OneRisk:
        def predict(self, X):
            return np.zeros(len(X))

    with pytest.raises(DataError, match="one pair of risks"):
        make_submission(OneRisk(), test)
    with pytest.raises(DataError, match="trustii_id"):
        make_submission(CHEAP, test.drop(columns="trustii_id"))


def test_a_stale_stamp_retrains_and_says_why(source, twin, tmp_path, capsys):
    settings = {"effort": "default"}
    model, reloaded = saved.load_or_train("clinical", source, tmp_path, quick=True, settings=settings)
    assert not reloaded and (tmp_path / "annitia_clinical.pkl").is_file()
    stamp = read_stamp(tmp_path / "annitia_clinical.pkl")
    assert stamp.settings["effort"] == "default" and stamp.settings["liver_pieces"] == ["stronger ridge"]
    again, reloaded = saved.load_or_train("clinical", source, tmp_path, quick=True, settings=settings)
    assert reloaded
    X = build_features(read_test(source.data_dir))
    np.testing.assert_array_equal(again.predict(X), model.predict(X))
    capsys.readouterr()
    _, reloaded = saved.load_or_train("clinical", source, tmp_path, quick=True, settings={"effort": "full"})
    assert not reloaded and "its effort was 'default' (now 'full')" in capsys.readouterr().out
    _, reloaded = saved.load_or_train("clinical", twin("annitia", size="quick", seed=1), tmp_path, quick=True)
    assert not reloaded and "trained on other data" in capsys.readouterr().out


def test_your_model_is_saved_reloaded_and_retrained_on_other_data(source, twin, tmp_path, capsys):
    fitted = PROBLEM.fit_model(CHEAP, source, quick=True)
    saved.save_model(fitted, saved.YOURS, source, tmp_path, quick=True)
    back, reloaded = saved.load_or_train(saved.YOURS, source, tmp_path, quick=True)
    assert reloaded and back.hepatic_.fill_value_ == fitted.hepatic_.fill_value_
    other = twin("annitia", size="quick", seed=1)
    retrained, reloaded = saved.load_or_train(saved.YOURS, other, tmp_path, quick=True)
    assert not reloaded and "training your model here" in capsys.readouterr().out
    expected = build_features(read_train(other.data_dir))["fib4_last"].median()
    assert retrained.hepatic_.fill_value_ == pytest.approx(expected)  # learnt on the other twin's train file
