"""What a facilitator needs to teach with the CYTOLOGIA kit (``hdhkits workshop cytologia``).

The exercises sit in the notebooks (``### BEGIN SOLUTION`` / ``### END SOLUTION`` then
``check_answer("cytologia <n>", answer, <data>...)``); :data:`TEACHING` lists them with the
goals, the traps to stress and the measured quick-mode run times the workshop schedule is
built from. ``tests/cytologia/test_teaching.py`` checks that every exercise listed here is a
``check_answer`` of its notebook and the other way round.

A check names its exercise by an opaque key and passes the data the exercise works on; the
expected value is computed here, out of the learner's sight, by the exercise's callable
(:func:`images_with_cells`, :func:`giou_of_pair`, :func:`macro_f1_of`,
:func:`inverted_box_kind`). Each exercise names what it ``teaches``: the notebook it sits in
calls none of those functions, so a learner has nothing to copy.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ..exercises import Exercise, Teaching
from ..findings import errors
from .metric import giou, macro_f1
from .schema import read_test
from .submission import check_submission_rules

__all__ = ["TEACHING", "giou_of_pair", "images_with_cells", "inverted_box_kind", "macro_f1_of"]


def images_with_cells(boxes: pd.DataFrame, at_least: int = 2) -> int:
    """How many images hold at least ``at_least`` boxes (one row per box, column ``NAME``)."""
    return int((boxes.groupby("NAME").size() >= at_least).sum())


def giou_of_pair(a: np.ndarray, b: np.ndarray) -> float:
    """The generalised IoU of two boxes ``x1, y1, x2, y2`` (the metric's :func:`~hdhkits.cytologia.metric.giou`)."""
    return float(giou(a, b)[0])


def macro_f1_of(y_true: list[str], y_pred: list[str]) -> float:
    """The macro-F1 of true and predicted classes (the metric's :func:`~hdhkits.cytologia.metric.macro_f1`)."""
    return macro_f1(np.asarray(y_true), np.asarray(y_pred))


def inverted_box_kind(submission: pd.DataFrame, data_dir: str | Path) -> str:
    """The ``kind`` of the first error the validator gives a copy whose first box has x1 and x2 swapped.

    Parameters
    ----------
    submission : DataFrame
        A valid submission (left unchanged).
    data_dir : str or Path
        The data folder it is validated against.

    Returns
    -------
    str
        The kind, or "" when the copy raises no error (its first box has x1 = x2).
    """
    broken = submission.copy()
    first = broken.index[0]
    broken.loc[first, ["x1", "x2"]] = broken.loc[first, ["x2", "x1"]].to_numpy()
    # the validator's errors (its only other findings, boxes outside their image, are warnings)
    found = errors(check_submission_rules(broken, read_test(data_dir, check=False)))
    return found[0].kind if found else ""


TEACHING = Teaching(
    goals=(
        "Read a detection + classification data set: one row per cell in train.csv, one row per cell to find "
        "in test.csv, and what the images folder holds beyond the layout.",
        "Compute the reconstructed score by hand: GIoU of a box, the GIoU term, and a macro-F1 in which every "
        "one of the 23 classes weighs the same.",
        "Validate honestly: folds grouped by duplicate image, early stopping on an inner split, bootstrap "
        "intervals over images rather than boxes.",
        "Compare a small CNN with hand-made features and a random forest on the same detector boxes, and read "
        "per-class F1, the confusion matrix and misclassified crops.",
        "Write a submission that the validator accepts, from a model trained on the data it predicts.",
    ),
    traps=(
        "Images with two or more cells: 6.5 % of the real train images (5.2 % hold two, 0.8 % three, up to 11); "
        "test.csv has one row per cell, so a one-box-per-image detector loses those cells "
        "(01_exploration prints the count and the rows left without their cell).",
        "Duplicated images: about 150 in the real train set; copies that straddle folds flatter the validation "
        "score (02_baseline prints 'duplicate groups split across folds: 0'; check names byte-identical copies).",
        "Macro-F1 is 80 % of the score: rare classes (SS has 714 real train boxes against 6,827 for PNN) weigh "
        "as much as PNN; a class never predicted scores 0.",
        "Boxes past the image border: about 1,000 real boxes (1.9 %), x1 or y1 below 0 on 0.4 % (down to -85); "
        "clipped for training, scored as given.",
        "A model saved by 02_baseline on the twin is not a model of the official data: 03_submission reloads "
        "it only when the data and settings match and otherwise retrains, saying why.",
        "Scores on the twin say the code works, not how it ranks: top real scores were above 0.93.",
        "The CNN learns from the pixels alone: at quick size (about 170 training crops, 7 per class) it needs "
        "its 30 epochs to leave chance and lands near the forest, at the default size it pulls ahead; 02_baseline "
        "prints its hold-out macro-F1 beside a random guess (in the committed run, its 'whole interval lies above "
        "it') and which model wins, by how much. Say so before learners conclude anything about CNNs "
        "from a quick run.",
    ),
    exercises=(
        Exercise(
            "01_exploration.ipynb",
            "images with two or more cells",
            5,
            key="cytologia 1",
            expected=images_with_cells,
            teaches=("images_with_cells",),
        ),
        Exercise(
            "02_baseline.ipynb",
            "one GIoU by hand",
            10,
            key="cytologia 2",
            expected=giou_of_pair,
            teaches=("giou", "giou_of_pair"),
        ),
        Exercise(
            "02_baseline.ipynb",
            "macro-F1 of a tiny example",
            10,
            key="cytologia 3",
            expected=macro_f1_of,
            teaches=("macro_f1", "per_class_f1", "macro_f1_of"),
        ),
        Exercise(
            "03_submission.ipynb",
            "break a submission and read the validator",
            10,
            key="cytologia 4",
            expected=inverted_box_kind,
            teaches=("inverted_box_kind",),
        ),
    ),
    # measured: two runs of tools/refresh_notebooks.py --quick on a copy of the notebooks (the quick twin
    # generated by 01, 03 reloading 02's model), 2 CPU cores shared with other jobs (load average 2 to 3):
    # 01 9 and 11 s, 02 50 and 61 s (of which the CNN's 30 epochs about 30 to 50 s: torch's two threads wait
    # on the busy cores; 26 s for 02 with OMP_WAIT_POLICY=PASSIVE, as the test suite runs it), 03 6 s
    quick_seconds={"01_exploration.ipynb": 10.0, "02_baseline.ipynb": 55.0, "03_submission.ipynb": 6.0},
    slow_machine=(
        "Run the notebooks in quick mode (HDHKITS_QUICK=1, the default of the workshop pack): the small twin, the "
        "CNN's 30 epochs over about 170 crops. If 02_baseline is still slow, set epochs = 10 in its parameters cell "
        "and in 03_submission's (with other values, 03 retrains and says why): the CNN then learns little, which "
        "its line beside a random guess says, and the forest and your model are unchanged. Or let slow machines "
        "read the solution notebooks' committed outputs instead of running them. On Colab, a GPU runtime is not "
        "needed in quick mode. Generating the twin once beforehand (hdhkits data cytologia --size quick) saves a "
        "few seconds per notebook."
    ),
)
