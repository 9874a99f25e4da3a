"""The resamples of the test units, shared by every submission, and the scores they give.

The bootstrap draws the test units (patients; CYTOLOGIA's images with all their boxes)
``n_units`` times with replacement, ``n_boot`` times. Each resample has its own random
stream, spawned from the seed (``numpy.random.SeedSequence([seed, 0]).spawn``), so the
draws do not depend on how many resamples are made at once and a test can replay any of
them (:func:`resample_indices`). A resample is stored as the number of times each unit
was drawn (:func:`resample_counts`): ``n_boot x n_units`` small integers, whatever the
number of submissions.

A submission is reduced once to its per-unit terms (:meth:`hdhkits.problem.UnitMetric.unit_terms`);
:func:`score_rows` then scores it on the full test set, the public and the private part,
and every resample, a block of resamples at a time so the floating-point weights never
take more than :data:`BLOCK_BYTES`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from ..problem import UnitMetric

__all__ = [
    "BLOCK_BYTES",
    "FIXED_ROWS",
    "WeightPlan",
    "make_plan",
    "resample_counts",
    "resample_indices",
    "score_rows",
]

#: Largest block of float64 weights handed to a metric at once (32 MiB).
BLOCK_BYTES = 32 * 2**20
#: The rows :func:`score_rows` puts before the resamples, in order.
FIXED_ROWS = ("full", "public", "private")
_RESAMPLE_STREAM = 0


def resample_indices(n_units: int, n_boot: int, seed: int = 0) -> Iterator[np.ndarray]:
    """The units each resample draws, one index array of length ``n_units`` per resample.

    Parameters
    ----------
    n_units : int
        Number of test units.
    n_boot : int
        Number of resamples.
    seed : int
        Seed; resample ``b`` uses the ``b``-th stream spawned from ``SeedSequence([seed, 0])``.

    Yields
    ------
    ndarray of int
        Unit positions drawn with replacement.
    """
    for child in np.random.SeedSequence([seed, _RESAMPLE_STREAM]).spawn(n_boot):
        yield np.random.default_rng(child).integers(0, n_units, n_units)


def resample_counts(n_units: int, n_boot: int, seed: int = 0) -> np.ndarray:
    """How many times each resample draws each unit: an ``(n_boot, n_units)`` integer array.

    Small unsigned integers (``uint16`` up to 65,535 units): 41 MB for 1,000 resamples
    of CYTOLOGIA's 20,751 test images.
    """
    dtype = np.uint16 if n_units <= np.iinfo(np.uint16).max else np.uint32
    counts = np.empty((n_boot, n_units), dtype=dtype)
    for b, idx in enumerate(resample_indices(n_units, n_boot, seed)):
        counts[b] = np.bincount(idx, minlength=n_units)
    return counts


@dataclass(frozen=True)
class WeightPlan:
    """Every weighting of the units a leaderboard scores.

    Attributes
    ----------
    public : bool ndarray (n_units,)
        The units of the public part; the private part is the rest.
    counts : integer ndarray (n_boot, n_units)
        The resamples (:func:`resample_counts`).
    """

    public: np.ndarray
    counts: np.ndarray

    @property
    def n_units(self) -> int:
        """Number of units."""
        return self.counts.shape[1]

    @property
    def n_boot(self) -> int:
        """Number of resamples."""
        return self.counts.shape[0]

    def fixed(self) -> np.ndarray:
        """The weights of :data:`FIXED_ROWS`: all ones, the public mask, the private mask."""
        public = self.public.astype(float)
        return np.vstack([np.ones(self.n_units), public, 1.0 - public])

    def blocks(self) -> Iterator[np.ndarray]:
        """The resamples as float64 weights, in blocks of at most :data:`BLOCK_BYTES`."""
        rows = max(1, min(self.n_boot, BLOCK_BYTES // (8 * max(self.n_units, 1))))
        for start in range(0, self.n_boot, rows):
            yield self.counts[start : start + rows].astype(float)


def make_plan(n_units: int, n_boot: int, seed: int, public: np.ndarray) -> WeightPlan:
    """The resamples of ``seed`` and the given public mask as a :class:`WeightPlan`."""
    public = np.asarray(public, bool)
    if public.shape != (n_units,):
        raise ValueError(f"the public mask has {public.size} entries for {n_units} units")
    return WeightPlan(public, resample_counts(n_units, n_boot, seed))


def score_rows(metric: UnitMetric, terms: tuple[np.ndarray, ...], plan: WeightPlan) -> np.ndarray:
    """One submission's scores: the :data:`FIXED_ROWS`, then each resample.

    Parameters
    ----------
    metric : UnitMetric
        The kit's metric split over the units.
    terms : tuple of ndarray
        The submission's per-unit terms (``metric.unit_terms(submission)``).
    plan : WeightPlan
        The weightings.

    Returns
    -------
    ndarray of shape (3 + n_boot,)
        NaN where the metric is undefined (a resample without an event, say).
    """
    rows = [np.asarray(metric.scores(terms, plan.fixed()), dtype=float)]
    rows += [np.asarray(metric.scores(terms, block), dtype=float) for block in plan.blocks()]
    return np.concatenate(rows)
