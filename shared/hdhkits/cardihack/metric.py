"""The Cardi-HACK metric, as reconstructed by participants (the official code is not public).

Every weight lives in the module-level constants below, so a correction to the
reconstruction is a one-line change.

* SEVERITY: weighted log-loss ``wll = sum(w_i ll_i) / sum(w_i)``, ``w = 1.5`` for a
  non-severe patient and ``1`` for a severe one, probabilities clipped to
  ``[1e-15, 1 - 1e-15]``. It is rescaled against a *dummy* (the prevalence of the scored
  set predicted for everyone) and a *worst* case (every patient confidently wrong):
  ``1 - wll / dummy`` when ``wll <= dummy`` (1 = perfect, 0 = dummy), else
  ``-(wll - dummy) / (worst - dummy)`` (down to -1).
* MACE: quadratic weighted kappa over the codes 0/1/2 (disagreement ``(i - j)^2 / 4``),
  each patient counting ``1``, ``3`` or ``4`` by its true class, in the observed and in
  the expected matrices.
* Combined: ``0.7 * kappa + 0.3 * rescaled``.

The two losses are scikit-learn's: ``log_loss(sample_weight=)`` and
``cohen_kappa_score(weights="quadratic", sample_weight=)`` compute exactly these
formulas (``tests/cardihack/test_metric.py`` checks them against hand-written versions
to 1e-12). This module imports numpy, pandas and scikit-learn only: the bundle's scoring
program copies it (:mod:`hdhkits.bundle.vendor`).
"""

from __future__ import annotations

import warnings

import numpy as np
import numpy.typing as npt
import pandas as pd
from sklearn.exceptions import UndefinedMetricWarning
from sklearn.metrics import cohen_kappa_score, log_loss

from ..findings import DataError
from ..problem import Score, UnitMetric
from .schema import OUTCOME_MACE, OUTCOME_SEVERITY, TEST_ID

__all__ = [
    "DUMMY_MACE",
    "DUMMY_SEVERITY",
    "MACE_CLASSES",
    "MACE_CLASS_WEIGHTS",
    "PROBABILITY_CLIP",
    "PUBLIC_LEADERBOARD_RANGE",
    "SEVERITY_CLASS_WEIGHTS",
    "WEIGHT_KAPPA",
    "WEIGHT_SEVERITY",
    "CardihackUnitMetric",
    "best_probability",
    "combined_score",
    "combined_score_array",
    "rescale_logloss",
    "rescaled_severity",
    "score",
    "score_parts",
    "severity_reference_losses",
    "unit_metric",
    "weighted_kappa",
    "weighted_logloss",
]

#: Log-loss weight of a patient by true SEVERITY (0 = not severe, 1 = severe).
SEVERITY_CLASS_WEIGHTS: dict[int, float] = {0: 1.5, 1: 1.0}
#: Kappa weight of a patient by true MACE class (0 none, 1 within 1,000 d, 2 within 3,000 d).
MACE_CLASS_WEIGHTS: dict[int, float] = {0: 1.0, 1: 3.0, 2: 4.0}
MACE_CLASSES: tuple[int, ...] = (0, 1, 2)
#: Probabilities are clipped to [PROBABILITY_CLIP, 1 - PROBABILITY_CLIP] before the log.
PROBABILITY_CLIP: float = 1e-15
#: Weights of the two parts in the combined score.
WEIGHT_KAPPA: float = 0.7
WEIGHT_SEVERITY: float = 0.3
#: The organisers' dummy submission: MACE 0 for everyone, SEVERITY = 117/347.
DUMMY_MACE: int = 0
DUMMY_SEVERITY: float = 0.33718
#: Lowest and highest public leaderboard scores (official metric, 149 test patients), as
#: participants reported them (quoted in the kit README; the challenge's reference facts do
#: not list them): where real submissions landed, for scale.
PUBLIC_LEADERBOARD_RANGE: tuple[float, float] = (0.11, 0.36)


def _binary(y: npt.ArrayLike) -> np.ndarray:
    y = np.asarray(y, dtype=float).ravel()
    if not np.isin(y, (0.0, 1.0)).all():
        raise DataError("<truth>", [f"'{OUTCOME_SEVERITY}' must be 0 or 1; fix the truth table"])
    return y


