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
"""
from __future__ import annotations

import numpy as np

__all__ = [
    "SEVERITY_CLASS_WEIGHTS", "MACE_CLASS_WEIGHTS", "MACE_CLASSES", "PROBABILITY_CLIP", "WEIGHT_KAPPA",
    "WEIGHT_SEVERITY", "DUMMY_SEVERITY", "DUMMY_MACE", "weighted_logloss", "severity_reference_losses",
    "rescaled_severity", "weighted_kappa", "combined_score", "cardihack_metric",
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


def _binary(y) -> np.ndarray:
    y = np.asarray(y, dtype=float).ravel()
    if not np.isin(y, (0.0, 1.0)).all():
        raise ValueError("SEVERITY truth must be 0 or 1")
    return y


def weighted_logloss(y_true, p) -> float:
    """Class-weighted binary log-loss (weights :data:`SEVERITY_CLASS_WEIGHTS`).

    Parameters
    ----------
    y_true : array of 0/1
        True SEVERITY.
    p : array of float or float
        Predicted probability of a severe phenotype (a scalar is used for every row).

    Returns
    -------
    float
    """
    y = _binary(y_true)
    p = np.clip(np.broadcast_to(np.asarray(p, dtype=float), y.shape), PROBABILITY_CLIP, 1 - PROBABILITY_CLIP)
    w = np.where(y == 1, SEVERITY_CLASS_WEIGHTS[1], SEVERITY_CLASS_WEIGHTS[0])
    ll = -(y * np.log(p) + (1 - y) * np.log(1 - p))
    return float(np.sum(w * ll) / np.sum(w))


def severity_reference_losses(y_true) -> tuple[float, float]:
    """The ``(dummy, worst)`` weighted log-losses the rescaling uses for this truth.

    ``dummy`` predicts the (unweighted) prevalence of the scored set for everyone;
    ``worst`` predicts ``PROBABILITY_CLIP`` for every severe patient and
    ``1 - PROBABILITY_CLIP`` for every other one.
    """
    y = _binary(y_true)
    dummy = weighted_logloss(y, y.mean())
    worst = weighted_logloss(y, np.where(y == 1, PROBABILITY_CLIP, 1 - PROBABILITY_CLIP))
    return dummy, worst


def rescaled_severity(y_true, p) -> float:
    """Rescaled weighted log-loss: 1 perfect, 0 as good as the prevalence, -1 worst.

    Returns NaN when the scored set holds one class only (the dummy loss is then ~0 and
    the rescaling meaningless).
    """
    y = _binary(y_true)
    if y.min() == y.max():
        return float("nan")
    wll = weighted_logloss(y, p)
    dummy, worst = severity_reference_losses(y)
    if wll <= dummy:
        return float(1 - wll / dummy)
    return float(-(wll - dummy) / (worst - dummy))


def weighted_kappa(y_true, y_pred) -> float:
    """Quadratic weighted kappa with per-patient weights by true class.

    Observed matrix ``O[i, j]`` = total weight of patients of true class ``i`` predicted
    ``j``; expected ``E = outer(O.sum(1), O.sum(0)) / O.sum()``; disagreement
    ``D[i, j] = (i - j)^2 / (K - 1)^2``; ``kappa = 1 - sum(D O) / sum(D E)``.

    Returns NaN when ``sum(D E)`` is 0 (one true class and one predicted class only).
    """
    t = np.asarray(y_true).ravel()
    q = np.asarray(y_pred).ravel()
    if t.shape != q.shape:
        raise ValueError(f"{t.size} true classes but {q.size} predictions")
    k = len(MACE_CLASSES)
    for name, arr in (("truth", t), ("prediction", q)):
        if not np.isin(arr, MACE_CLASSES).all():
            raise ValueError(f"MACE {name} must hold the codes {MACE_CLASSES} only")
    t, q = t.astype(int), q.astype(int)
    w = np.asarray([MACE_CLASS_WEIGHTS[c] for c in MACE_CLASSES])[t]
    observed = np.bincount(t * k + q, weights=w, minlength=k * k).reshape(k, k)
    expected = np.outer(observed.sum(1), observed.sum(0)) / observed.sum()
    i, j = np.indices((k, k))
    disagreement = (i - j) ** 2 / (k - 1) ** 2
    denominator = float(np.sum(disagreement * expected))
    if denominator == 0:
        return float("nan")
    return float(1 - np.sum(disagreement * observed) / denominator)


def combined_score(kappa: float, rescaled: float) -> float:
    """``WEIGHT_KAPPA * kappa + WEIGHT_SEVERITY * rescaled``."""
    return float(WEIGHT_KAPPA * kappa + WEIGHT_SEVERITY * rescaled)


def cardihack_metric(mace_true, mace_pred, severity_true, severity_prob) -> dict[str, float]:
    """The reconstructed challenge metric and its parts.

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
