"""What a facilitator needs to teach with the ANNITIA kit (``hdhkits workshop annitia``).

The traps quote the numbers the committed notebooks print (quick mode, the quick twin of
seed 0: what a workshop pack runs); ``tests/annitia/test_teaching.py`` checks that every
such number still appears in the notebooks' outputs, and that the exercises listed here are
exactly the ``check_answer`` calls of the notebooks.
"""
from __future__ import annotations

from ..exercises import Exercise, Teaching

__all__ = ["TEACHING"]

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
        "alone scores 0.828 on the quick twin's train file, C(death) 0.951 (01_exploration); on the twin's test "
        "file it reaches C(death) 0.944 where the submitted model gets 0.887 (Exercise 4).",
        "The leaderboard model beats the clinical model (0.892 against 0.741 cross-validated in quick mode, "
        "02_baseline), and the family ablation shows the counts of measurements adding 0.112 at once: the "
        "record, not the liver. About 0.97 C(death) from one follow-up feature on the official files.",
        "Unknown death status is not 'alive': 136 of the quick twin's 700 train patients (19.4%) have none; "
        "filling it with 0 invents survivors.",
        "The four target columns sit among the columns of train.csv: a model fed every column learns the answer.",
        "Few events: 24 liver events in the quick twin's train file and 13 in its test file (47 in the official "
        "train file), so differences smaller than the paired bootstrap interval are noise.",
        "Comorbidity codes are missing far more often in train than in the test file (T2DM: 21.0% against 2.5% "
        "in the quick twin): 'missing' means something else at test time.",
    ),
    exercises=(
        Exercise("01_exploration.ipynb", "FIB-4 by hand", 5),
        Exercise("01_exploration.ipynb", "Harrell's C by hand", 10),
        Exercise("02_baseline.ipynb", "Kaplan-Meier table of the high-risk tertile", 15),
        Exercise("03_submission.ipynb", "The follow-up shortcut", 10),
    ),
    # papermill runs in quick mode, twin already cached, kernel start included; 2 cores shared
    # with other jobs (load average about 4.4).
    quick_seconds={"01_exploration.ipynb": 10.0, "02_baseline.ipynb": 23.0, "03_submission.ipynb": 9.0},
    slow_machine=(
        "Keep quick = True (the pack's default). 02_baseline is the slow notebook: it cross-validates five "
        "models; on a one-core machine set n_jobs = 1. A learner who is short of time can skip 02_baseline: "
        "03_submission trains the model it submits when 02 saved none (under a minute in quick mode), and "
        "its exercise does not need 02. In Colab the setup cell first installs the package (about a minute)."
    ),
)