def weighted_logloss(y_true: npt.ArrayLike, p: npt.ArrayLike) -> float:
    """Class-weighted binary log-loss (weights :data:`SEVERITY_CLASS_WEIGHTS`).

    ``sum(w_i ll_i) / sum(w_i)`` with ``p`` clipped to ``[PROBABILITY_CLIP, 1 -
    PROBABILITY_CLIP]``, computed by ``sklearn.metrics.log_loss(sample_weight=w)``.

    Parameters
    ----------
    y_true : array of 0/1
        True SEVERITY.
    p : array of float or float
        Predicted probability of a severe phenotype (a scalar is used for every row).

    Returns
    -------
    float

    Raises
    ------
    hdhkits.findings.DataError
        The truth is not 0/1, or a probability is missing or not finite.
    """
    y = _binary(y_true)
    p = np.broadcast_to(np.asarray(p, dtype=float), y.shape)
    if not np.isfinite(p).all():
        raise DataError(
            "<submission>",
            [
                f"'{OUTCOME_SEVERITY}' holds {int((~np.isfinite(p)).sum())} missing or "
                "non-finite probabilities; predict a number in [0, 1] for every row"
            ],
        )
    # Clipped here, at the reconstruction's 1e-15: scikit-learn's own clip is at machine epsilon.
    p = np.clip(p, PROBABILITY_CLIP, 1 - PROBABILITY_CLIP)
    w = np.where(y == 1, SEVERITY_CLASS_WEIGHTS[1], SEVERITY_CLASS_WEIGHTS[0])
    # p passed by position: scikit-learn 1.9 renamed the argument (y_pred -> y_proba)
    return float(log_loss(y, p, sample_weight=w, labels=[0, 1]))


def severity_reference_losses(y_true: npt.ArrayLike) -> tuple[float, float]:
    """The ``(dummy, worst)`` weighted log-losses the rescaling uses for this truth.

    ``dummy`` predicts the (unweighted) prevalence of the scored set for everyone;
    ``worst`` predicts ``PROBABILITY_CLIP`` for every severe patient and
    ``1 - PROBABILITY_CLIP`` for every other one.
    """
    y = _binary(y_true)
    dummy = weighted_logloss(y, y.mean())
    worst = weighted_logloss(y, np.where(y == 1, PROBABILITY_CLIP, 1 - PROBABILITY_CLIP))
    return dummy, worst


def rescaled_severity(y_true: npt.ArrayLike, p: npt.ArrayLike) -> float:
    """Rescaled weighted log-loss: 1 perfect, 0 as good as the prevalence, -1 worst.

    Returns NaN when the scored set holds one class only (the dummy loss is then ~0 and
    the rescaling meaningless).
    """
    y = _binary(y_true)
    if y.min() == y.max():
        return float("nan")
    return rescale_logloss(weighted_logloss(y, p), *severity_reference_losses(y))


def rescale_logloss(wll: float, dummy: float, worst: float) -> float:
    """The rescaling of :func:`rescaled_severity`, from the three losses.

    ``1 - wll / dummy`` when ``wll <= dummy``, else ``-(wll - dummy) / (worst - dummy)``.
    Callers that score several predictions of the same truth (the repeats of a
    cross-validation) compute ``dummy`` and ``worst`` once.
    """
    if wll <= dummy:
        return float(1 - wll / dummy)
    return float(-(wll - dummy) / (worst - dummy))


