"""What a facilitator needs to teach with the Cardi-HACK kit: goals, traps, exercises, run times.

``hdhkits workshop cardihack`` reads :data:`TEACHING` to write the facilitator's notes and
the schedule. The traps quote the numbers the notebooks print on the synthetic twin
(seed 0, quick mode, the committed outputs); ``tests/cardihack/test_teaching.py`` checks
that every such number is in the notebooks' outputs and that the exercises listed here
are exactly the notebooks' ``check_answer`` titles.
"""
from __future__ import annotations

from typing import Callable

import numpy as np
import pandas as pd

from ..exercises import Exercise, Teaching
from .metric import weighted_logloss
from .schema import OUTCOME_SEVERITY

__all__ = ["TEACHING", "exercise_answer"]


def _severe_prevalence(train: pd.DataFrame) -> float:
    y = pd.to_numeric(train[OUTCOME_SEVERITY], errors="coerce").dropna().to_numpy()
    return float(np.mean(y == 1))


def _constant_logloss(train: pd.DataFrame) -> float:
    y = pd.to_numeric(train[OUTCOME_SEVERITY], errors="coerce").dropna().to_numpy()
    return weighted_logloss(y, y.mean())


_ANSWERS: dict[str, Callable[[pd.DataFrame], float]] = {
    "prevalence of the severe phenotype": _severe_prevalence,
    "constant-probability log-loss": _constant_logloss,
}


def exercise_answer(title: str, train: pd.DataFrame) -> float:
    """The value an exercise's check expects, computed from the training table the notebook read.

    The notebooks pass it to ``check_answer`` instead of computing it in the cell, so a
    student notebook (:func:`hdhkits.exercises.student_source`) does not show the answer next
    to the task.

    Parameters
    ----------
    title : str
        The exercise's title: ``"prevalence of the severe phenotype"`` (01_exploration) or
        ``"constant-probability log-loss"`` (02_baseline: the weighted log-loss when every
        patient gets the training prevalence).
    train : DataFrame
        ``train.csv`` as read.

    Raises
    ------
    KeyError
        An exercise whose answer is not computed here (the others compare with a kit function
        the exercise names, e.g. ``weighted_kappa``).
    """
    if title not in _ANSWERS:
        raise KeyError(f"no stored answer for the exercise {title!r}; known: {sorted(_ANSWERS)}")
    return _ANSWERS[title](train)

TEACHING = Teaching(
    goals=(
        "Read the Cardi-HACK files through the kit's check: tell a layout error (the kit stops) from a "
        "plausibility warning (shown and handled, e.g. an Age_Diag of 0.0 meaning unknown).",
        "Compute the reconstructed metric's two parts by hand: the class-weighted log-loss of a constant "
        "probability (the rescaling's dummy) and the class-weighted quadratic kappa.",
        "Cross-validate model pairs with bootstrap intervals, and read a difference of a few hundredths "
        "between two models as noise on 347 patients.",
        "Apply the challenge's feature rules to a model's declared columns, and see the check refuse a "
        "SEVERITY model that reads FEVG.",
        "Explain why a kappa-tuned MACE model predicts class 1 far more often than it occurs, and why SNPs "
        "screened on the rows a model is fitted on only add noise.",
    ),
    traps=(
        "The best constant SEVERITY probability under the weighted log-loss is the weighted prevalence (0.258 "
        "on the twin), not the prevalence (0.343 on the twin; the organisers' dummy predicts the official "
        "file's, 0.33718): 02_baseline prints all three.",
        "FEVG (LVEF < 50 %) is part of the severe phenotype's definition: the SEVERITY rate is 0.87 with "
        "FEVG = 1 against 0.31 without (01_exploration). It is forbidden for the SEVERITY model "
        "(Exercise 4 shows the check refusing it).",
        "The weighted kappa pulls MACE predictions toward class 1, the safe middle: the submission predicts "
        "class 1 for 0.282 of the test patients where 0.072 of the training patients have it "
        "(03_submission). A file with many 1s is what the metric rewards, not a broken model.",
        "An Age_Diag of 0.0 codes 'unknown': averaged in, it pulls the mean age at diagnosis from 49.8 down "
        "to 48.0 (01_exploration); the kit treats it as missing.",
        "Small data: 25 early MACE events among 347 training patients on the twin (29 in the official file); "
        "the best pair cross-validates at 0.200 [0.107, 0.282] (02_baseline): compare intervals, not points.",
        "SNPs screened on 347 patients add noise: the baseline's SEVERITY part scores -0.003 in "
        "cross-validation, below the constant prior's 0 (02_baseline).",
        "The metric is a reconstruction and the twin's effects are invented: the twin's local test score "
        "(0.147, 03_submission) is no forecast of a leaderboard place; public leaderboard scores ran from "
        "0.11 to 0.36.",
    ),
    exercises=(
        Exercise("01_exploration.ipynb", "prevalence of the severe phenotype", 5),
        Exercise("02_baseline.ipynb", "constant-probability log-loss", 10),
        Exercise("02_baseline.ipynb", "weighted kappa by hand", 15),
        Exercise("03_submission.ipynb", "a SEVERITY model that breaks the rule", 10),
    ),
    # Measured with `HDHKITS_QUICK=1 python -m papermill <nb> out.ipynb` (kernel start included), twin
    # already made, run in order (03 reloads 02's models), on a 2-core machine shared with other jobs.
    quick_seconds={"01_exploration.ipynb": 13.0, "02_baseline.ipynb": 44.0, "03_submission.ipynb": 15.0},
    slow_machine=(
        "Keep quick mode (HDHKITS_QUICK=1, the workshop default). 02_baseline is the slow notebook (most of "
        "its time is the repeated cross-validation of five model pairs): on a slow machine set n_repeats = 1 "
        "and n_boot = 50 in its parameters cell, or let a learner skip it: 03_submission then chooses and "
        "trains the pair itself with one cross-validation repeat (about 10 s more). The exercises need no "
        "model training except Exercise 4 (one small logistic regression). In Colab the first cell installs "
        "the package (about a minute); the twin is made on first use in a few seconds."
    ),
)
