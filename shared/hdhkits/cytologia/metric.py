"""The CYTOLOGIA metric, reconstructed: box quality (GIoU) and macro-F1 of the classes.

The official scoring code is not public. This reconstruction follows participants'
re-implementations (CHALLENGES.md):

* every ground-truth box is matched to the predicted box **of the same image** (same
  ``NAME``) with the highest generalised IoU; a predicted box may serve several
  ground-truth boxes;
* a ground-truth box whose image has no prediction counts GIoU = -1 and a wrong class;
* ``score = 0.2 * mean((GIoU + 1) / 2) + 0.8 * macro-F1(true class, matched class)``.

Macro-F1 averages the per-class F1 over the classes present in the truth or among the
matched predictions (as scikit-learn's ``f1_score(average="macro")`` does).

Boxes are scored **as given**: nothing is clipped to the image, so a box partly outside
its image (the official truth holds about 1,000 such train boxes, x1 down to -85) is
compared with its full extent, and images of any size score alike. A degenerate box
(``x2 <= x1`` or ``y2 <= y1``: zero or negative area; validation refuses them in a
submission) counts as area 0: its IoU with anything is 0, so its GIoU is
``-(hull - union) / hull`` with the enclosing hull taken from the corners as given:
0 when it lies inside the other box, towards -1 as it lies farther away, -1 when the
hull itself is empty. Two identical boxes, degenerate or not, have GIoU 1.

Everything is vectorised: 22,689 rows score in well under a second. :func:`resampled_parts`
scores resamples of the images from per-image counts: the intervals of
:func:`hdhkits.cytologia.evaluation.score_interval` and
:func:`~hdhkits.cytologia.evaluation.paired_difference` stand on it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd
from sklearn.metrics import f1_score, precision_recall_fscore_support

from ..findings import DataError
from ..problem import Score, UnitMetric

__all__ = [
    "GIOU_WEIGHT",
    "CytologiaUnitMetric",
    "MetricResult",
    "giou",
    "macro_f1",
    "match_boxes",
    "per_class_f1",
    "resampled_parts",
    "score",
    "score_details",
    "unit_metric",
]

#: Weight of the box term; the class term weighs ``1 - GIOU_WEIGHT``.
GIOU_WEIGHT = 0.2
_BOX = ["x1", "y1", "x2", "y2"]
_NO_MATCH = "__no_prediction__"


def giou(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Generalised IoU of paired boxes, row by row.

    Parameters
    ----------
    a, b : ndarray (n, 4)
        Boxes ``x1, y1, x2, y2``.

    Returns
    -------
    ndarray (n,)
        GIoU in [-1, 1]; 1 for identical boxes. Boxes are taken as given (no clipping).
        A degenerate box (zero or negative width or height) has area 0 and IoU 0, so its
        GIoU is ``-(hull - union) / hull`` (0 inside the other box, down to -1 far from
        it), and -1 when the enclosing hull is empty; identical boxes still give 1.
    """
    a = np.asarray(a, float).reshape(-1, 4)
    b = np.asarray(b, float).reshape(-1, 4)
    area_a = np.clip(a[:, 2] - a[:, 0], 0, None) * np.clip(a[:, 3] - a[:, 1], 0, None)
    area_b = np.clip(b[:, 2] - b[:, 0], 0, None) * np.clip(b[:, 3] - b[:, 1], 0, None)
    iw = np.clip(np.minimum(a[:, 2], b[:, 2]) - np.maximum(a[:, 0], b[:, 0]), 0, None)
    ih = np.clip(np.minimum(a[:, 3], b[:, 3]) - np.maximum(a[:, 1], b[:, 1]), 0, None)
    inter = iw * ih
    union = area_a + area_b - inter
    hull = (np.maximum(a[:, 2], b[:, 2]) - np.minimum(a[:, 0], b[:, 0])) * (
        np.maximum(a[:, 3], b[:, 3]) - np.minimum(a[:, 1], b[:, 1])
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        iou = np.where(union > 0, inter / union, 0.0)
        out = np.where(hull > 0, iou - (hull - union) / hull, -1.0)
    same = np.all(a == b, axis=1)
    return np.where(same, 1.0, np.clip(out, -1.0, 1.0))


def match_boxes(truth: pd.DataFrame, prediction: pd.DataFrame) -> pd.DataFrame:
    """Match every ground-truth box to the best predicted box of its image.

    Parameters
    ----------
    truth : DataFrame
        ``NAME, x1, y1, x2, y2, class`` (other columns kept).
    prediction : DataFrame
        ``NAME, x1, y1, x2, y2, class``.

    Returns
    -------
    DataFrame
        The truth rows (same order) plus ``giou`` (-1 when no prediction in the image)
        and ``pred_class`` (a marker that matches no class when there is none).
    """
    t = truth.reset_index(drop=True)
    p = prediction[["NAME", *_BOX, "class"]].reset_index(drop=True)
    left = pd.DataFrame({"_t": np.arange(len(t)), "NAME": t["NAME"].astype(str).to_numpy()})
    right = pd.DataFrame({"NAME": p["NAME"].astype(str).to_numpy(), "_p": np.arange(len(p))})
    pairs = left.merge(right, on="NAME", how="inner")
    ti, pi = pairs["_t"].to_numpy(), pairs["_p"].to_numpy()
    g = giou(t[_BOX].to_numpy(float)[ti], p[_BOX].to_numpy(float)[pi])
    best_giou = np.full(len(t), -1.0)
    best_class = np.full(len(t), _NO_MATCH, dtype=object)
    if len(g):
        # best pair per truth row: sort by (truth row, -giou, prediction row) and keep the first
        order = np.lexsort((pi, -g, ti))
        first = np.ones(len(order), bool)
        first[1:] = ti[order][1:] != ti[order][:-1]
        keep = order[first]
        best_giou[ti[keep]] = g[keep]
        best_class[ti[keep]] = p["class"].astype(str).to_numpy()[pi[keep]]
    out = t.copy()
    out["giou"] = best_giou
    out["pred_class"] = best_class
    return out


def _labels(y_true: np.ndarray, y_pred: np.ndarray) -> np.ndarray:
    """The classes scored: those in ``y_true`` or ``y_pred``, except the no-prediction marker."""
    labels = np.union1d(np.unique(y_true), np.unique(y_pred))
    return labels[labels != _NO_MATCH]


def per_class_f1(y_true: npt.ArrayLike, y_pred: npt.ArrayLike) -> pd.DataFrame:
    """Precision, recall, F1 and support per class (scikit-learn's ``precision_recall_fscore_support``).

    The classes are those in ``y_true`` or ``y_pred``, except the no-prediction marker
    (a truth box matched to no prediction counts as a miss of its class). A class never
    predicted has precision 0, a class absent from the truth recall 0.

    Parameters
    ----------
    y_true, y_pred : array-like of str
        True and predicted class of each box.

    Returns
    -------
    DataFrame
        ``precision, recall, f1, support``, indexed by class (sorted).
    """
    y_true = np.asarray(y_true).astype(str)
    y_pred = np.asarray(y_pred).astype(str)
    labels = _labels(y_true, y_pred)
    if len(labels) == 0:
        precision = recall = f1 = np.zeros(0)
        support = np.zeros(0, int)
    else:
        precision, recall, f1, support = precision_recall_fscore_support(
            y_true, y_pred, labels=labels, average=None, zero_division=0
        )
    return pd.DataFrame(
        {"precision": precision, "recall": recall, "f1": f1, "support": np.asarray(support, int)},
        index=pd.Index(labels, name="class"),
    )


def macro_f1(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    """Unweighted mean of the per-class F1 (scikit-learn's ``f1_score(average="macro")``, classes as in
    :func:`per_class_f1`; 0 when there is none).
    """
    y_true = np.asarray(y_true).astype(str)
    y_pred = np.asarray(y_pred).astype(str)
    labels = _labels(y_true, y_pred)
    if len(labels) == 0:
        return 0.0
    return float(f1_score(y_true, y_pred, labels=labels, average="macro", zero_division=0))


@dataclass(frozen=True)
class MetricResult:
    """The reconstructed score and its parts."""

    score: float
    giou_term: float  # mean((GIoU + 1) / 2), in [0, 1]
    mean_giou: float  # mean GIoU, in [-1, 1]
    macro_f1: float
    n_truth: int
    n_unmatched: int  # ground-truth boxes whose image has no prediction

    def parts(self) -> dict[str, float]:
        """The parts as :class:`~hdhkits.problem.Score` carries them."""
        return {"giou_term": self.giou_term, "mean_giou": self.mean_giou, "macro_f1": self.macro_f1}


_TRUTH_COLUMNS = ("NAME", "x1", "y1", "x2", "y2", "class")


def _check_truth(truth: pd.DataFrame) -> None:
    missing = [c for c in _TRUTH_COLUMNS if c not in truth.columns]
    if missing:
        raise DataError(
            "truth",
            [
                f"the truth table lacks column(s) {missing}; it needs {list(_TRUTH_COLUMNS)} "
                f"(test_truth.csv as `hdhkits data cytologia` writes it)"
            ],
        )
    if len(truth) == 0:
        raise DataError("truth", ["the truth table is empty: nothing to score"])


def score_details(truth: pd.DataFrame, prediction: pd.DataFrame) -> MetricResult:
    """The reconstructed CYTOLOGIA score with its parts and counts.

    Parameters
    ----------
    truth : DataFrame
        ``NAME, x1, y1, x2, y2, class``, one row per ground-truth cell.
    prediction : DataFrame
        ``NAME, x1, y1, x2, y2, class``, one row per predicted cell.

    Returns
    -------
    MetricResult
        ``score = 0.2 * giou_term + 0.8 * macro_f1``.

    Raises
    ------
    DataError
        The truth lacks a column or is empty.
    """
    _check_truth(truth)
    m = match_boxes(truth, prediction)
    g = m["giou"].to_numpy(float)
    giou_term = float(np.mean((g + 1) / 2))
    f1 = macro_f1(m["class"].astype(str).to_numpy(), m["pred_class"].astype(str).to_numpy())
    return MetricResult(
        score=GIOU_WEIGHT * giou_term + (1 - GIOU_WEIGHT) * f1,
        giou_term=giou_term,
        mean_giou=float(g.mean()),
        macro_f1=f1,
        n_truth=len(m),
        n_unmatched=int((m["pred_class"] == _NO_MATCH).sum()),
    )


def score(truth: pd.DataFrame, submission: pd.DataFrame) -> Score:
    """The reconstructed CYTOLOGIA score of a submission (official format) against the truth.

    Parameters
    ----------
    truth : DataFrame
        ``test_truth.csv``: ``trustii_id, NAME, x1, y1, x2, y2, class``.
    submission : DataFrame
        ``trustii_id, NAME, x1, y1, x2, y2, class``; boxes are scored by their ``NAME``
        (validation checks it against test.csv).

    Returns
    -------
    Score
        ``value`` in [0, 1] (higher is better); parts ``giou_term``, ``mean_giou``, ``macro_f1``.

    Raises
    ------
    DataError
        The truth lacks a column or is empty.
    """
    r = score_details(truth, submission)
    return Score(r.score, r.parts())


def _image_counts(m: pd.DataFrame, image: np.ndarray, n_images: int) -> tuple[np.ndarray, ...]:
    """Per-image sums of matched boxes ``m`` (:func:`match_boxes`; ``image``: each row's image number).

    Returns ``(giou_sum, boxes, tp, support, predicted)``: the GIoU sum and box count of
    each image (``n_images``,) and its true positives, truth boxes and matched predictions
    per class (``n_images``, k), over the classes in the truth or among the matches.
    """
    y_true = m["class"].astype(str).to_numpy()
    y_pred = m["pred_class"].astype(str).to_numpy()
    labels = np.union1d(np.unique(y_true), np.unique(y_pred))
    labels = labels[labels != _NO_MATCH]
    k = len(labels)
    ti = np.searchsorted(labels, y_true)  # every truth class is a label
    pi = np.where(np.isin(y_pred, labels), np.searchsorted(labels, y_pred).clip(max=max(k - 1, 0)), k)
    hit = ti == pi

    def per_image(cls: np.ndarray, rows: np.ndarray) -> np.ndarray:
        """(n_images, k) counts of the rows ``rows`` by image and class."""
        flat = np.bincount(image[rows] * (k + 1) + cls[rows], minlength=n_images * (k + 1))
        return flat.reshape(n_images, k + 1)[:, :k].astype(float)

    every = np.ones(len(m), bool)
    tp, support, predicted = per_image(ti, hit), per_image(ti, every), per_image(pi, every)
    boxes = np.bincount(image, minlength=n_images).astype(float)
    giou_sum = np.bincount(image, weights=m["giou"].to_numpy(float), minlength=n_images)
    return giou_sum, boxes, tp, support, predicted


def resampled_parts(
    truth: pd.DataFrame, prediction: pd.DataFrame
) -> tuple[pd.Index, Callable[[np.ndarray], dict[str, float]]]:
    """Match once; return the image names and ``parts(idx)``, the score and its parts
    on a resample ``idx`` of the images (an index array into the names).

    The bootstrap of :func:`~hdhkits.cytologia.evaluation.score_interval` and
    :func:`~hdhkits.cytologia.evaluation.paired_difference` calls ``parts`` once per
    resample, so only the per-image counts are summed again: :class:`CytologiaUnitMetric`
    computes them and the score, each image weighted by the number of times it is drawn.

    Parameters
    ----------
    truth, prediction : DataFrame
        As for :func:`score_details`; the truth must hold at least two images.

    Returns
    -------
    names : Index
        The truth's image names, in the order ``idx`` indexes them.
    parts : callable
        ``parts(idx)`` returns ``score, giou_term, mean_giou, macro_f1`` on the images
        ``names[idx]`` (drawn with repetition); results are cached by ``idx``.
    """
    metric = CytologiaUnitMetric(truth)
    terms = metric.unit_terms(prediction)  # matched before the count is checked, as the score is
    names = pd.Index(metric.units)
    if len(names) < 2:
        raise DataError("truth", ["need at least two images to bootstrap over images"])
    cache: dict[bytes, dict[str, float]] = {}

    def parts(idx: np.ndarray) -> dict[str, float]:
        key = np.asarray(idx).tobytes()
        if key not in cache:
            w = np.bincount(idx, minlength=len(names)).astype(float)  # times each image is drawn
            cache[key] = {name: float(value[0]) for name, value in metric.parts(terms, w).items()}
        return cache[key]

    return names, parts


class CytologiaUnitMetric(UnitMetric):
    """The reconstructed metric split over the test images (see :class:`hdhkits.problem.UnitMetric`).

    The boxes of one image are matched together, so the unit is the image with all its
    truth boxes. A submission's terms are, per image, its GIoU sum and box count and,
    per class, its true positives, truth boxes and matched predictions; a weighting ``w``
    of the images sums them, and the score follows: ``mean GIoU = sum(w giou) / sum(w
    boxes)``, per-class ``F1 = 2 tp / (support + predicted)`` averaged over the classes
    present in the weighted truth or matches (what :func:`macro_f1` averages over).

    Parameters
    ----------
    truth : DataFrame
        ``NAME, x1, y1, x2, y2, class`` (``test_truth.csv``).
    """

    unit_name = "images"

    def __init__(self, truth: pd.DataFrame) -> None:
        _check_truth(truth)
        self._truth = truth.reset_index(drop=True)
        self._image, self._names = pd.factorize(self._truth["NAME"].astype(str))

    @property
    def units(self) -> np.ndarray:
        """The truth's image names, in order of first appearance."""
        return np.asarray(self._names)

    def unit_terms(self, submission: pd.DataFrame) -> tuple[np.ndarray, ...]:
        """One ``(n_images, 2 + 3k)`` array: GIoU sum, boxes, then tp, support and predicted for each of k classes."""
        m = match_boxes(self._truth, submission)
        giou_sum, boxes, tp, support, predicted = _image_counts(m, self._image, len(self._names))
        return (np.column_stack([giou_sum, boxes, tp, support, predicted]),)

    def parts(self, terms: tuple[np.ndarray, ...], weights: np.ndarray) -> dict[str, np.ndarray]:
        """``score``, ``giou_term``, ``mean_giou`` and ``macro_f1`` for each row of ``weights``."""
        w = np.atleast_2d(np.asarray(weights, dtype=float))
        sums = w @ terms[0]
        k = (sums.shape[1] - 2) // 3
        tp, support, predicted = sums[:, 2 : 2 + k], sums[:, 2 + k : 2 + 2 * k], sums[:, 2 + 2 * k :]
        with np.errstate(divide="ignore", invalid="ignore"):
            mean_giou = sums[:, 0] / sums[:, 1]
            f1 = np.where(support + predicted > 0, 2 * tp / (support + predicted), 0.0)
        present = (support + predicted) > 0
        count = present.sum(1)
        macro = np.where(count > 0, (f1 * present).sum(1) / np.maximum(count, 1), 0.0)
        giou_term = (mean_giou + 1) / 2
        return {
            "score": GIOU_WEIGHT * giou_term + (1 - GIOU_WEIGHT) * macro,
            "giou_term": giou_term,
            "mean_giou": mean_giou,
            "macro_f1": macro,
        }

    def scores(self, terms: tuple[np.ndarray, ...], weights: np.ndarray) -> np.ndarray:
        """The score for each row of ``weights`` (NaN for a weighting without any box)."""
        return self.parts(terms, weights)["score"]


def unit_metric(truth: pd.DataFrame) -> CytologiaUnitMetric:
    """The reconstructed metric split over the test images of ``truth`` (:class:`CytologiaUnitMetric`)."""
    return CytologiaUnitMetric(truth)
