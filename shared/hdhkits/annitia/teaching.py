"""What a facilitator needs to teach with the ANNITIA kit (``hdhkits workshop annitia``).

The traps quote the numbers the committed notebooks print (a participant's first run:
default settings on the default twin of seed 0); ``tests/annitia/test_teaching.py`` checks
that every such number still appears in the notebooks' outputs, and that the exercises
listed here are exactly the ``check_answer`` calls of the notebooks.

Each exercise is checked by its opaque key (``"annitia 1"`` ... ``"annitia 4"``): the
notebook passes the learner's answer and the plain data the exercise works on, and the
callables here compute the expected value (:func:`fib4_answer`, :func:`harrell_c_answer`)
or the test of an answer with many right forms (:func:`km_table_check`,
:func:`shortcut_check`), out of the learner's sight. :func:`fib4_visit` picks the visit of
the FIB-4 exercise, and says so when the files hold no visit with every input.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from ..exercises import Exercise, Teaching
from .features import fib4, followup_risk
from .metric import harrell_c
from .submission import submission_findings

__all__ = [
    "FIB4_INPUTS",
    "TEACHING",
    "fib4_answer",
    "fib4_visit",
    "harrell_c_answer",
    "km_table_check",
    "shortcut_check",
]

#: The columns of a long table FIB-4 needs at one visit.
FIB4_INPUTS = ("Age", "ast", "alt", "plt")
# An illustrative visit for the FIB-4 exercise when the files hold no visit with every input
# (a cohort without platelets, say): made-up values within the official files' ranges.
_ILLUSTRATIVE_VISIT = {"Age": 58.0, "ast": 41.37, "alt": 52.84, "plt": 187.6}


def fib4_visit(long: pd.DataFrame) -> tuple[pd.Series, str]:
    """The visit of the FIB-4 exercise, and a sentence saying where it comes from.

    Parameters
    ----------
    long : DataFrame
        :func:`hdhkits.annitia.to_long` of a file.

    Returns
    -------
    visit : Series
        ``Age``, ``ast``, ``alt``, ``plt``: the first visit of the long table where all four
        were measured (as the features see them: impossible values already missing), else
        an illustrative visit.
    where : str
        "the first visit of these files with all four inputs", or why an illustrative visit
        stands in (the inputs the files never hold together).
    """
    complete = long.dropna(subset=list(FIB4_INPUTS))
    if len(complete):
        return complete.iloc[0][list(FIB4_INPUTS)], "the first visit of these files with all four inputs"
    never = [c for c in FIB4_INPUTS if long[c].isna().all()] if len(long) else list(FIB4_INPUTS)
    why = f"{', '.join(never)} never measured" if never else "no visit measures all four together"
    return pd.Series(_ILLUSTRATIVE_VISIT, name="illustrative"), (
        f"an illustrative visit: no visit of these files has age, AST, ALT and platelets ({why}), "
        "so FIB-4 cannot be computed on them"
    )


def fib4_answer(visit: pd.Series) -> float:
    """The expected answer of Exercise 1: the FIB-4 of one visit (:func:`~hdhkits.annitia.features.fib4`).

    Parameters
    ----------
    visit : Series
        ``Age``, ``ast``, ``alt``, ``plt`` of the visit (:func:`fib4_visit`).
    """
    return float(fib4(visit["Age"], visit["ast"], visit["alt"], visit["plt"]))


def harrell_c_answer(patients: pd.DataFrame) -> float:
    """The expected answer of Exercise 2: Harrell's C (:func:`~hdhkits.annitia.metric.harrell_c`) of a few patients.

    Parameters
    ----------
    patients : DataFrame
        Columns ``time``, ``event`` (0/1) and ``risk``.
    """
    return harrell_c(patients["event"], patients["time"], patients["risk"])


def km_table_check(times: np.ndarray, events: np.ndarray) -> Callable[[pd.DataFrame], bool]:
    """The check of the Kaplan–Meier exercise: a learner's table against lifelines.

    Parameters
    ----------
    times, events : arrays
        Survival times and event indicators of the patients of the table.

    Returns
    -------
    callable
        ``test(table)``: True when ``table`` has one row per distinct event time and its
        ``survival`` column matches lifelines' ``KaplanMeierFitter`` at those times.
    """
    from lifelines import KaplanMeierFitter

    times, events = np.asarray(times, float), np.asarray(events, bool)
    event_times = np.unique(times[events])
    reference = KaplanMeierFitter().fit(times, events) if len(event_times) else None

    def test(table: pd.DataFrame) -> bool:
        if len(table) != len(event_times):
            return False
        if reference is None:
            return True  # no event in this group: the table is empty, as it should be
        expected = reference.survival_function_at_times(table["time"]).to_numpy()
        return bool(
            np.allclose(table["time"].to_numpy(float), event_times)
            and np.allclose(table["survival"].to_numpy(float), expected)
        )

    return test


def shortcut_check(
    submission: pd.DataFrame, X_test: pd.DataFrame, data_dir: str | Path
) -> Callable[[pd.DataFrame], bool]:
    """The check of the follow-up-shortcut exercise.

    Parameters
    ----------
    submission : DataFrame
        The valid submission the learner copies.
    X_test : DataFrame
        ``build_features`` of the test file (its ``followup_years``).
    data_dir : str or Path
        The data folder the submission is validated against.

    Returns
    -------
    callable
        ``test(shortcut)``: True when ``shortcut`` is valid, keeps the submission's ids
        and liver risks, and its death risk is minus each patient's follow-up years
        (:func:`~hdhkits.annitia.features.followup_risk`).
    """
    shorter = followup_risk(X_test)

    def test(shortcut: pd.DataFrame) -> bool:
        kept = ["trustii_id", "risk_hepatic_event"]
        if submission_findings(shortcut, data_dir) or not shortcut[kept].equals(submission[kept]):
            return False
        return bool(np.allclose(shortcut["risk_death"].to_numpy(float), shorter))

    return test


TEACHING = Teaching(
    goals=(
        "Turn a wide table of sparse visits into survival targets: time from the first visit, censoring, "
        "and an unknown death status that is not 'alive'.",
        "Compute FIB-4 and Harrell's concordance by hand, and say what the official metric "
        "(0.7 C(liver) + 0.3 C(death)) rewards: ranking, not calibrated probabilities.",
        "Compare models on cross-validated scores with paired bootstrap intervals rather than on single numbers.",
        "Tell a clinical model (first-visit biology) from a leaderboard model, and name the features that "
        "describe the patient's record rather than their liver.",
        "Read Kaplan-Meier curves by predicted-risk tertile, and write, validate and explain a submission.",
    ),
    traps=(
        "Follow-up length leaks the outcome: patients who die stop coming, so 'shorter follow-up = higher risk' "
        "alone reaches C(death) 0.954 on the default twin's train file (01_exploration; C(liver) only 0.636); on "
        "the twin's test file it reaches C(death) 0.946 where the submitted model gets 0.927 (Exercise 4).",
        "The leaderboard model beats the clinical model (0.861 against 0.785 cross-validated, 02_baseline), and "
        "the family ablation shows the patient's record (counts, follow-up) adding 0.042 to a ridge Cox model, "
        "more than the later lab values (0.011): the record, not the liver. About 0.97 C(death) from one "
        "follow-up feature on the official files.",
        "Unknown death status is not 'alive': 231 of the default twin's 1253 train patients (18.4%) have none; "
        "filling it with 0 invents survivors.",
        "The four target columns sit among the columns of train.csv: a model fed every column learns the answer.",
        "Harrell's C ranks the timing of events, not their counts: in 02_baseline's tertile table the low third "
        "holds more deaths than the middle one (31 against 18), late ones (median 17.0 years against 10.0).",
        "Few events: 44 liver events in the default twin's train file and 16 in its test file (47 in the official "
        "train file), so differences smaller than the paired bootstrap interval are noise.",
        "Comorbidity codes are missing far more often in train than in the test file (T2DM: 20.9% against 3.1% "
        "in the default twin): 'missing' means something else at test time.",
    ),
    exercises=(
        Exercise("01_exploration.ipynb", "FIB-4 by hand", 5, key="annitia 1", expected=fib4_answer, teaches=("fib4",)),
        Exercise(
            "01_exploration.ipynb",
            "Harrell's C by hand",
            10,
            key="annitia 2",
            expected=harrell_c_answer,
            # the kit's concordance, and the libraries' that give the same number
            teaches=("harrell_c", "concordance_index_censored", "concordance_index"),
        ),
        Exercise(
            "02_baseline.ipynb",
            "Kaplan-Meier table of the high-risk tertile",
            15,
            key="annitia 3",
            test=km_table_check,
            teaches=("KaplanMeierFitter",),
        ),
        Exercise(
            "03_submission.ipynb",
            "The follow-up shortcut",
            10,
            key="annitia 4",
            test=shortcut_check,
            teaches=("followup_risk",),
        ),
    ),
    # hdhkits run --quick (papermill, kernel start included), twin already cached, 2 cores shared with other
    # jobs (load average about 4.5); tools/refresh_notebooks.py --quick on a copy at load 1.5 took 4.5, 16.9 and
    # 4.0 s (the quick twin written on the way). The larger figures plan a session on a busy machine.
    quick_seconds={"01_exploration.ipynb": 9.0, "02_baseline.ipynb": 46.0, "03_submission.ipynb": 6.0},
    slow_machine=(
        "Keep quick = True (the pack's default). 02_baseline is the slow notebook: it cross-validates five "
        "models, the learner's own model and the liver blend without liver pieces; on a one-core machine set "
        "n_jobs = 1. A learner who is short of time can skip 02_baseline: "
        "03_submission trains the model it submits when 02 saved none (under a minute in quick mode), and "
        "its exercise does not need 02. In Colab the setup cell first installs the package (about a minute)."
    ),
)
