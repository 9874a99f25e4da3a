"""ANNITIA starter kit helpers: MASLD progression, two time-to-event outcomes.

The notebooks import the kit as one module (``from hdhkits import annitia as kit``) and
use the names below; everything else is reached through its module
(``kit.models.feature_families``, ``kit.ablation.liver_ablation``...):

* files (:mod:`~hdhkits.annitia.schema`): :func:`check_data`, :func:`read_train`,
  :func:`read_test`; implausible values (:mod:`~hdhkits.annitia.plausibility`):
  :func:`plausibility_findings`, :func:`plausible_values`; visits
  (:mod:`~hdhkits.annitia.visits`): :func:`to_long`
* targets and features: :func:`survival_targets`, :func:`build_features`, :func:`fib4`
* metric (:mod:`~hdhkits.annitia.metric`): :func:`score` (tables), :func:`score_risks`
  (arrays), :func:`harrell_c`; :func:`oracle_score` (the twin's true risks)
* models: :class:`TwoOutcomeModel` (one estimator per outcome: the form of a model in
  this kit), :func:`make_baselines`; the clinical and the leaderboard model are
  :data:`PROBLEM`'s (``PROBLEM.make_model``, :mod:`~hdhkits.annitia.models`)
* cross-validation and intervals (:mod:`~hdhkits.annitia.evaluation`): :func:`cv_folds`,
  :func:`compare_models`, :func:`fit_models`, :func:`score_interval`,
  :func:`paired_difference`; ablations: :mod:`~hdhkits.annitia.ablation`; what the notebooks print
  of a run (intervals in one dialect, sentences computed from it): :mod:`~hdhkits.annitia.display`
* the participant's loop (:mod:`hdhkits.saved`, the same in every kit): :data:`YOURS`,
  :func:`save_model`, :func:`load_or_train`, :func:`choose_best`, :func:`save_choice`,
  :func:`load_choice`, :func:`chosen_model`, :func:`model_label`; the submission of a
  fitted model: :func:`make_submission`; the problem definition: :data:`PROBLEM`
"""

from __future__ import annotations

from ..saved import (
    YOURS,
    choose_best,
    chosen_model,
    load_choice,
    load_or_train,
    model_label,
    save_choice,
    save_model,
)
from . import ablation, columns, display, evaluation, features, models, plausibility, teaching  # noqa: F401 (kit.<module> in notebooks)
from .baselines import TwoOutcomeModel, make_baselines, oracle_score
from .evaluation import compare_models, cv_folds, fit_models, paired_difference, score_interval
from .features import build_features, fib4
from .metric import harrell_c, score, score_risks
from .plausibility import plausibility_findings, plausible_values
from .problem import PROBLEM, make_submission
from .schema import check_data, read_test, read_train
from .targets import survival_targets
from .visits import to_long

__all__ = [
    "PROBLEM",
    "YOURS",
    "TwoOutcomeModel",
    "build_features",
    "check_data",
    "choose_best",
    "chosen_model",
    "compare_models",
    "cv_folds",
    "fib4",
    "fit_models",
    "harrell_c",
    "load_choice",
    "load_or_train",
    "make_baselines",
    "make_submission",
    "model_label",
    "oracle_score",
    "paired_difference",
    "plausibility_findings",
    "plausible_values",
    "read_test",
    "read_train",
    "save_choice",
    "save_model",
    "score",
    "score_interval",
    "score_risks",
    "survival_targets",
    "to_long",
]