def weighted_kappa(y_true: npt.ArrayLike, y_pred: npt.ArrayLike) -> float:
    """Quadratic weighted kappa with per-patient weights by true class.

    Observed matrix ``O[i, j]`` = total weight of patients of true class ``i`` predicted
    ``j``; expected ``E = outer(O.sum(1), O.sum(0)) / O.sum()``; disagreement
    ``D[i, j] = (i - j)^2 / (K - 1)^2``; ``kappa = 1 - sum(D O) / sum(D E)``: this is
    ``sklearn.metrics.cohen_kappa_score(weights="quadratic", sample_weight=w)`` with the
    weights :data:`MACE_CLASS_WEIGHTS` of the true classes (the scale of ``D`` cancels).

    Returns NaN when ``sum(D E)`` is 0 (one true class and one predicted class only).

    Raises
    ------
    hdhkits.findings.DataError
        Lengths differ, or a class is not one of :data:`MACE_CLASSES`.
    """
    t = np.asarray(y_true).ravel()
    q = np.asarray(y_pred).ravel()
    if t.shape != q.shape:
        raise DataError(
            "<submission>", [f"{t.size} true MACE classes but {q.size} predictions; predict one class per truth row"]
        )
    for where, name, arr in (("<truth>", "truth", t), ("<submission>", "prediction", q)):
        if not np.isin(arr, MACE_CLASSES).all():
            raise DataError(where, [f"'{OUTCOME_MACE}' {name} must hold the codes {MACE_CLASSES} only"])
    t, q = t.astype(int), q.astype(int)
    w = np.asarray([MACE_CLASS_WEIGHTS[c] for c in MACE_CLASSES])[t]
    with warnings.catch_warnings():
        # An undefined kappa (one class on each side) is NaN by definition here, not news.
        warnings.simplefilter("ignore", UndefinedMetricWarning)
        warnings.simplefilter("ignore", RuntimeWarning)  # older scikit-learn divides 0 by 0 instead
        kappa = cohen_kappa_score(t, q, labels=list(MACE_CLASSES), weights="quadratic", sample_weight=w)
    return float(kappa)


def best_probability(p: npt.ArrayLike) -> np.ndarray | float:
    """The SEVERITY probability to submit when a patient's true probability is ``p``.

    Under the weighted log-loss a patient's expected loss for a prediction ``q`` is
    ``w1 p (-log q) + w0 (1 - p) (-log(1 - q))`` (``w0 = 1.5``, ``w1 = 1``,
    :data:`SEVERITY_CLASS_WEIGHTS`), smallest at ``q = w1 p / (w1 p + w0 (1 - p))``: the true
    probability is not the best answer; this reweighted one is (0.25 for ``p = 1/3``).
    """
    p = np.asarray(p, dtype=float)
    w0, w1 = SEVERITY_CLASS_WEIGHTS[0], SEVERITY_CLASS_WEIGHTS[1]
    return w1 * p / (w1 * p + w0 * (1 - p))


def combined_score(kappa: float, rescaled: float) -> float:
    """``WEIGHT_KAPPA * kappa + WEIGHT_SEVERITY * rescaled``."""
    return float(WEIGHT_KAPPA * kappa + WEIGHT_SEVERITY * rescaled)


def score_parts(
    mace_true: npt.ArrayLike, mace_pred: npt.ArrayLike, severity_true: npt.ArrayLike, severity_prob: npt.ArrayLike
) -> dict[str, float]:
    """The reconstructed challenge metric and its parts, on arrays.

    Parameters
    ----------
    mace_true, mace_pred : array of 0/1/2
        True and predicted MACE classes.
    severity_true : array of 0/1
        True SEVERITY.
    severity_prob : array of float
        Predicted probability of a severe phenotype.

    Returns
    -------
    dict
        ``score`` (combined), ``kappa_mace``, ``severity_rescaled``, ``severity_logloss``.
    """
    kappa = weighted_kappa(mace_true, mace_pred)
    rescaled = rescaled_severity(severity_true, severity_prob)
    return {
        "score": combined_score(kappa, rescaled),
        "kappa_mace": kappa,
        "severity_rescaled": rescaled,
        "severity_logloss": weighted_logloss(severity_true, severity_prob),
    }


def _merged(truth: pd.DataFrame, submission: pd.DataFrame) -> pd.DataFrame:
    """Truth rows with their predictions (``<column> pred``), one per truth ``trustii_id``."""
    columns = [TEST_ID, OUTCOME_MACE, OUTCOME_SEVERITY]
    for where, table in (("<truth>", truth), ("<submission>", submission)):
        absent = [c for c in columns if c not in table.columns]
        if absent:
            raise DataError(where, [f"column '{c}' is missing; the table needs {','.join(columns)}" for c in absent])
    try:
        merged = truth[columns].merge(
            submission[columns], on=TEST_ID, how="left", suffixes=("", " pred"), validate="one_to_one"
        )
    except pd.errors.MergeError as exc:
        raise DataError(
            "<submission>",
            [f"a trustii_id appears twice ({exc}); validate the submission first (PROBLEM.validate_submission)"],
        ) from None
    missing = merged[f"{OUTCOME_MACE} pred"].isna() | merged[f"{OUTCOME_SEVERITY} pred"].isna()
    if missing.any():
        raise DataError(
            "<submission>",
            [
                f"the submission has no prediction for {int(missing.sum())} trustii_id(s) "
                "of the truth; validate it first (PROBLEM.validate_submission)"
            ],
        )
    return merged


