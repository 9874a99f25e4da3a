"""What a facilitator needs to teach with the Cardi-HACK kit: goals, traps, exercises, run times.

``hdhkits workshop cardihack`` reads :data:`TEACHING` to write the facilitator's notes and
the schedule. Each exercise is checked by an opaque key (``check_answer("cardihack 2",
answer, train)``): the checker finds the :class:`~hdhkits.exercises.Exercise` of that key
here and computes the expected value from the data the notebook passes, with the private
callables below, out of the learner's sight. The traps quote the numbers the notebooks
print on the synthetic twin (seed 0, default settings: the committed outputs, a
participant's first run); ``tests/cardihack/test_teaching.py`` checks that every such number
is in the notebooks' outputs and that the exercises listed here are exactly the notebooks'
checks.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from ..exercises import Exercise, Teaching
from .metric import weighted_kappa, weighted_logloss
from .schema import OUTCOME_SEVERITY

__all__ = ["TEACHING"]

#: The column Exercise 4's SEVERITY model reads against the rule.
_FORBIDDEN_COLUMN = "FEVG"


def _severity(train: pd.DataFrame) -> np.ndarray:
    return pd.to_numeric(train[OUTCOME_SEVERITY], errors="coerce").dropna().to_numpy()


def _severe_prevalence(train: pd.DataFrame) -> float:
    """Exercise 1: the share of training patients with a severe phenotype."""
    return float(np.mean(_severity(train) == 1))


def _constant_logloss(train: pd.DataFrame) -> float:
    """Exercise 2: the weighted log-loss when every training patient gets the training prevalence."""
    y = _severity(train)
    return weighted_logloss(y, y.mean())


def _breaks_the_severity_rule() -> Callable[[list], bool]:
    """Exercise 4: the findings hold a feature-rule finding that names the forbidden column."""

    def test(found: list) -> bool:
        return any(
            getattr(f, "kind", None) == "feature_rule" and _FORBIDDEN_COLUMN in getattr(f, "message", "") for f in found
        )

    return test


TEACHING = Teaching(
    goals=(
        "Read the Cardi-HACK files through the kit's check: tell a layout error (the kit stops) from a "
        "plausibility warning (shown and handled, e.g. an Age_Diag of 0.0 meaning unknown).",
        "Read what each column tells about each outcome alone (an AUC with its bootstrap interval) and tell "
        "a SNP's signal from chance by comparing with shuffled outcomes.",
        "Compute the reconstructed metric's two parts by hand: the class-weighted log-loss of a constant "
        "probability (the rescaling's dummy) and the class-weighted quadratic kappa.",
        "Cross-validate candidates with bootstrap intervals, choose the SEVERITY and the MACE model each on "
        "its own part of the metric, and read the nested score as what that choice is worth.",
        "Apply the challenge's feature rules to a model's declared columns, and see the check refuse a "
        "SEVERITY model that reads FEVG.",
        "Explain why kappa-tuned cut points predict events far more often than they occur, and why the "
        "oracle's true probabilities are not the best answer under the weighted log-loss.",
    ),
    traps=(
        "The best constant SEVERITY probability under the weighted log-loss is the weighted prevalence (0.234 "
        "on the twin), not the prevalence (0.314 on the twin; the organisers' dummy predicts the official "
        "file's, 0.33718): 01_exploration prints all three, after Exercise 2.",
        "The oracle is a reference a model can beat: the kit's SEVERITY model scores 0.070 against the oracle's "
        "true probabilities' 0.032, because under the weighted log-loss the best answer is p / (p + 1.5 (1 - p)), "
        "which scores 0.074 (02_baseline, on the twin).",
        "FEVG (LVEF < 50 %) is part of the severe phenotype's definition: the SEVERITY rate is 0.86 with "
        "FEVG = 1 against 0.28 without (01_exploration, on the twin). It is forbidden for the SEVERITY model "
        "(Exercise 4 shows the check refusing it).",
        "Kappa-tuned cut points move patients out of class 0: the submission predicts class 1 for 0.530 of "
        "the test patients where 0.084 of the training patients have it, and class 0 for 0.168 where 0.761 "
        "have it (03_submission, on the twin). A file with many events is what the metric rewards, not a "
        "broken model.",
        "An Age_Diag of 0.0 codes 'unknown': averaged in, it pulls the mean age at diagnosis from 50.2 down "
        "to 49.3 (01_exploration, on the twin); the kit treats it as missing.",
        "SNPs one at a time show no more than shuffled outcomes give (01_exploration), and a SEVERITY model "
        "that screens them scores -0.001 in cross-validation, below the constant prior's 0 (02_baseline).",
        "HCM Risk-SCD is a weak reference for Cardi-HACK's MACE: it predicts sudden death and gives age a "
        "negative weight, while age goes with MACE in these files; on the twin its kappa is 0.005 in ESC "
        "bands (02_baseline), on the official train file 0.044.",
        "Small data: 29 early MACE events among 347 training patients; the kit's pair cross-validates at "
        "0.201 [0.138, 0.261] (02_baseline, on the twin): compare intervals, not points, read the nested "
        "score beside it, and the paired difference between your model and the kit's pair.",
        "The metric is a reconstruction and the twin's signal an imitation of the official file's: the twin's "
        "local test score (0.208, 03_submission) is no forecast of a leaderboard place; public leaderboard "
        "scores ran from 0.11 to 0.36.",
    ),
    exercises=(
        Exercise(
            "01_exploration.ipynb",
            "prevalence of the severe phenotype",
            5,
            key="cardihack 1",
            expected=_severe_prevalence,
            teaches=("DummyClassifier",),  # DummyClassifier(strategy="prior") learns it
        ),
        Exercise(
            "01_exploration.ipynb",
            "constant-probability log-loss",
            10,
            key="cardihack 2",
            expected=_constant_logloss,
            teaches=("weighted_logloss", "severity_reference_losses"),
        ),
        Exercise(
            "01_exploration.ipynb",
            "weighted kappa by hand",
            15,
            key="cardihack 3",
            expected=weighted_kappa,
            teaches=("weighted_kappa",),
        ),
        Exercise(
            "03_submission.ipynb",
            "a SEVERITY model that breaks the rule",
            10,
            key="cardihack 4",
            test=_breaks_the_severity_rule,
            teaches=("check_feature_rules",),
        ),
    ),
    # Measured with tools/refresh_notebooks.py --quick on a copy (kernel start included), the three in order
    # (03 reloads 02's models), twice, on a 2-core machine shared with other jobs (load about 6): 7-11 s,
    # 32-37 s and 9-11 s.
    quick_seconds={"01_exploration.ipynb": 10.0, "02_baseline.ipynb": 35.0, "03_submission.ipynb": 10.0},
    slow_machine=(
        "Keep quick mode (HDHKITS_QUICK=1, the workshop default). 02_baseline is the slow notebook (most of "
        "its time is the repeated cross-validation of six candidate models and the nested cross-validation "
        "of the choice): on a slow machine set n_boot = 50 in its parameters cell, or let a learner skip it: "
        "03_submission then trains the kit's pair itself (its own cross-validation of the candidates, a few "
        "seconds in quick mode). The exercises need no model training except Exercise 4 (one small "
        "logistic regression). In Colab the first cell installs the package (about a minute); the twin is "
        "made on first use in a few seconds."
    ),
)
