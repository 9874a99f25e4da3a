"""The oracle of the Cardi-HACK twin: the metric's input made of the twin's true probabilities.

Known only on the synthetic twin, whose truth tables hold the true probabilities. The
oracle predicts the true P(severe) and thresholds the true expected MACE code
(:func:`~hdhkits.cardihack.twin.expected_code`) at cut points chosen on the training
patients for the weighted kappa. It is a reference, not the best attainable score:
:func:`~hdhkits.cardihack.baselines.oracle_score` says why.
"""

from __future__ import annotations

import pandas as pd

from .schema import OUTCOME_MACE, OUTCOME_SEVERITY, TEST_ID
from .thresholds import apply_thresholds, fit_kappa_thresholds
from .twin import expected_code

__all__ = ["oracle_submission", "oracle_train_predictions"]


def oracle_submission(test_truth: pd.DataFrame) -> pd.DataFrame:
    """The oracle's submission from a twin's test truth: true P(severe) and ``ORACLE_MACE``."""
    return pd.DataFrame(
        {
            TEST_ID: test_truth[TEST_ID].to_numpy(),
            OUTCOME_MACE: test_truth["ORACLE_MACE"].to_numpy(),
            OUTCOME_SEVERITY: test_truth["P_SEVERE"].to_numpy(),
        }
    )


def oracle_train_predictions(train: pd.DataFrame, train_truth: pd.DataFrame) -> pd.DataFrame:
    """The oracle on the twin's training patients: true P(severe) and the thresholded expected code.

    The MACE cut points are those the test oracle uses, chosen on these same patients: its
    kappa here is flattered by that choice. The score compares with cross-validated scores on
    the same rows; the test-set oracle is scored on other, fewer patients, so the two can
    differ by far more than the choice of cut points (``02_baseline`` prints both).

    Parameters
    ----------
    train : DataFrame
        The twin's ``train.csv``.
    train_truth : DataFrame
        The twin's ``train_truth.csv`` (matched on ``ID``).

    Returns
    -------
    DataFrame
        ``ID``, ``OUTCOME MACE`` (oracle class) and ``OUTCOME SEVERITY`` (true probability), in
        the row order of ``train``.
    """
    truth = train_truth.set_index("ID").loc[train["ID"]]
    cuts = fit_kappa_thresholds(expected_code(truth), train[OUTCOME_MACE].to_numpy())
    return pd.DataFrame(
        {
            "ID": train["ID"].to_numpy(),
            OUTCOME_MACE: apply_thresholds(expected_code(truth), cuts),
            OUTCOME_SEVERITY: truth["P_SEVERE"].to_numpy(),
        }
    )
