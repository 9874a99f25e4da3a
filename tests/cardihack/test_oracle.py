"""The twin's oracle: true probabilities and the thresholded true expected code, in the files' row order."""

import numpy as np
import pytest
from hdhkits.cardihack import oracle, twin
from hdhkits.cardihack.schema import OUTCOME_MACE, OUTCOME_SEVERITY, TEST_ID


@pytest.fixture(scope="module")
def frames():
    return twin.twin_frames(seed=0, size="quick")


def test_the_submission_is_the_truths_oracle_columns(frames):
    truth = frames["test_truth"]
    sub = oracle.oracle_submission(truth)
    assert list(sub.columns) == [TEST_ID, OUTCOME_MACE, OUTCOME_SEVERITY]
    assert (sub[TEST_ID] == truth[TEST_ID]).all() and (sub[OUTCOME_MACE] == truth["ORACLE_MACE"]).all()
    assert np.array_equal(sub[OUTCOME_SEVERITY], truth["P_SEVERE"])


def test_train_predictions_follow_the_rows_of_train(frames):
    train, truth = frames["train"], frames["train_truth"]
    shuffled = train.sample(frac=1, random_state=1).reset_index(drop=True)
    pred = oracle.oracle_train_predictions(shuffled, truth)
    assert (pred["ID"] == shuffled["ID"]).all() and set(pred[OUTCOME_MACE]) <= {0, 1, 2}
    p_severe = truth.set_index("ID").loc[shuffled["ID"], "P_SEVERE"].to_numpy()
    assert np.array_equal(pred[OUTCOME_SEVERITY], p_severe)
    code = twin.expected_code(truth.set_index("ID").loc[shuffled["ID"]])
    # the classes are cut points on the expected code: a higher code never gets a lower class
    order = np.argsort(code, kind="stable")
    assert (np.diff(pred[OUTCOME_MACE].to_numpy()[order]) >= 0).all()
