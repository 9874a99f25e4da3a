"""From a continuous MACE score to the classes 0/1/2, with cut points chosen for the kappa.

The weighted kappa scores classes, not probabilities, so every MACE model here ends with
two cut points ``t1 <= t2`` on a score: ``class = 0`` below ``t1``, ``1`` between, ``2``
from ``t2``. The cut points are chosen on training data only, by grid search over the
score's quantiles, to maximise :func:`~hdhkits.cardihack.metric.weighted_kappa`.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from .metric import MACE_CLASS_WEIGHTS, MACE_CLASSES

__all__ = ["apply_thresholds", "fit_kappa_thresholds"]


def apply_thresholds(score: npt.ArrayLike, thresholds: tuple[float, ...]) -> np.ndarray:
    """Classes 0/1/2 from a score and cut points ``(t1, t2)``: 0 below t1, 2 from t2, else 1."""
    t1, t2 = thresholds
    s = np.asarray(score, dtype=float)
    return np.where(s >= t2, 2, np.where(s >= t1, 1, 0)).astype(int)


def fit_kappa_thresholds(score: npt.ArrayLike, y: npt.ArrayLike, n_grid: int = 40) -> tuple[float, float]:
    """Cut points that maximise the weighted kappa of ``apply_thresholds(score)`` against ``y``.

    Parameters
    ----------
    score : array of float
        Higher = more likely a higher MACE code.
    y : array of 0/1/2
        True MACE classes of the same rows.
    n_grid : int
        Candidate cut points: this many quantiles of ``score`` (plus +inf, so a class
        may be left out).

    Returns
    -------
    (t1, t2) : tuple of float
        ``t1 <= t2``; ``t1 == t2`` means class 1 is never predicted.
    """
    s = np.asarray(score, dtype=float)
    y = np.asarray(y).astype(int)
    if s.shape != y.shape:
        raise ValueError(f"{s.size} scores but {y.size} classes")
    # Quantiles strictly inside the range: cutting at the minimum would put every row in one class.
    candidates = np.unique(np.quantile(s, np.linspace(0, 1, n_grid + 2)[1:-1]))
    candidates = np.append(candidates, np.inf)
    # The same kappa as metric.weighted_kappa, vectorised over all (t1, t2) pairs at once.
    k = len(MACE_CLASSES)
    w = np.asarray([MACE_CLASS_WEIGHTS[c] for c in MACE_CLASSES])[y]
    pairs = np.array([(a, b) for a in range(len(candidates)) for b in range(a, len(candidates))])
    t1, t2 = candidates[pairs[:, 0]], candidates[pairs[:, 1]]
    pred = (s[None, :] >= t1[:, None]).astype(int) + (s[None, :] >= t2[:, None])  # (pairs, n)
    onehot_true = np.eye(k)[y] * w[:, None]  # (n, k), weighted
    observed = np.stack([onehot_true.T @ (pred == j).T for j in range(k)], axis=-1)  # (k, pairs, k)
    observed = observed.transpose(1, 0, 2)  # (pairs, true, pred)
    total = observed.sum((1, 2))
    expected = observed.sum(2)[:, :, None] * observed.sum(1)[:, None, :] / total[:, None, None]
    i, j = np.indices((k, k))
    d = (i - j) ** 2 / (k - 1) ** 2
    num, den = (observed * d).sum((1, 2)), (expected * d).sum((1, 2))
    with np.errstate(divide="ignore", invalid="ignore"):
        kappa = np.where(den > 0, 1 - num / den, -np.inf)
    best = int(np.argmax(kappa))  # first maximum: the lowest cut points among ties
    return float(t1[best]), float(t2[best])
