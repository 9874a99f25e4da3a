"""ANNITIA starter kit helpers: MASLD progression, two time-to-event outcomes.

Public entry points (all also reachable from their modules), with the kit contract's
verbs (CONTRIBUTING.md, "The kit contract"):

* files (:mod:`~hdhkits.annitia.schema`): :func:`check_data`, :func:`read_train`,
  :func:`read_test`; reshaping and targets (:mod:`~hdhkits.annitia.data`):
  :func:`to_long`, :func:`survival_targets`
* features: :func:`build_features` (impossible lab values treated as missing by
  :func:`mask_implausible`), :func:`fib4`
* metric (:mod:`~hdhkits.annitia.metric`): :func:`score` (tables), :func:`score_risks`
  (arrays), :func:`harrell_c`
* baselines: :func:`make_baselines`, :func:`compare_baselines`, :func:`cross_val_predict_risks`,
  :func:`score_with_interval`, :func:`oracle_score`, :func:`make_submission`
* model families (:mod:`~hdhkits.annitia.models`): :func:`make_clinical_model`,
  :func:`make_leaderboard_model`, :class:`RankBlend`, :class:`Component`, :data:`FAMILIES`
* repeated cross-validation (:mod:`~hdhkits.annitia.validation`): :func:`compare_models`,
  :func:`family_ablation`, :func:`paired_difference`, :func:`fit_models`
* saved models (:mod:`~hdhkits.annitia.saved`): :func:`save_model`, :func:`load_or_train_model`
  (reloads only a model stamped with this data and settings), :func:`save_cv`, :func:`load_cv`
* twin (:mod:`~hdhkits.annitia.twin`): :func:`make_twin` (files), :func:`twin_frames`
  (tables); problem definition: :data:`PROBLEM`

Deprecated for one release (they warn ``DeprecationWarning`` and forward): ``load_train``
→ :func:`read_train`, ``load_test`` → :func:`read_test`, ``official_score`` →
:func:`score_risks`, ``generate_twin`` → :func:`twin_frames`
(and ``hdhkits.annitia.data.check_data_dir`` → :func:`check_data`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..findings import DataError
from .baselines import (
    ClinicalScore,
    CoxModel,
    ForestModel,
    TwoOutcomeModel,
    compare_baselines,
    cross_val_predict_risks,
    make_baselines,
    oracle_score,
    score_with_interval,
)
from .data import SurvivalTargets, first_last_age, load_test, load_train, survival_array, survival_targets, to_long
from .features import build_features, fib4, fib4_class, mask_implausible
from .metric import harrell_c, official_score, score, score_risks
from .models import (
    CLINICAL_FAMILIES,
    FAMILIES,
    LEADERBOARD_FAMILIES,
    Component,
    RankBlend,
    make_clinical_model,
    make_leaderboard_model,
)
from .problem import PROBLEM, RISK_DEATH, RISK_HEPATIC, SUBMISSION_SPEC, AnnitiaProblem
from .saved import load_cv, load_or_train_model, save_cv, save_model
from .schema import TEST_ID, check_data, read_test, read_train
from .twin import generate_twin, make_twin, twin_frames
from .validation import (
    compare_models,
    cv_summary,
    family_ablation,
    fit_models,
    paired_difference,
    repeated_cv_risks,
)

__all__ = [
    "CLINICAL_FAMILIES",
    "FAMILIES",
    "LEADERBOARD_FAMILIES",
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
    "cv_summary",
    "family_ablation",
    "fib4",
    "fib4_class",
    "first_last_age",
    "fit_models",
    "generate_twin",
    "harrell_c",
    "load_cv",
    "load_or_train_model",
    "load_test",
    # deprecated aliases (issue #12), removed in the next release
    "load_train",
    "make_baselines",
    "make_clinical_model",
    "make_leaderboard_model",
    "make_submission",
    "make_twin",
    "mask_implausible",
    "official_score",
    "oracle_score",
    "paired_difference",
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
