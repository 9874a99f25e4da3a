"""What the resampled scores say: intervals, ranks, the probability of being first, pairwise tests.

Every function takes the scores of the valid submissions as an ``(S, B)`` array (one row
per submission, one column per resample, the same resamples for all) with no NaN: the
caller drops a resample where the metric is undefined for any submission.

Definitions used throughout:

* **Ties.** Two scores closer than :data:`TIE_TOLERANCE` are equal (identical files
  score identically, but floating-point sums need not agree to the last bit).
* **Rank.** The ``"min"`` rank: 1 + the number of submissions with a strictly higher
  score, so tied submissions share the best of their places (1, 1, 3, ...).
* **P(best).** The share of resamples where a submission is ranked first, a resample
  with ``k`` tied leaders giving ``1/k`` to each: the column sums to 1.
* **A beats B.** The share of resamples where A scores higher than B, a tie counting
  one half, so ``beats[a, b] + beats[b, a] = 1``.
* **Paired test.** :func:`paired_pvalues` (one-sided, "A scores higher than B"), then
  Holm's correction over every ordered pair (:func:`holm`).
"""

from __future__ import annotations

import numpy as np
from scipy.special import ndtr
from scipy.stats import rankdata

__all__ = [
    "TIE_TOLERANCE",
    "beat_shares",
    "holm",
    "min_ranks",
    "p_best",
    "paired_pvalues",
    "rank_frequencies",
    "rank_interval",
    "score_interval",
    "tie_keys",
]

#: Scores closer than this are tied.
TIE_TOLERANCE = 1e-12


def tie_keys(scores: np.ndarray) -> np.ndarray:
    """Scores rounded to the :data:`TIE_TOLERANCE` grid: equal keys are tied scores (NaN stays NaN)."""
    return np.round(np.asarray(scores, dtype=float) / TIE_TOLERANCE)


def min_ranks(scores: np.ndarray) -> np.ndarray:
    """The ``"min"`` rank of each submission within each column (1 = highest score).

    Parameters
    ----------
    scores : ndarray (S,) or (S, B)
        Higher is better. A NaN gets rank NaN and is not counted in the others' ranks.

    Returns
    -------
    ndarray of float, same shape
    """
    keys = tie_keys(scores)
    ranks = rankdata(np.where(np.isnan(keys), np.inf, -keys), method="min", axis=0).astype(float)
    return np.where(np.isnan(keys), np.nan, ranks)


def rank_interval(ranks: np.ndarray, level: float = 0.95) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Median rank and the ``level`` interval of each row of ``(S, B)`` bootstrap ranks.

    The bounds are ranks that occurred (``numpy.quantile(method="inverted_cdf")``): a
    submission first in every resample has the interval ``[1, 1]``.
    """
    alpha = (1 - level) / 2
    low, high = np.quantile(ranks, [alpha, 1 - alpha], axis=1, method="inverted_cdf")
    return np.median(ranks, axis=1), low, high


def rank_frequencies(ranks: np.ndarray) -> np.ndarray:
    """``(S, S)``: the share of resamples where submission ``i`` (row) takes rank ``r + 1`` (column)."""
    n, boot = ranks.shape
    flat = (np.arange(n)[:, None] * n + ranks.astype(int) - 1).ravel()
    return np.bincount(flat, minlength=n * n).reshape(n, n) / boot


def p_best(ranks: np.ndarray) -> np.ndarray:
    """The probability of being first: the share of resamples ranked 1, tied leaders splitting a resample."""
    first = ranks == 1
    return (first / first.sum(0, keepdims=True)).mean(1)


def score_interval(scores: np.ndarray, level: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Percentile bootstrap interval of each row (linear interpolation, as :func:`hdhkits.stats.bootstrap_interval`)."""
    alpha = (1 - level) / 2
    low, high = np.quantile(scores, [alpha, 1 - alpha], axis=1)
    return low, high


