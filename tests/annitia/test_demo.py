"""The ANNITIA demo field: the leaderboard and clinical models, ridge Cox at three penalties, simple scores."""

from __future__ import annotations

import numpy as np
import pytest
from hdhkits.annitia.demo import COX_PENALTIES
from hdhkits.annitia.features import build_features
from hdhkits.annitia.schema import read_test
from hdhkits.leaderboard.field import demo_field
from hdhkits.problem import get_problem

PROBLEM = get_problem("annitia")
MODELS = [
    "leaderboard_model",
    "ridge_cox_0.1",
    "ridge_cox_0.01",
    "ridge_cox_1",
    "clinical_model",
    "followup_only",
    "fibroscan_last",
    "age_at_first_visit",
]


@pytest.fixture(scope="module")
def field(twin):
    source = twin("annitia")
    truth = PROBLEM.read_truth(source.truth_path)
    return source.data_dir, truth, demo_field(PROBLEM, source.data_dir, truth, 11, seed=0)


@pytest.mark.slow
def test_the_field_is_the_kits_models_then_noisy_copies_and_a_duplicate(field):
    data_dir, _truth, subs = field
    assert COX_PENALTIES[0] == 0.1  # the baseline's penalty leads the ridge models
    assert list(subs) == MODELS + [
        "leaderboard_model_noisy01",
        "ridge_cox_0.1_noisy02",
        "leaderboard_model_resubmitted",
    ]
    assert subs["leaderboard_model_resubmitted"].equals(subs["leaderboard_model"])
    for name, table in subs.items():
        assert not [f for f in PROBLEM.validate_submission(table, data_dir) if f.is_error], name
    risks = {name: subs[name]["risk_hepatic_event"].to_numpy() for name in MODELS[1:4]}
    assert len({r.tobytes() for r in risks.values()}) == 3  # three penalties, three rankings


@pytest.mark.slow
def test_the_simple_scores_are_what_they_say(field):
    data_dir, _truth, subs = field
    followup = build_features(read_test(data_dir))["followup_years"].to_numpy()
    known = ~np.isnan(followup)
    for column in ("risk_hepatic_event", "risk_death"):
        assert np.allclose(subs["followup_only"][column].to_numpy()[known], -followup[known])
    assert subs["age_at_first_visit"].equals(PROBLEM.sample_submission(data_dir))


@pytest.mark.slow
def test_the_leaderboard_model_outscores_the_sample_submission_on_the_twin(field):
    _data_dir, truth, subs = field
    score = {
        name: PROBLEM.score_submission(subs[name], truth).value for name in ("leaderboard_model", "age_at_first_visit")
    }
    assert score["leaderboard_model"] > score["age_at_first_visit"] + 0.05
