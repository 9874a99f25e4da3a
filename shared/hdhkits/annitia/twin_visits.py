"""The twin's visit schedules: how many visits each patient has, and the years between them.

The number of visits follows the official presence of ``Age_vk`` (100 % at v1, 85 % v2,
71 % v3, 54 % v4, 31 % v6, 11 % v10, 1 % v16); the gaps are whole years, mostly 0-4
(median 1), with the official long tail. Patients at a higher fibrosis stage come more
often (a Gaussian copula of the baseline stage and the number of visits, which keeps the
number's distribution), so the number of visits says about the liver event what it says
officially, no more.
"""

from __future__ import annotations

import numpy as np
from scipy.stats import norm, rankdata

__all__ = ["GAP_SHARES", "VISIT_SURVIVAL", "visit_schedule"]

#: P(number of visits >= k), k = 1..19, from the official presence of Age_vk.
VISIT_SURVIVAL = np.array(
    [
        1.0,
        0.85,
        0.71,
        0.54,
        0.42,
        0.31,
        0.24,
        0.18,
        0.14,
        0.11,
        0.08,
        0.06,
        0.045,
        0.03,
        0.02,
        0.01,
        0.006,
        0.003,
        0.0015,
    ]
)
#: Whole years between successive visits, 0..15: mostly 0-4 (median 1), and a long tail
#: (patients lost to follow-up who come back): 2.6 % of the official gaps exceed 4 years,
#: the 99th percentile is 6, the largest 15 (measured on the official train file by a participant).
GAP_SHARES = np.array(
    [
        0.18,
        0.42,
        0.22,
        0.10,
        0.054,
        0.012,
        0.0075,
        0.0025,
        0.0015,
        0.001,
        0.0008,
        0.0006,
        0.0005,
        0.0004,
        0.0003,
        0.0002,
    ]
)
GAP_SHARES = GAP_SHARES / GAP_SHARES.sum()

# Correlation (normal scores) between the baseline stage and the number of visits: sicker
# patients are followed more, so how often a patient is measured says as little about the
# liver event as officially (visit-count C 0.42-0.47).
_STAGE_COUPLING = 0.25


def visit_schedule(rng: np.random.Generator, stage0: np.ndarray, max_visits: int) -> tuple[np.ndarray, np.ndarray]:
    """Every patient's number of visits and the whole years between successive visit slots.

    Parameters
    ----------
    rng : numpy.random.Generator
    stage0 : array of int, shape (n,)
        Fibrosis stage at the first visit (a higher stage: more visits, on average).
    max_visits : int
        Number of visit slots.

    Returns
    -------
    n_visits : array of int, shape (n,)
    gaps : array of int, shape (n, max_visits)
        Years since the previous slot (0 for the first).
    """
    n = len(stage0)
    # uniform over patients, and lower (more visits) for a higher baseline stage
    score = rankdata(stage0 + rng.normal(0, 0.5, n)) / (n + 1)
    z = -_STAGE_COUPLING * norm.ppf(score) + np.sqrt(1 - _STAGE_COUPLING**2) * rng.normal(0, 1, n)
    n_visits = (norm.cdf(z)[:, None] < VISIT_SURVIVAL[None, :]).sum(axis=1)
    gaps = rng.choice(len(GAP_SHARES), size=(n, max_visits), p=GAP_SHARES)
    gaps[:, 0] = 0
    return n_visits, gaps
