"""The public and private parts of the test set, and how far the ranking moves between them.

Challenges show a *public* leaderboard during the competition, scored on part of the
test units, and rank on the *private* rest at the end. A seeded split reproduces that:
the same seed gives the same parts. The *shake-up* is how many places a submission
moves from its public rank to its private rank; on test sets of a few hundred patients
it is large, which is the point of showing it.
"""

from __future__ import annotations

import numpy as np

__all__ = ["public_mask", "rank_correlation", "shakeup"]

_SPLIT_STREAM = 1


def public_mask(n_units: int, share: float, seed: int = 0) -> np.ndarray:
    """Which test units are public: ``round(share * n_units)`` of them, drawn from the seed.

    Parameters
    ----------
    n_units : int
        Number of test units.
    share : float
        Public share, strictly between 0 and 1.
    seed : int
        Seed of the split (its own stream, ``default_rng([seed, 1])``: changing the
        number of resamples does not change the split).

    Returns
    -------
    bool ndarray (n_units,)
        At least one unit on each side.

    Raises
    ------
    ValueError
        ``share`` outside (0, 1), or fewer than two units.
    """
    if not 0 < share < 1:
        raise ValueError(f"the public share must be strictly between 0 and 1, not {share}")
    if n_units < 2:
        raise ValueError("a public/private split needs at least two test units")
    n_public = int(np.clip(round(share * n_units), 1, n_units - 1))
    mask = np.zeros(n_units, bool)
    mask[np.random.default_rng([seed, _SPLIT_STREAM]).permutation(n_units)[:n_public]] = True
    return mask


def shakeup(public_rank: np.ndarray, private_rank: np.ndarray) -> np.ndarray:
    """Places gained from the public to the private leaderboard (positive = moved up; NaN if either is)."""
    return np.asarray(public_rank, dtype=float) - np.asarray(private_rank, dtype=float)


def rank_correlation(public_rank: np.ndarray, private_rank: np.ndarray) -> float:
    """Spearman's correlation between the public and private ranks (NaN for fewer than 3 pairs)."""
    a, b = np.asarray(public_rank, dtype=float), np.asarray(private_rank, dtype=float)
    keep = ~(np.isnan(a) | np.isnan(b))
    if keep.sum() < 3 or np.ptp(a[keep]) == 0 or np.ptp(b[keep]) == 0:
        return float("nan")
    from scipy.stats import spearmanr

    return float(spearmanr(a[keep], b[keep]).statistic)