def score(truth: pd.DataFrame, submission: pd.DataFrame) -> Score:
    """The reconstructed challenge metric of a submission table against a truth table.

    Parameters
    ----------
    truth : DataFrame
        ``trustii_id``, ``OUTCOME MACE`` and ``OUTCOME SEVERITY`` (the twin's
        ``test_truth.csv``; extra columns are ignored).
    submission : DataFrame
        ``trustii_id,OUTCOME MACE,OUTCOME SEVERITY``, any row order; validate it first
        (``PROBLEM.validate_submission``).

    Returns
    -------
    hdhkits.problem.Score
        ``value`` (combined, higher is better) and ``parts``: ``kappa_mace``,
        ``severity_rescaled``, ``severity_logloss``.

    Raises
    ------
    hdhkits.findings.DataError
        A column is missing, an id is repeated, or a truth id has no prediction.
    """
    merged = _merged(truth, submission)
    parts = score_parts(
        merged[OUTCOME_MACE].to_numpy(int),
        merged[f"{OUTCOME_MACE} pred"].to_numpy(int),
        merged[OUTCOME_SEVERITY].to_numpy(int),
        merged[f"{OUTCOME_SEVERITY} pred"].to_numpy(float),
    )
    value = parts.pop("score")
    return Score(value, parts)


def _clipped_logloss_terms(y: np.ndarray, p: np.ndarray) -> np.ndarray:
    """Per-patient ``-(y log p + (1 - y) log(1 - p))`` with ``p`` clipped as :func:`weighted_logloss` clips it."""
    p = np.clip(np.asarray(p, dtype=float), PROBABILITY_CLIP, 1 - PROBABILITY_CLIP)
    return -(y * np.log(p) + (1 - y) * np.log(1 - p))


