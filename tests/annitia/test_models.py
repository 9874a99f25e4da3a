"""The two model families: what each may read, the rank blend, the nested weights."""

import numpy as np
import pandas as pd
import pytest
from hdhkits.annitia import PROBLEM, make_submission
from hdhkits.annitia.baselines import ClinicalScore
from hdhkits.annitia.data import survival_array, survival_targets
from hdhkits.annitia.features import build_features
from hdhkits.annitia.metric import harrell_c
from hdhkits.annitia.models import (
    CLINICAL_FAMILIES,
    EFFORT_PIECES,
    EFFORTS,
    FAMILIES,
    FOLLOWUP,
    LIVER_PIECES,
    RankBlend,
    StiffnessGate,
    add_followup_features,
    family_columns,
    feature_families,
    make_clinical_model,
    make_leaderboard_model,
    simplex_grid,
)
from hdhkits.annitia.schema import read_test, read_train
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


def test_simplex_grid():
    grid = simplex_grid(3, 0.25)
    assert grid.shape == (15, 3)
    np.testing.assert_allclose(grid.sum(axis=1), 1)
    assert (grid >= 0).all() and len({tuple(r) for r in grid}) == 15
    np.testing.assert_allclose(grid[-1].max(), 1)  # the least even last
    assert np.ptp(grid[0]) <= 0.25  # the most even first
    with pytest.raises(ValueError):
        simplex_grid(3, 0.3)


def test_blend_weights_follow_the_signal():
    rng = np.random.default_rng(0)
    n = 400
    signal = rng.normal(size=n)
    time = rng.exponential(np.exp(-signal))
    event = rng.random(n) < 0.6
    X = pd.DataFrame({"signal": signal, "noise": rng.normal(size=n)})
    y = survival_array(event, time)
    blend = RankBlend(
        [("noise", ClinicalScore("noise")), ("signal", ClinicalScore("signal"))], inner_splits=3, weight_step=0.25
    ).fit(X, y)
    assert blend.weights_["signal"] >= 0.75 and np.isclose(blend.weights_.sum(), 1)
    assert blend.component_scores_["signal"] > 0.65 > blend.component_scores_["noise"]
    risk = blend.predict(X)
    assert harrell_c(event, time, risk) > 0.65
    # row by row: a patient's risk does not depend on who is predicted with them
    np.testing.assert_allclose(blend.predict(X.iloc[:7]), risk[:7])
    assert len(blend.models_["signal"]) == 3


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
    submission = make_submission(test, risks)
    assert PROBLEM.validate_submission(submission, source.data_dir) == []
    score = PROBLEM.score_submission(submission, PROBLEM.read_truth(source.truth_path))
    assert score.value > 0.7, score


def _toy_survival(n: int = 400, seed: int = 0):
    # One informative column ("signal"), one noise column, and a stiffness column that
    # marks a high-risk group: risk = signal + 1.5 in the group.
    rng = np.random.default_rng(seed)
    signal = rng.normal(size=n)
    stiffness = np.where(rng.random(n) < 0.25, 15.0, 6.0)
    time = rng.exponential(np.exp(-(signal + 1.5 * (stiffness >= 12))))
    event = rng.random(n) < 0.7
    X = pd.DataFrame({"signal": signal, "noise": rng.normal(size=n), "fibs_stiffness_med_BM_1_last": stiffness})
    return X, survival_array(event, time)


def test_repeated_inner_folds():
    X, y = _toy_survival()
    components = [("noise", ClinicalScore("noise")), ("signal", ClinicalScore("signal"))]
    once = RankBlend(components, inner_splits=3).fit(X, y)
    again = RankBlend(components, inner_splits=3, inner_repeats=1).fit(X, y)
    np.testing.assert_array_equal(once.predict(X), again.predict(X))  # one repeat: the blend of issue #8
    thrice = RankBlend(components, inner_splits=3, inner_repeats=3).fit(X, y)
    assert len(thrice.models_["signal"]) == 9 and thrice.reference_.shape == (3 * len(X), 2)
    assert thrice.weights_["signal"] >= 0.75
    # each repeat has its own folds (one split repeated would learn three medians)
    assert len({m.fill_value_ for m in thrice.models_["signal"]}) > 6


def test_candidates_get_weight_only_where_they_win():
    X, y = _toy_survival()
    components = [("noise", ClinicalScore("noise")), ("signal", ClinicalScore("signal"))]
    free = RankBlend(components, core_components=1, min_gain=0.0).fit(X, y)
    assert free.weights_["signal"] >= 0.75  # the candidate wins by far: it gets its weight
    barred = RankBlend(components, core_components=1, min_gain=0.5).fit(X, y)
    assert barred.weights_["signal"] == 0 and barred.weights_["noise"] == 1  # no gain of 0.5 in concordance
    assert barred.inner_score_ < free.inner_score_


def test_stiffness_gate_routes_and_ranks():
    X, y = _toy_survival()
    gate = StiffnessGate(ClinicalScore("signal"), ClinicalScore("noise")).fit(X, y)
    risk = gate.predict(X)
    high = X["fibs_stiffness_med_BM_1_last"].to_numpy() >= 12
    assert gate.routed_ and risk[high].min() > risk[~high].max()  # the high group above the low one
    assert ((risk[~high] > -1e-5) & (risk[~high] < 1 + 1e-5)).all()
    # within the low group, the low model's order; within the high group, the high model's
    low = np.flatnonzero(~high)
    assert harrell_c(np.ones(len(low), bool), -X["signal"].to_numpy()[low], risk[low]) > 0.99
    hi = np.flatnonzero(high)
    assert harrell_c(np.ones(len(hi), bool), -X["noise"].to_numpy()[hi], risk[hi]) > 0.99
    np.testing.assert_allclose(gate.predict(X.iloc[:9]), risk[:9])  # row by row
    # too few events in the high group: the low model ranks everyone, still split by group
    few = y.copy()
    few["event"][high] = False
    unrouted = StiffnessGate(ClinicalScore("signal"), ClinicalScore("noise")).fit(X, few)
    assert not unrouted.routed_ and unrouted.high_ is unrouted.low_
    assert harrell_c(np.ones(len(hi), bool), -X["signal"].to_numpy()[hi], unrouted.predict(X)[hi]) > 0.99
    from hdhkits.findings import DataError

    with pytest.raises(DataError, match="fibs_stiffness_med_BM_1_last"):
        gate.predict(X.drop(columns=["fibs_stiffness_med_BM_1_last"]))


def test_efforts_and_pieces():
    assert set(EFFORT_PIECES) == set(EFFORTS) and set(LIVER_PIECES) >= set(EFFORT_PIECES["full"])
    assert set(EFFORT_PIECES["default"]) <= set(EFFORT_PIECES["full"])
    issue8 = make_leaderboard_model(pieces=())
    assert [name for name, _ in issue8.hepatic.components] == ["Cox", "boosting", "forest"]
    assert issue8.hepatic.inner_repeats == 1 and issue8.hepatic.components[0][1].estimator.alpha == 100
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
    assert (every.core_components, issue8.hepatic.core_components) == (3, None) and every.min_gain > 0
    for name, component in every.components[:5]:
        assert component.derived and (component.families == CLINICAL_FAMILIES) == name.startswith("first-visit")
    # the death blend does not depend on the effort
    default, full = make_leaderboard_model(), make_leaderboard_model(effort="full")
    assert repr(default.death) == repr(full.death) == repr(issue8.death)
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