def beat_shares(scores: np.ndarray, rows: int | None = None) -> np.ndarray:
    """``(S, S)``: the share of resamples where submission ``a`` (row) scores higher than ``b``, ties half.

    NaN on the diagonal (a submission is not compared with itself).

    Computed ``rows`` submissions at a time (by default as many as keep ``rows x S x B``
    under 4 million booleans), so memory does not grow with ``S^2 x B``.
    """
    keys = tie_keys(scores)
    n = len(keys)
    rows = rows or max(1, 4_000_000 // max(1, n * keys.shape[1]))
    out = np.empty((n, n))
    for start in range(0, n, rows):
        a = keys[start : start + rows, None, :]
        out[start : start + rows] = (a > keys[None]).mean(2) + 0.5 * (a == keys[None]).mean(2)
    np.fill_diagonal(out, np.nan)
    return out


def paired_pvalues(estimates: np.ndarray, scores: np.ndarray) -> np.ndarray:
    """One-sided p-values of "``a`` (row) scores higher than ``b`` (column)" from paired bootstrap differences.

    For each pair, ``z = d / se`` with ``d`` the difference of the two scores on the full
    test set and ``se`` the standard deviation of their paired differences over the
    resamples (both scored on the same resamples, so what the two share cancels); ``p =
    1 - Phi(z)``. This is the paired bootstrap test pROC's ``roc.test(method="bootstrap")``
    uses for two AUCs on one test set.

    Why not the others:

    * a paired *permutation* test swaps the two submissions' predictions unit by unit;
      that is meaningless when submissions live on different scales (ANNITIA's risks are
      any real numbers: only their order within one submission counts), and it would
      rescore every pair under every permutation (``S^2`` x permutations) where the
      bootstrap reuses the ``S x B`` scores already computed;
    * the percentile bootstrap p-value (the share of resamples with ``d <= 0``) cannot go
      below ``1 / B``: with 1,000 resamples and Holm's correction over the ``S (S - 1)``
      ordered pairs of 40 submissions (1,560 tests), nothing could ever be significant.

    Parameters
    ----------
    estimates : ndarray (S,)
        The scores on the full test set.
    scores : ndarray (S, B)
        The bootstrap scores.

    Returns
    -------
    ndarray (S, S)
        NaN on the diagonal. A pair whose difference never varies (``se`` 0: identical
        submissions) gets ``p = 1`` when it is not positive, 0 when it is.
    """
    estimates = np.asarray(estimates, dtype=float)
    cov = np.atleast_2d(np.cov(scores)) if scores.shape[1] > 1 else np.zeros((len(scores), len(scores)))
    var = np.diag(cov)
    se = np.sqrt(np.clip(var[:, None] + var[None, :] - 2 * cov, 0, None))
    diff = estimates[:, None] - estimates[None, :]
    diff = np.where(np.abs(diff) <= TIE_TOLERANCE, 0.0, diff)
    degenerate = se <= 1e-12
    with np.errstate(divide="ignore", invalid="ignore"):
        p = ndtr(-diff / np.where(degenerate, 1.0, se))
    p = np.where(degenerate, np.where(diff > 0, 0.0, 1.0), p)
    np.fill_diagonal(p, np.nan)
    return p


def holm(pvalues: np.ndarray) -> np.ndarray:
    """Holm's step-down adjustment of every non-NaN p-value of an array, as one family.

    The ``k``-th smallest of ``m`` p-values becomes ``max over j <= k of min(1, (m - j + 1) p_(j))``
    (``j`` counted from 1); NaN entries (the diagonal) stay NaN.
    """
    p = np.asarray(pvalues, dtype=float)
    flat = p.ravel()
    tested = np.flatnonzero(~np.isnan(flat))
    order = tested[np.argsort(flat[tested], kind="stable")]
    m = len(order)
    adjusted = np.minimum(1.0, (m - np.arange(m)) * flat[order])
    out = np.full(flat.shape, np.nan)
    out[order] = np.maximum.accumulate(adjusted)
    return out.reshape(p.shape)
