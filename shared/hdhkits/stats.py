"""Uncertainty for local scores: bootstrap intervals.

Local validation sets are small (a few hundred patients, a few dozen events), so a
score without an interval invites over-reading a difference of 0.01.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

__all__ = ["Interval", "bootstrap_interval"]


@dataclass(frozen=True)
class Interval:
    """A point estimate with a percentile bootstrap interval."""

    estimate: float
    low: float
    high: float
    level: float = 0.95

    def __str__(self) -> str:
        return f"{self.estimate:.3f} [{self.low:.3f}, {self.high:.3f}]"

    def as_dict(self) -> dict[str, float]:
        return {"estimate": self.estimate, "low": self.low, "high": self.high}


def bootstrap_interval(
    metric: Callable[[np.ndarray], float],
    n: int,
    n_boot: int = 200,
    seed: int = 0,
    level: float = 0.95,
    strata: np.ndarray | None = None,
) -> Interval:
    """Percentile bootstrap interval of a metric computed on resampled rows.

    Parameters
    ----------
    metric : callable
        ``metric(idx)`` returns the score of the rows ``idx`` (an integer array, with
        repeats); it may return NaN or raise ``ValueError`` for a degenerate resample
        (e.g. no event), which is then skipped.
    n : int
        Number of rows.
    n_boot : int
        Number of resamples.
    seed : int
        Seed of the resampling.
    level : float
        Coverage of the interval.
    strata : array of shape (n,), optional
        Resample within each stratum (keeps rare classes or events present).

    Returns
    -------
    Interval
        ``estimate`` is the metric on all rows.
    """
    if n < 2:
        raise ValueError("need at least two rows to bootstrap")
    rng = np.random.default_rng(seed)
    full = np.arange(n)
    estimate = float(metric(full))
    groups = [full] if strata is None else [np.flatnonzero(np.asarray(strata) == s) for s in np.unique(strata)]
    values = []
    for _ in range(n_boot):
        idx = np.concatenate([rng.choice(g, size=len(g), replace=True) for g in groups])
        try:
            v = float(metric(idx))
        except ValueError:
            continue
        if np.isfinite(v):
            values.append(v)
    if len(values) < max(10, n_boot // 2):
        return Interval(estimate, float("nan"), float("nan"), level)
    alpha = (1 - level) / 2
    low, high = np.quantile(values, [alpha, 1 - alpha])
    return Interval(estimate, float(low), float(high), level)
