"""The default twin is as hard as the official files for the kit's own Cox baseline.

On the official files, the cross-validation of ``02_baseline`` (unchanged code) gives the
ridge Cox model about 0.84 (C liver about 0.81, C death about 0.90). The default twin
(seed 0) must stay near that: an easier twin flatters every idea tried on it. The
ranges are loose (about 47 liver events make C liver move by a few points between
seeds); ``benchmarks/bench_annitia_calibration.py`` prints the same figures for more
seeds.
"""

import pytest
from hdhkits.annitia import (
    build_features,
    compare_models,
    make_baselines,
    oracle_score,
    score_risks,
    survival_targets,
)
from hdhkits.annitia.twin import twin_frames


@pytest.fixture(scope="module")
def default_twin_cv():
    train, test, truth = twin_frames(seed=0, size="default")
    X, y = build_features(train), survival_targets(train)
    # exactly what 02_baseline runs at default size for its "Cox (ridge)" row
    model = {"Cox (ridge)": make_baselines(quick=False, seed=0)["Cox (ridge)"]}
    table, _ = compare_models(model, X, y, n_splits=5, seed=0, n_boot=50)
    return table.loc["Cox (ridge)"], y, (X, test, truth)


@pytest.mark.slow
def test_cox_cross_validation_lands_near_the_official_files(default_twin_cv):
    row, _, _ = default_twin_cv
    assert 0.81 <= row["score"] <= 0.87, row.to_dict()
    assert 0.78 <= row["c_hepatic"] <= 0.85, row.to_dict()
    assert 0.87 <= row["c_death"] <= 0.93, row.to_dict()


@pytest.mark.slow
def test_event_counts_stay_official(default_twin_cv):
    _, y, _ = default_twin_cv
    assert 35 <= y.hepatic_event.sum() <= 60  # official: 47
    assert 60 <= y.death_event.sum() <= 95  # official: 76 among 984 with known status


@pytest.mark.slow
def test_oracle_beats_the_model_on_liver_events(default_twin_cv):
    # The oracle ranks by the true latent risks, hidden liver frailty included, so on the
    # twin's test patients it must beat the Cox model on C(hepatic); on C(death) the model
    # may win through follow-up length (trap 4), which the oracle ignores.
    _, y, (X, test, truth) = default_twin_cv
    model = make_baselines(quick=False, seed=0)["Cox (ridge)"].fit(X, y)
    risks = model.predict(build_features(test))
    targets = survival_targets(truth)
    fitted = score_risks(targets, risks[:, 0], risks[:, 1])
    oracle = oracle_score(truth)
    assert oracle.parts["c_hepatic"] > fitted.parts["c_hepatic"] + 0.03, (oracle, fitted)