class CardihackUnitMetric(UnitMetric):
    """The reconstructed metric split over the test patients (see :class:`hdhkits.problem.UnitMetric`).

    Every part is a ratio of sums of per-patient terms, so a weighting ``w`` of the
    patients (a bootstrap resample, a public part) needs only weighted sums:

    * weighted log-loss: ``sum(w c ll) / sum(w c)`` with ``c`` the SEVERITY class weight;
      the *dummy* predicts the weighted prevalence ``sum(w y) / sum(w)`` (as the metric
      predicts the prevalence of the scored set), the *worst* sums the per-patient
      worst-case terms;
    * kappa: the observed matrix is ``sum(w m [true = i, predicted = j])`` with ``m`` the
      MACE class weight; the expected matrix and kappa follow as in :func:`weighted_kappa`.

    Parameters
    ----------
    truth : DataFrame
        ``trustii_id``, ``OUTCOME MACE`` and ``OUTCOME SEVERITY``.
    """

    unit_name = "patients"

    def __init__(self, truth: pd.DataFrame) -> None:
        columns = [TEST_ID, OUTCOME_MACE, OUTCOME_SEVERITY]
        absent = [c for c in columns if c not in truth.columns]
        if absent:
            raise DataError(
                "<truth>", [f"column '{c}' is missing; the table needs {','.join(columns)}" for c in absent]
            )
        self._truth = truth[columns].reset_index(drop=True)
        y = _binary(self._truth[OUTCOME_SEVERITY])
        mace = self._truth[OUTCOME_MACE].to_numpy()
        if not np.isin(mace, MACE_CLASSES).all():
            raise DataError("<truth>", [f"'{OUTCOME_MACE}' truth must hold the codes {MACE_CLASSES} only"])
        self._mace = mace.astype(int)
        self._mace_weight = np.asarray([MACE_CLASS_WEIGHTS[c] for c in MACE_CLASSES])[self._mace]
        c = np.where(y == 1, SEVERITY_CLASS_WEIGHTS[1], SEVERITY_CLASS_WEIGHTS[0])
        worst = _clipped_logloss_terms(y, np.where(y == 1, PROBABILITY_CLIP, 1 - PROBABILITY_CLIP))
        # columns: c, c*y, c*(1-y), y, 1, c*worst
        self._truth_terms = np.column_stack([c, c * y, c * (1 - y), y, np.ones_like(y), c * worst])

    @property
    def units(self) -> np.ndarray:
        """The truth's ``trustii_id`` values, in its row order."""
        return self._truth[TEST_ID].to_numpy()

    def unit_terms(self, submission: pd.DataFrame) -> tuple[np.ndarray, ...]:
        """``(c ll, observed-matrix cells)``: the weighted log-loss term and the 9 kappa cells of each patient."""
        merged = _merged(self._truth, submission)
        pred = merged[f"{OUTCOME_MACE} pred"].to_numpy()
        if not np.isin(pred, MACE_CLASSES).all():
            raise DataError("<submission>", [f"'{OUTCOME_MACE}' prediction must hold the codes {MACE_CLASSES} only"])
        p = merged[f"{OUTCOME_SEVERITY} pred"].to_numpy(float)
        if not np.isfinite(p).all():
            raise DataError(
                "<submission>",
                [
                    f"'{OUTCOME_SEVERITY}' holds missing or non-finite probabilities; "
                    "predict a number in [0, 1] for every row"
                ],
            )
        y = self._truth_terms[:, 3]
        ll = self._truth_terms[:, 0] * _clipped_logloss_terms(y, p)
        k = len(MACE_CLASSES)
        cells = np.zeros((len(y), k * k))
        cells[np.arange(len(y)), self._mace * k + pred.astype(int)] = self._mace_weight
        return (ll, cells)

    def scores(self, terms: tuple[np.ndarray, ...], weights: np.ndarray) -> np.ndarray:
        """``0.7 kappa + 0.3 rescaled`` for each row of ``weights``; NaN where a part is undefined."""
        w = np.atleast_2d(np.asarray(weights, dtype=float))
        return combined_score_array(self._kappas(terms[1], w), self._rescaled(terms[0], w))

    def _rescaled(self, ll: np.ndarray, w: np.ndarray) -> np.ndarray:
        sums = w @ self._truth_terms
        c_sum, c_pos, c_neg, pos, total, worst_sum = sums.T
        with np.errstate(divide="ignore", invalid="ignore"):
            wll = (w @ ll) / c_sum
            prevalence = np.clip(pos / total, PROBABILITY_CLIP, 1 - PROBABILITY_CLIP)
            dummy = (-c_pos * np.log(prevalence) - c_neg * np.log(1 - prevalence)) / c_sum
            worst = worst_sum / c_sum
            rescaled = np.where(wll <= dummy, 1 - wll / dummy, -(wll - dummy) / (worst - dummy))
        return np.where((pos > 0) & (pos < total), rescaled, np.nan)

    @staticmethod
    def _kappas(cells: np.ndarray, w: np.ndarray) -> np.ndarray:
        k = len(MACE_CLASSES)
        observed = (w @ cells).reshape(-1, k, k)
        expected = observed.sum(2)[:, :, None] * observed.sum(1)[:, None, :] / observed.sum((1, 2))[:, None, None]
        disagreement = (np.arange(k)[:, None] - np.arange(k)[None, :]) ** 2.0
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = (observed * disagreement).sum((1, 2)) / (expected * disagreement).sum((1, 2))
        return np.where(np.isfinite(ratio), 1 - ratio, np.nan)


def combined_score_array(kappa: np.ndarray, rescaled: np.ndarray) -> np.ndarray:
    """:func:`combined_score` of arrays (NaN where either part is)."""
    return WEIGHT_KAPPA * np.asarray(kappa, dtype=float) + WEIGHT_SEVERITY * np.asarray(rescaled, dtype=float)


def unit_metric(truth: pd.DataFrame) -> CardihackUnitMetric:
    """The metric split over the test patients of ``truth`` (:class:`CardihackUnitMetric`)."""
    return CardihackUnitMetric(truth)
