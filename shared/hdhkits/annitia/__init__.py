"""ANNITIA starter kit helpers: MASLD progression, two time-to-event outcomes.

Public entry points (all also reachable from their modules), with the kit contract's
verbs (CONTRIBUTING.md, "The kit contract"):

* files (:mod:`~hdhkits.annitia.schema`): :func:`check_data`, :func:`read_train`,
  :func:`read_test`; column names (:mod:`~hdhkits.annitia.columns`); implausible values
  (:mod:`~hdhkits.annitia.plausibility`): :data:`PLAUSIBLE_RANGES`,
  :func:`plausibility_findings`, :func:`plausible_values`
* targets (:mod:`~hdhkits.annitia.targets`): :func:`survival_targets`; visits
  (:mod:`~hdhkits.annitia.visits`): :func:`to_long`
* features: :func:`build_features` (impossible lab values treated as missing by
  :func:`plausible_values`), :func:`fib4`
* metric (:mod:`~hdhkits.annitia.metric`): :func:`score` (tables), :func:`score_risks`
  (arrays), :func:`harrell_c`
* baselines: :func:`make_baselines`, :func:`oracle_score`, :func:`make_submission`
* model families (:mod:`~hdhkits.annitia.models`): :func:`make_clinical_model`,
  :func:`make_leaderboard_model`, :class:`Component`, :data:`FAMILIES`; blends
  (:mod:`~hdhkits.annitia.blends`): :class:`RankBlend`
* cross-validation and intervals (:mod:`~hdhkits.annitia.evaluation`): :func:`cv_folds`,
  :func:`compare_baselines`, :func:`cross_val_predict_risks`, :func:`score_with_interval`,
  :func:`compare_models`, :func:`paired_difference`, :func:`fit_models`; ablations
  (:mod:`~hdhkits.annitia.ablation`): :func:`family_ablation`
* saved models (:mod:`~hdhkits.annitia.saved`): :func:`save_model`, :func:`load_or_train`
  (reloads only a model stamped with this data and settings, :func:`training_stamp`),
  :func:`save_cv`, :func:`load_cv`
* twin (:mod:`~hdhkits.annitia.twin`): :func:`make_twin` (files), :func:`twin_frames`
  (tables); problem definition: :data:`PROBLEM`
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..findings import DataError
from .ablation import family_ablation
from .baselines import (
    ClinicalScore,
    CoxModel,
    ForestModel,
    TwoOutcomeModel,
    make_baselines,
    oracle_score,
)
from .blends import RankBlend
from .columns import RISK_DEATH, RISK_HEPATIC, TEST_ID
from .evaluation import (
    compare_baselines,
    compare_models,
    cross_val_predict_risks,
    cv_folds,
    cv_summary,
    fit_models,
    paired_difference,
    repeated_cv_risks,
    score_with_interval,
)
from .features import build_features, fib4, fib4_class
from .metric import harrell_c, score, score_risks
from .models import (
    CLINICAL_FAMILIES,
    FAMILIES,
    LEADERBOARD_FAMILIES,
    Component,
    make_clinical_model,
    make_leaderboard_model,
)
from .plausibility import PLAUSIBLE_RANGES, plausibility_findings, plausible_values
from .problem import PROBLEM, SUBMISSION_SPEC, AnnitiaProblem
from .saved import load_cv, load_or_train, save_cv, save_model, training_stamp
from .schema import check_data, read_test, read_train
from .targets import SurvivalTargets, first_last_age, survival_array, survival_targets
from .twin import make_twin, twin_frames
from .visits import to_long

__all__ = [
    "CLINICAL_FAMILIES",
    "FAMILIES",
    "LEADERBOARD_FAMILIES",
    "PLAUSIBLE_RANGES",
    "PROBLEM",
    "SUBMISSION_SPEC",
    "AnnitiaProblem",
    "ClinicalScore",
    "Component",
    "CoxModel",
    "ForestModel",
    "RankBlend",
    "SurvivalTargets",
    "TwoOutcomeModel",
    "build_features",
    "check_data",
    "compare_baselines",
    "compare_models",
    "cross_val_predict_risks",
    "cv_folds",
    "cv_summary",
    "family_ablation",
    "fib4",
    "fib4_class",
    "first_last_age",
    "fit_models",
    "harrell_c",
    "load_cv",
    "load_or_train",
    "make_baselines",
    "make_clinical_model",
    "make_leaderboard_model",
    "make_submission",
    "make_twin",
    "oracle_score",
    "paired_difference",
    "plausibility_findings",
    "plausible_values",
    "read_test",
    "read_train",
    "repeated_cv_risks",
    "save_cv",
    "save_model",
    "score",
    "score_risks",
    "score_with_interval",
    "survival_array",
    "survival_targets",
    "to_long",
    "training_stamp",
    "twin_frames",
]


def make_submission(test: pd.DataFrame, risks: np.ndarray) -> pd.DataFrame:
    """The submission table ``trustii_id,risk_hepatic_event,risk_death`` for a test file.

    Parameters
    ----------
    test : DataFrame
        ``val_test.csv`` as read (for its ``trustii_id`` column, in file order).
    risks : array of shape (n, 2)
        Predicted risks, liver event then death (e.g. ``TwoOutcomeModel.predict``).

    Returns
    -------
    DataFrame
        In the test file's row order.

    Raises
    ------
    hdhkits.findings.DataError
        ``risks`` does not have one row of two risks per test patient.
    """
    risks = np.asarray(risks, dtype=float)
    if risks.shape != (len(test), 2):
        raise DataError(
            "<risks>",
            [
                f"risks must have shape ({len(test)}, 2), one row per test patient; got "
                f"{risks.shape}; predict on the features of the whole test file"
            ],
        )
    return pd.DataFrame({TEST_ID: test[TEST_ID].to_numpy(), RISK_HEPATIC: risks[:, 0], RISK_DEATH: risks[:, 1]})
