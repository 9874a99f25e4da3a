"""The CYTOLOGIA demo field: the kit's classical model on detector boxes, and simulated teams."""

from __future__ import annotations

import pytest
from hdhkits.cytologia.demo import ERROR_RATES, TRAIN_IMAGES
from hdhkits.leaderboard.field import demo_field
from hdhkits.problem import get_problem

PROBLEM = get_problem("cytologia")


@pytest.fixture(scope="module")
def field(cyto_source):
    truth = PROBLEM.read_truth(cyto_source.truth_path)
    return cyto_source.data_dir, truth, demo_field(PROBLEM, cyto_source.data_dir, truth, 11, seed=0)


@pytest.mark.slow
def test_the_field_holds_the_classical_model_simulated_teams_and_a_duplicate(field):
    data_dir, _truth, subs = field
    names = list(subs)
    forests = [n for n in names if n.startswith("detector_forest_")]
    # the quick twin has fewer train images than the small setting: one forest, named by the images it saw
    assert len(forests) == 1 and int(forests[0].removeprefix("detector_forest_").removesuffix("img")) <= TRAIN_IMAGES[0]
    simulated = [f"simulated_{round(100 * e):02d}pct" for e in ERROR_RATES]
    assert names[:8] == simulated[:2] + forests + ["detector_only"] + simulated[2:] + ["sample_submission"]
    assert names[8:] == ["simulated_06pct_noisy01", "simulated_10pct_noisy02", "simulated_06pct_resubmitted"]
    assert subs["sample_submission"].equals(PROBLEM.sample_submission(data_dir))
    for name, table in subs.items():
        assert not [f for f in PROBLEM.validate_submission(table, data_dir) if f.is_error], name


@pytest.mark.slow
def test_scores_fall_with_the_error_rate_and_the_forest_beats_the_detector_alone(field):
    _data_dir, truth, subs = field
    score = {name: PROBLEM.score_submission(table, truth).value for name, table in subs.items()}
    simulated = [score[f"simulated_{round(100 * e):02d}pct"] for e in ERROR_RATES]
    assert simulated == sorted(simulated, reverse=True)
    forest = next(v for n, v in score.items() if n.startswith("detector_forest_"))
    assert forest > score["detector_only"] + 0.2 and score["detector_only"] > score["sample_submission"]
    # the detector's boxes and classes are the kit's, not the truth's
    boxes = ["x1", "y1", "x2", "y2"]
    assert not subs["detector_only"][boxes].equals(truth[boxes])
