"""ANNITIA starter kit helpers: MASLD progression, two time-to-event outcomes.

Public entry points (all also reachable from their modules):

* files: :func:`load_train`, :func:`load_test`, :func:`to_long`, :func:`survival_targets`
* features: :func:`build_features` (impossible lab values treated as missing by
  :func:`mask_implausible`), :func:`fib4`
* metric: :func:`harrell_c`, :func:`official_score`
* baselines: :func:`make_baselines`, :func:`compare_baselines`, :func:`cross_val_predict_risks`,
  :func:`score_with_interval`, :func:`oracle_score`, :func:`make_submission`
* model families (:mod:`~hdhkits.annitia.models`): :func:`make_clinical_model`,
  :func:`make_leaderboard_model`, :class:`RankBlend`, :class:`Component`, :data:`FAMILIES`
* repeated cross-validation (:mod:`~hdhkits.annitia.validation`): :func:`compare_models`,
  :func:`family_ablation`, :func:`paired_difference`, :func:`fit_models`
* twin: :func:`generate_twin`; problem definition: :data:`PROBLEM`
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .baselines import (
    ClinicalScore, CoxModel, ForestModel, TwoOutcomeModel, compare_baselines, cross_val_predict_risks,
    make_baselines, oracle_score, score_with_interval,
)
from .data import SurvivalTargets, first_last_age, load_test, load_train, survival_array, survival_targets, to_long
from .features import build_features, fib4, fib4_class, mask_implausible
from .metric import harrell_c, official_score
from .models import (
    CLINICAL_FAMILIES, FAMILIES, LEADERBOARD_FAMILIES, Component, RankBlend, make_clinical_model,
    make_leaderboard_model,
)
from .problem import PROBLEM, RISK_DEATH, RISK_HEPATIC, SUBMISSION_SPEC, AnnitiaProblem
from .schema import TEST_ID
from .twin import generate_twin
from .validation import (
    compare_models, cv_summary, family_ablation, fit_models, paired_difference, repeated_cv_risks,
)

__all__ = [
    "PROBLEM", "AnnitiaProblem", "SUBMISSION_SPEC", "load_train", "load_test", "to_long", "first_last_age",
    "survival_targets", "survival_array", "SurvivalTargets", "build_features", "fib4", "fib4_class",
    "mask_implausible",
    "harrell_c", "official_score", "ClinicalScore", "CoxModel", "ForestModel", "TwoOutcomeModel",
    "make_baselines", "compare_baselines", "cross_val_predict_risks", "score_with_interval", "oracle_score",
    "generate_twin", "make_submission", "FAMILIES", "CLINICAL_FAMILIES", "LEADERBOARD_FAMILIES", "Component",
    "RankBlend", "make_clinical_model", "make_leaderboard_model", "compare_models", "cv_summary",
    "family_ablation", "fit_models", "paired_difference", "repeated_cv_risks",
]


def make_submission(test: pd.DataFrame, risks: np.ndarray) -> pd.DataFrame:
    """The submission table ``trustii_id,risk_hepatic_event,risk_death`` for a test file.

    Parameters
    ----------
    test : DataFrame
        ``val_test.csv`` as read (for its ``trustii_id`` column, in file order).
    risks : array of shape (n, 2)
        Predicted risks, liver event then death (e.g. ``TwoOutcomeModel.predict``).
    """
    risks = np.asarray(risks, dtype=float)
    if risks.shape != (len(test), 2):
        raise ValueError(f"risks must have shape ({len(test)}, 2), one row per test patient; got {risks.shape}")
    return pd.DataFrame({TEST_ID: test[TEST_ID].to_numpy(), RISK_HEPATIC: risks[:, 0], RISK_DEATH: risks[:, 1]})
