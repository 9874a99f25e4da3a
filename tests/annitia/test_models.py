"""The two model families: what each may read, their blends, the liver pieces and efforts."""

import numpy as np
import pandas as pd
import pytest
from hdhkits.annitia import PROBLEM, make_submission
from hdhkits.annitia.features import build_features
from hdhkits.annitia.models import (
    CLINICAL_FAMILIES,
    EFFORT_PIECES,
    EFFORTS,
    FAMILIES,
    FOLLOWUP,
    LIVER_PIECES,
    add_followup_features,
    family_columns,
    feature_families,
    make_clinical_model,
    make_leaderboard_model,
)
from hdhkits.annitia.schema import read_test, read_train
from hdhkits.annitia.targets import survival_targets
from sklearn.base import clone

# What the clinical model must never read: the follow-up window, visit counts, anything
# measured after the first visit, and the missing-code indicators.
FORBIDDEN_FOR_CLINICAL = ("followup_years", "age_last", "years_per_visit", "n_visits")


@pytest.fixture(scope="module")
def data(twin):
    source = twin("annitia")
    train, test = read_train(source.data_dir), read_test(source.data_dir)
    return build_features(train), survival_targets(train), build_features(test), test, source


@pytest.fixture(scope="module")
def fitted(data):
    X, y, *_ = data
    return {
        "clinical": make_clinical_model(quick=True).fit(X, y),
        "leaderboard": make_leaderboard_model(quick=True).fit(X, y),
    }


def test_every_feature_has_one_family(data):
    X = add_followup_features(data[0])
    families = feature_families(X.columns)
    assert list(families) == list(FAMILIES)
    assert sorted(c for cols in families.values() for c in cols) == sorted(X.columns)
    assert sorted(families["follow-up"]) == sorted(FOLLOWUP)
    assert "T2DM_missing" in families["missing codes"] and "plt_n" in families["counts"]
    with pytest.raises(ValueError, match="belong to no family"):
        feature_families(["age_first", "my_new_feature"])
    with pytest.raises(ValueError, match="unknown feature famil"):
        family_columns(X.columns, ("statics", "labs"))


def test_clinical_columns_are_first_visit_biology(data):
    X = add_followup_features(data[0])
    cols = family_columns(list(X.columns), CLINICAL_FAMILIES)
    assert "age_first" in cols and "fibs_stiffness_med_BM_1_first" in cols and "T2DM_1" in cols
    for col in cols:
        assert col not in FORBIDDEN_FOR_CLINICAL
        assert not col.endswith(("_missing", "_n", "_last", "_min", "_max", "_slope", "_class")), col


def test_years_per_visit():
    X = pd.DataFrame({"followup_years": [0.0, 6.0, 6.0], "n_visits": [1.0, 3.0, 4.0]})
    assert add_followup_features(X)["years_per_visit"].tolist() == [0.0, 3.0, 2.0]
    assert "years_per_visit" not in X  # the caller's frame is not changed
    assert add_followup_features(X[["n_visits"]]).columns.tolist() == ["n_visits"]


def test_sklearn_conventions():
    model = make_leaderboard_model(quick=True, seed=3)
    params = model.get_params()
    assert params["hepatic__random_state"] == 3 and params["death__inner_splits"] == 2
    assert clone(model).get_params()["hepatic__weight_step"] == 0.25
    assert make_leaderboard_model().get_params()["hepatic__inner_splits"] == 3


def test_clinical_model_ignores_follow_up(data, fitted):
    _X, _, X_test, *_ = data
    # Stretch every test patient's follow-up window: the clinical model must not move,
    # the leaderboard model must (its death model reads the window).
    stretched = X_test.copy()
    stretched["followup_years"] = stretched["followup_years"][::-1].to_numpy() * 2 + 1
    stretched["n_visits"] = stretched["n_visits"][::-1].to_numpy()
    np.testing.assert_allclose(fitted["clinical"].predict(stretched), fitted["clinical"].predict(X_test))
    lb = fitted["leaderboard"]
    assert not np.allclose(lb.predict(stretched)[:, 1], lb.predict(X_test)[:, 1])
    for blend in (fitted["clinical"].hepatic_, fitted["clinical"].death_):
        for models in blend.models_.values():
            for component in models:
                assert not set(component.features_) & set(FORBIDDEN_FOR_CLINICAL)
                assert not any(c.endswith(("_missing", "_n", "_last", "_slope")) for c in component.features_)


def test_leaderboard_death_blend_holds_the_follow_up_model(fitted):
    death = fitted["leaderboard"].death_
    assert list(death.weights_.index) == ["Cox, follow-up only", "Cox", "boosting", "forest"]
    assert sorted(death.models_["Cox, follow-up only"][0].features_) == sorted(FOLLOWUP)
    assert list(fitted["leaderboard"].hepatic_.weights_.index) == ["Cox", "boosting", "forest"]


@pytest.mark.parametrize("name", ["clinical", "leaderboard"])
def test_fitted_models_submit_and_beat_random(data, fitted, name):
    _X, _y, X_test, test, source = data
    risks = fitted[name].predict(X_test)
    assert risks.shape == (len(X_test), 2) and np.isfinite(risks).all()
    submission = make_submission(fitted[name], test)
    np.testing.assert_allclose(submission[["risk_hepatic_event", "risk_death"]].to_numpy(), risks, rtol=1e-12)
    assert PROBLEM.validate_submission(submission, source.data_dir) == []
    score = PROBLEM.score_submission(submission, PROBLEM.read_truth(source.truth_path))
    assert score.value > 0.7, score


def test_efforts_and_pieces():
    assert set(EFFORT_PIECES) == set(EFFORTS) and set(LIVER_PIECES) >= set(EFFORT_PIECES["full"])
    assert set(EFFORT_PIECES["default"]) <= set(EFFORT_PIECES["full"])
    no_pieces = make_leaderboard_model(pieces=())
    assert [name for name, _ in no_pieces.hepatic.components] == ["Cox", "boosting", "forest"]
    assert no_pieces.hepatic.inner_repeats == 1 and no_pieces.hepatic.components[0][1].estimator.alpha == 100
    every = make_leaderboard_model(pieces=LIVER_PIECES).hepatic
    assert [name for name, _ in every.components] == [
        "Cox",
        "boosting",
        "forest",
        "first-visit Cox",
        "first-visit boosting",
        "stiffness gate",
        "componentwise boosting",
    ]
    assert every.inner_repeats > 1 and every.components[2][1].estimator.n_estimators > 30
    assert (every.core_components, no_pieces.hepatic.core_components) == (3, None) and every.min_gain > 0
    for name, component in every.components[:5]:
        assert component.derived and (component.families == CLINICAL_FAMILIES) == name.startswith("first-visit")
    # the death blend does not depend on the effort
    default, full = make_leaderboard_model(), make_leaderboard_model(effort="full")
    assert repr(default.death) == repr(full.death) == repr(no_pieces.death)
    assert repr(make_clinical_model(effort="full")) == repr(make_clinical_model())  # one clinical model
    with pytest.raises(ValueError, match="effort"):
        make_clinical_model(effort="huge")
    with pytest.raises(ValueError, match="effort"):
        make_leaderboard_model(effort="huge")
    with pytest.raises(ValueError, match="unknown liver piece"):
        make_leaderboard_model(pieces=("deep learning",))


def test_first_visit_pieces_read_first_visit_biology_only(data):
    X, y, *_ = data
    model = make_leaderboard_model(quick=True, pieces=("fibrosis index", "first-visit biology")).fit(X, y)
    for name in ("first-visit Cox", "first-visit boosting"):
        for component in model.hepatic_.models_[name]:
            assert "fibrosis_index_first" in component.features_
            assert not set(component.features_) & set(FORBIDDEN_FOR_CLINICAL)
            later = ("_missing", "_n", "_last", "_mid", "_max", "_slope")
            assert not any(c.endswith(later) for c in component.features_)
    assert "fibrosis_index_mid" in model.hepatic_.models_["Cox"][0].features_
